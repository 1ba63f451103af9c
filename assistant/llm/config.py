"""Model settings: defaults < config file < environment < command-line flags.

The config file is `config.toml` in `assistant.locations.config_dir()`, table `[llm]`. API keys
never live here: litellm reads them from each provider's usual environment variable
(`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, ...), and `api_key_env` may name another variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import LLMConfigError, LocalOnlyError
from assistant.files import read_text

ENV_PREFIX = "MAESTRO_TM_"
StructuredMode = Literal["auto", "json_schema", "json_object", "prompt"]

# Providers whose default endpoint is this machine, with the variable litellm reads to move it.
LOCAL_PROVIDERS: dict[str, tuple[str, str]] = {
    "ollama": ("OLLAMA_API_BASE", "http://localhost:11434"),
    "ollama_chat": ("OLLAMA_API_BASE", "http://localhost:11434"),
    "lm_studio": ("LM_STUDIO_API_BASE", "http://localhost:1234/v1"),
    "llamafile": ("LLAMAFILE_API_BASE", "http://127.0.0.1:8080/v1"),
}
BASE_VARIABLES: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "anthropic": ("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"),
    "gemini": ("GEMINI_API_BASE",),
    "azure": ("AZURE_API_BASE",),
    "litellm_proxy": ("LITELLM_PROXY_API_BASE",),
    "hosted_vllm": ("HOSTED_VLLM_API_BASE",),
}
"""The environment variables litellm reads for a provider's endpoint, in litellm's order (other
providers: `<PROVIDER>_API_BASE`, then `<PROVIDER>_BASE_URL`). The resolved endpoint is always
passed to litellm as `api_base`, so the local-only check and the request see the same one."""
_SECRET_KEYS = {"api_key", "key", "token", "secret", "password"}


class LLMSettings(BaseModel):
    """How to reach the model and how much it may spend."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    """A litellm model string, e.g. `openai/gpt-4o-mini`, `anthropic/claude-sonnet-4-5`, `ollama/llama3`."""
    api_base: str | None = None
    """Base URL of the endpoint (a LiteLLM proxy or any OpenAI-compatible server), for the primary model."""
    api_key_env: str | None = None
    """Name of an environment variable holding the key, when not the provider's usual one."""
    fallbacks: list[str] = []
    """Models tried in order when the primary fails after its retries."""
    connect_timeout: float = Field(10.0, gt=0)
    """Seconds to wait for a connection."""
    read_timeout: float = Field(120.0, gt=0)
    """Seconds to wait for the reply (between streamed chunks when streaming)."""
    call_timeout: float = Field(300.0, gt=0)
    """Seconds one call may take in all, retries included, however the server trickles."""
    retries: int = Field(3, ge=0, le=10)
    """Retries after the first attempt on 429, 5xx, timeouts and connection errors."""
    retry_base_delay: float = Field(1.0, ge=0)
    """First backoff delay in seconds; it doubles each retry, with jitter."""
    retry_max_delay: float = Field(30.0, ge=0)
    """Longest single wait, including one asked for by `Retry-After`."""
    max_tokens: int | None = Field(None, gt=0)
    """Cap on prompt + completion tokens for the whole session."""
    max_cost: float | None = Field(None, gt=0)
    """Cap on cost in US dollars for the whole session."""
    max_output_tokens: int | None = Field(None, gt=0)
    """Cap on the completion tokens of one call."""
    context_window: int | None = Field(None, gt=0)
    """The model's context window, when litellm does not know it (local models)."""
    temperature: float | None = Field(None, ge=0, le=2)
    """Sampling temperature; the provider's default when unset."""
    local_only: bool = False
    """Refuse any endpoint that is not this machine."""
    structured_output: StructuredMode = "auto"
    """How to ask for JSON: the provider's JSON-schema mode, JSON mode, or the prompt alone."""
    repair_attempts: int = Field(2, ge=0, le=5)
    """How many times an invalid structured reply is sent back with its errors."""

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("api_key_env")
    @classmethod
    def _variable_name(cls, value: str | None) -> str | None:
        # Catches a key pasted where its variable's name belongs, before it is logged anywhere.
        if value is not None and not re.fullmatch(r"[A-Z_][A-Z0-9_]*", value):
            raise ValueError("must be the NAME of an environment variable, e.g. MY_PROXY_KEY")
        return value

    @field_validator("model")
    @classmethod
    def _model_string(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value.strip() if value else value

    @field_validator("fallbacks", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def config_path() -> Path:
    """The user's config file (it may not exist)."""
    from assistant.locations import config_dir

    return config_dir() / "config.toml"


def env_name(field: str) -> str:
    """The environment variable for a settings field, e.g. `MAESTRO_TM_MAX_TOKENS`."""
    return ENV_PREFIX + field.upper()


def _read_file(path: Path) -> dict[str, Any]:
    if not os.path.lexists(path):
        return {}
    try:
        data = tomllib.loads(read_text(path, error=LLMConfigError))
    except tomllib.TOMLDecodeError as exc:
        raise LLMConfigError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise LLMConfigError(f"{path}: [llm] must be a table")
    for key in table:
        if key in _SECRET_KEYS:
            raise LLMConfigError(
                f"{path}: [llm].{key} is not allowed; keys stay in environment variables "
                "(e.g. OPENAI_API_KEY, or name one with api_key_env)"
            )
    return dict(table)


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> LLMSettings:
    """Merge the settings sources, the later winning: defaults, file, environment, flags.

    Args:
        flags: Values from the command line; None values mean "not given".
        environ: The environment (default `os.environ`).
        path: The config file (default `config_path()`).

    Raises:
        LLMConfigError: A value is invalid; the message names where it came from.
    """
    environ = os.environ if environ is None else environ
    path = config_path() if path is None else path
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, value in _read_file(path).items():
        merged[key], origin[key] = value, f"{path} [llm].{key}"
    for field in LLMSettings.model_fields:
        raw = environ.get(env_name(field))
        if raw is not None and raw.strip():
            merged[field], origin[field] = raw.strip(), env_name(field)
    for key, value in (flags or {}).items():
        if value is not None:
            merged[key], origin[key] = value, "--" + key.replace("_", "-")
    try:
        return LLMSettings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        where = origin.get(field, field or "settings")
        if first["type"] == "extra_forbidden":
            raise LLMConfigError(f"{where}: unknown setting (see docs/LLM.md)") from None
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise LLMConfigError(f"invalid {where}: {reason}") from None


def provider_of(model: str) -> str:
    """The litellm provider prefix of a model string (`openai` for a bare model name)."""
    return model.split("/", 1)[0] if "/" in model else "openai"


def is_loopback_url(url: str) -> bool:
    """True when the URL's host is this machine (localhost or a loopback address)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name would need DNS, and could resolve anywhere


def endpoint_of(
    model: str, api_base: str | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The base URL a call to `model` would reach, or None for the provider's cloud endpoint."""
    environ = os.environ if environ is None else environ
    if api_base:
        return api_base
    provider = provider_of(model)
    if provider in LOCAL_PROVIDERS:
        variable, default = LOCAL_PROVIDERS[provider]
        return environ.get(variable) or default
    for variable in base_variables(provider):
        if environ.get(variable):
            return environ[variable]
    return None


def base_variables(provider: str) -> tuple[str, ...]:
    """The environment variables that may set `provider`'s endpoint, in litellm's order."""
    if provider in LOCAL_PROVIDERS:
        return (LOCAL_PROVIDERS[provider][0],)
    upper = provider.upper()
    return BASE_VARIABLES.get(provider, (f"{upper}_API_BASE", f"{upper}_BASE_URL"))


def check_local_only(settings: LLMSettings, environ: Mapping[str, str] | None = None) -> None:
    """Refuse, under `local_only`, any model whose endpoint is not this machine.

    Raises:
        LocalOnlyError: Naming the first model that would leave the machine.
    """
    if not settings.local_only or settings.model is None:
        return
    for index, model in enumerate([settings.model, *settings.fallbacks]):
        endpoint = endpoint_of(model, settings.api_base if index == 0 else None, environ)
        if endpoint is None:
            raise LocalOnlyError(
                f"--local-only refuses {model}: it would send data to {provider_of(model)}'s "
                "servers; use a local model (e.g. ollama/llama3) or --api-base http://127.0.0.1:PORT/v1"
            )
        if not is_loopback_url(endpoint):
            raise LocalOnlyError(
                f"--local-only refuses {model} at {endpoint}: not a loopback address; "
                "run the model on this machine or drop --local-only"
            )
        if index > 0 or not settings.api_base:
            # Belt and braces: every variable that could name the endpoint must be local too.
            env = os.environ if environ is None else environ
            for variable in base_variables(provider_of(model)):
                if env.get(variable) and not is_loopback_url(env[variable]):
                    raise LocalOnlyError(
                        f"--local-only refuses {model}: {variable} points at {env[variable]}, "
                        "not a loopback address"
                    )
