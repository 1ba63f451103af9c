"""`maestro-tm ask` end to end against the loopback server: the issue's "done when" list."""

import io
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.llm.conftest import Cli
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply, rate_limited, server_error
from tests.llm.secrets_corpus import corpus, document


def ask(cli: Cli, server: FakeOpenAIServer, *args: str) -> tuple[int, str, str]:
    return cli("ask", *args, "--model", "openai/fake", "--api-base", server.url)


def assert_one_line_no_traceback(err: str) -> None:
    assert err.startswith("maestro-tm: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("stream", ["--stream", "--no-stream"])
def test_succeeds_after_two_429_replies(cli: Cli, server: FakeOpenAIServer, stream: str) -> None:
    server.enqueue(
        rate_limited("0"), rate_limited("0"), Reply(content="T1 memory poisoning sits at L2.")
    )
    code, out, err = ask(cli, server, "Where does memory poisoning sit?", stream)
    assert code == 0, err
    assert out == "T1 memory poisoning sits at L2.\n"
    assert len(server.requests) == 3
    assert err.startswith("openai/fake: ")  # the usage line


@pytest.mark.parametrize("stream", ["--stream", "--no-stream"])
def test_persistent_500_exits_non_zero_with_one_line(
    cli: Cli, server: FakeOpenAIServer, stream: str
) -> None:
    server.default = server_error(500)
    code, out, err = ask(cli, server, "q", stream)
    assert code == 1 and out == ""
    assert_one_line_no_traceback(err)
    assert err == (
        "maestro-tm: openai returned 500 server error after 4 attempts; "
        "try again later or set a fallback model\n"
    )


@pytest.mark.parametrize("stream", ["--stream", "--no-stream"])
def test_non_json_bodies_exit_non_zero_with_one_line(
    cli: Cli, server: FakeOpenAIServer, stream: str
) -> None:
    server.default = Reply(raw_body=b"<!doctype html><title>Proxy login</title>")
    code, out, err = ask(cli, server, "q", stream)
    assert code == 1 and out == ""
    assert_one_line_no_traceback(err)
    assert "check that --api-base points at an OpenAI-compatible /v1 endpoint" in err


@pytest.mark.parametrize("mode", ["--stream", "--no-stream", "--json"])
def test_no_secret_from_the_input_is_ever_sent(
    cli: Cli, server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    server.default = Reply(
        content='{"answer": "Rotate every key listed.", "layers": ["L4"], "threat_ids": ["T3"]}'
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(document()))
    code, out, err = ask(cli, server, "-", mode)
    assert code == 0, err
    assert server.requests
    for request in server.requests:
        decoded = json.dumps(request.json(), ensure_ascii=False)
        for secret in corpus():
            for fragment in secret.fragments():
                assert fragment not in request.text, secret.kind
                assert fragment not in decoded, secret.kind
    first_line = err.splitlines()[0]
    assert first_line.startswith("redacted ") and "secrets before sending" in first_line
    assert int(first_line.split()[1]) >= 20
    for secret in corpus():
        assert secret.value not in err and secret.value not in out


def test_stops_at_max_tokens_with_a_clear_message(cli: Cli, server: FakeOpenAIServer) -> None:
    server.default = Reply(content=" ".join(f"word{i}" for i in range(400)))
    code, out, err = ask(
        cli, server, "Explain every MAESTRO layer in depth.", "--max-tokens", "300"
    )
    assert code == 3
    assert_one_line_no_traceback(err.splitlines(keepends=True)[-1])
    assert err.startswith(
        "maestro-tm: stopped at --max-tokens 300: the reply was cut off when the budget ran out"
    )
    assert "raise the cap or shorten the input" in err
    sent_cap = server.chat_requests()[0]["max_tokens"]
    assert 0 < sent_cap < 300
    assert out.split() == [f"word{i}" for i in range(sent_cap)]  # what arrived is kept


def test_max_tokens_too_small_for_the_prompt_sends_nothing(
    cli: Cli, server: FakeOpenAIServer
) -> None:
    code, out, err = ask(cli, server, "q", "--max-tokens", "10")
    assert code == 3 and out == "" and server.requests == []
    assert_one_line_no_traceback(err)
    assert "stopped at --max-tokens 10: the next request needs about" in err


def test_json_answer_with_a_validator_rejection_repaired(
    cli: Cli, server: FakeOpenAIServer
) -> None:
    server.enqueue(
        Reply(
            content='Here: {"answer": "Tool misuse.", "layers": ["L3"], "threat_ids": ["T2", "T99"]}'
        ),
        Reply(content='{"answer": "Tool misuse.", "layers": ["L3"], "threat_ids": ["T2"]}'),
    )
    code, out, err = ask(cli, server, "What is tool misuse?", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["answer"] == {"answer": "Tool misuse.", "layers": ["L3"], "threat_ids": ["T2"]}
    assert data["prompt"] == {"id": "ask", "version": "1"}
    assert data["usage"]["calls"] == 2
    repair = server.chat_requests()[1]["messages"][-1]["content"]
    assert "'T99' is not a threat in the catalogue" in repair


def test_json_needs_clarification(cli: Cli, server: FakeOpenAIServer) -> None:
    server.default = Reply(
        content='{"answer": null, "needs_clarification": {"questions": ["Which agent framework?"]}}'
    )
    code, out, _ = ask(cli, server, "Is my system safe?", "--json")
    assert code == 0
    assert json.loads(out)["needs_clarification"]["questions"] == ["Which agent framework?"]


def test_local_only_refuses_a_cloud_model_without_sending(cli: Cli) -> None:
    code, out, err = cli("ask", "q", "--model", "gpt-4o-mini", "--local-only")
    assert code == 2 and out == ""
    assert_one_line_no_traceback(err)
    assert "--local-only refuses gpt-4o-mini" in err


def test_local_only_allows_the_loopback_server(cli: Cli, server: FakeOpenAIServer) -> None:
    code, out, _ = ask(cli, server, "q", "--local-only")
    assert code == 0 and out == "ok\n"


def test_no_model_configured_says_how_to_configure_one(cli: Cli) -> None:
    code, _, err = cli("ask", "q")
    assert code == 2
    assert_one_line_no_traceback(err)
    assert "no model configured: pass --model, set MAESTRO_TM_MODEL" in err


def test_model_and_endpoint_from_the_config_file(cli: Cli, server: FakeOpenAIServer) -> None:
    from assistant.llm.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(f'[llm]\nmodel = "openai/fake"\napi_base = "{server.url}"\n', encoding="utf-8")
    code, out, _ = cli("ask", "q", "--no-stream")
    assert code == 0 and out == "ok\n"


def test_help_and_import_hygiene() -> None:
    probe = (
        "import sys\n"
        "import assistant.llm, assistant.commands.ask\n"
        "from assistant.cli import main\n"
        "sys.argv = ['maestro-tm', 'ask', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LITELLM_LOADED' if 'litellm' in sys.modules else 'LITELLM_ABSENT')\n"
    )
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    ).stdout
    assert "--max-tokens" in out and "--local-only" in out
    assert out.strip().endswith("LITELLM_ABSENT")
