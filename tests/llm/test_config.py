from pathlib import Path

import pytest

from assistant.errors import LLMConfigError, LocalOnlyError
from assistant.llm.config import LLMSettings, check_local_only, config_path, load_settings


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_with_no_sources() -> None:
    settings = load_settings(environ={})
    assert settings.model is None and settings.retries == 3 and not settings.local_only
    assert (settings.connect_timeout, settings.read_timeout) == (10.0, 120.0)


def test_config_file_lives_in_the_user_config_dir(tmp_path: Path) -> None:
    assert config_path() == tmp_path / "home" / "config" / "config.toml"


def test_flags_beat_environment_beat_file() -> None:
    write_config(
        '[llm]\nmodel = "from-file"\nretries = 1\nread_timeout = 30\napi_base = "http://127.0.0.1:1/v1"\n'
    )
    env = {"MAESTRO_TM_MODEL": "from-env", "MAESTRO_TM_RETRIES": "2"}
    settings = load_settings({"model": "from-flag", "max_tokens": None}, environ=env)
    assert settings.model == "from-flag"
    assert settings.retries == 2
    assert settings.read_timeout == 30.0
    assert settings.api_base == "http://127.0.0.1:1/v1"
    assert settings.max_tokens is None


def test_environment_values_are_parsed() -> None:
    env = {
        "MAESTRO_TM_FALLBACKS": "anthropic/claude-sonnet-4-5, ollama/llama3",
        "MAESTRO_TM_LOCAL_ONLY": "true",
        "MAESTRO_TM_MAX_COST": "0.50",
        "MAESTRO_TM_API_BASE": "http://localhost:4000/",
    }
    settings = load_settings(environ=env)
    assert settings.fallbacks == ["anthropic/claude-sonnet-4-5", "ollama/llama3"]
    assert settings.local_only and settings.max_cost == 0.5
    assert settings.api_base == "http://localhost:4000"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MAESTRO_TM_RETRIES": "many"},
            "invalid MAESTRO_TM_RETRIES: Input should be a valid integer",
        ),
        (
            {"MAESTRO_TM_READ_TIMEOUT": "0"},
            "invalid MAESTRO_TM_READ_TIMEOUT: Input should be greater than 0",
        ),
        (
            {"MAESTRO_TM_API_BASE": "127.0.0.1:8080"},
            "invalid MAESTRO_TM_API_BASE: must be an http:// or https:// URL",
        ),
        (
            {"MAESTRO_TM_API_KEY_ENV": "sk-abc123"},
            "invalid MAESTRO_TM_API_KEY_ENV: must be the NAME of",
        ),
        ({"MAESTRO_TM_STRUCTURED_OUTPUT": "xml"}, "invalid MAESTRO_TM_STRUCTURED_OUTPUT"),
    ],
)
def test_a_bad_environment_value_names_its_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(LLMConfigError) as caught:
        load_settings(environ=env)
    assert caught.value.message.startswith(message)
    assert caught.value.exit_code == 2


def test_a_bad_flag_names_the_flag() -> None:
    with pytest.raises(
        LLMConfigError, match=r"^invalid --max-tokens: Input should be greater than 0"
    ):
        load_settings({"max_tokens": 0}, environ={})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[llm]\nmodel = "x"\napi_key = "sk-live"\n',
            r"\[llm\]\.api_key is not allowed; keys stay in environment variables",
        ),
        ('[llm]\nmodle = "x"\n', r"\[llm\]\.modle: unknown setting"),
        ('[llm]\nmodel = "x\n', "not valid TOML"),
        ("llm = 3\n", r"\[llm\] must be a table"),
        (
            '[llm]\nretries = "three"\n',
            r"invalid .*config.toml \[llm\]\.retries: Input should be a valid integer",
        ),
    ],
)
def test_config_file_problems_are_one_clear_line(text: str, message: str) -> None:
    write_config(text)
    with pytest.raises(LLMConfigError, match=message):
        load_settings(environ={})


def test_other_tables_in_the_config_file_are_not_ours() -> None:
    write_config('[retrieval]\nchroma_url = "http://x"\n[llm]\nmodel = "ollama/llama3"\n')
    assert load_settings(environ={}).model == "ollama/llama3"


@pytest.mark.parametrize(
    ("settings", "environ"),
    [
        ({"model": "ollama/llama3"}, {}),
        ({"model": "ollama_chat/qwen2.5"}, {"OLLAMA_API_BASE": "http://127.0.0.1:11434"}),
        ({"model": "lm_studio/phi"}, {}),
        ({"model": "openai/smollm2", "api_base": "http://127.0.0.1:8765/v1"}, {}),
        ({"model": "openai/x", "api_base": "http://localhost:4000"}, {}),
        ({"model": "openai/x", "api_base": "http://[::1]:8080/v1"}, {}),
        (
            {
                "model": "openai/x",
                "api_base": "http://127.0.0.1:1/v1",
                "fallbacks": ["ollama/llama3"],
            },
            {},
        ),
    ],
)
def test_local_only_accepts_this_machine(
    settings: dict[str, object], environ: dict[str, str]
) -> None:
    check_local_only(LLMSettings.model_validate({**settings, "local_only": True}), environ)


@pytest.mark.parametrize(
    ("settings", "environ", "message"),
    [
        (
            {"model": "gpt-4o-mini"},
            {},
            "--local-only refuses gpt-4o-mini: it would send data to openai's servers",
        ),
        ({"model": "anthropic/claude-sonnet-4-5"}, {}, "anthropic's servers"),
        (
            {"model": "ollama/llama3"},
            {"OLLAMA_API_BASE": "http://gpu-box.lan:11434"},
            "at http://gpu-box.lan:11434: not a loopback address",
        ),
        (
            {"model": "openai/x", "api_base": "https://proxy.example.com"},
            {},
            "not a loopback address",
        ),
        (
            {"model": "openai/x", "api_base": "http://127.0.0.1.nip.io:8080"},
            {},
            "not a loopback address",
        ),
        ({"model": "openai/x", "api_base": "http://0.0.0.0:8080"}, {}, "not a loopback address"),
        ({"model": "ollama/llama3", "fallbacks": ["gpt-4o-mini"]}, {}, "refuses gpt-4o-mini"),
        (
            {"model": "openai/x"},
            {"OPENAI_API_BASE": "https://api.example.com/v1"},
            "not a loopback address",
        ),
    ],
)
def test_local_only_refuses_anything_else(
    settings: dict[str, object], environ: dict[str, str], message: str
) -> None:
    with pytest.raises(LocalOnlyError, match=message.replace("(", r"\(")):
        check_local_only(LLMSettings.model_validate({**settings, "local_only": True}), environ)


def test_without_local_only_nothing_is_refused() -> None:
    check_local_only(LLMSettings(model="gpt-4o-mini"), {})
