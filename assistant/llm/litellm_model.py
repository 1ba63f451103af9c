"""`LiteLLMChatModel`: the gateway over litellm, and the only module that imports litellm.

litellm is imported on the first call, not at import time (it takes about 3 s), with
`LITELLM_LOCAL_MODEL_COST_MAP=True` so it never fetches its price map. Retries are ours, not
litellm's or the OpenAI SDK's (both are set to 0), so `Retry-After` and the backoff are honoured
in one place. litellm exceptions become `ProviderError`s here, classified by what actually
happened (the exception chain), because litellm maps refused connections and non-JSON bodies to
"500 InternalServerError".
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

from assistant.errors import LLMCancelledError, LLMConfigError, ProviderError
from assistant.llm.base import Message, ModelInfo, Reply, Usage
from assistant.llm.config import (
    LLMSettings,
    check_local_only,
    endpoint_of,
    is_loopback_url,
    provider_of,
)
from assistant.llm.deadline import Guard
from assistant.llm.gateway import CallParams, GatewayModel, Session, StreamPiece
from assistant.llm.redact import Redactor
from assistant.llm.resilience import (
    RETRIABLE_KINDS,
    RetryPolicy,
    call_with_retries,
    parse_retry_after,
)

R = TypeVar("R")
_lock = threading.Lock()
_module: Any = None
_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*)?(?:\w+Error:\s*)?(?:\w+Exception\s*-\s*)?")


def _litellm() -> Any:
    """Import and configure litellm once, on first use."""
    global _module
    with _lock:
        if _module is None:
            # Never fetch the remote price map: the product works offline and prices come
            # from the map bundled in the wheel.
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            import litellm

            litellm.suppress_debug_info = True  # no "Give Feedback" banners on stdout
            litellm.telemetry = False
            litellm.drop_params = True  # a provider without e.g. json_object just drops it
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _module = litellm
        return _module


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _headers(exc: BaseException) -> Any:
    response = getattr(exc, "response", None)
    return (
        getattr(response, "headers", None) or getattr(exc, "litellm_response_headers", None) or {}
    )


def _retry_after(exc: BaseException) -> float | None:
    headers = _headers(exc)
    try:
        millis = headers.get("retry-after-ms")
        if millis:
            return float(millis) / 1000
        return parse_retry_after(headers.get("retry-after"))
    except (AttributeError, ValueError, TypeError):
        return None


def _short(exc: BaseException) -> str:
    text = _PREFIX.sub("", str(getattr(exc, "message", "") or exc)).strip()
    return text if len(text) <= 200 else text[:197] + "..."


def translate(
    exc: Exception, model: str, endpoint: str | None, read_timeout: float
) -> ProviderError:
    """Turn a litellm exception into a classified `ProviderError` (message: a short detail)."""
    import httpx

    litellm = _litellm()
    provider = str(getattr(exc, "llm_provider", "") or provider_of(model))
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    chain = _chain(exc)
    where = endpoint or f"{provider}'s API"
    detail = _short(exc)
    retry_after = None
    if isinstance(exc, litellm.ContextWindowExceededError):
        kind = "context-window"
    elif isinstance(exc, litellm.Timeout) or any(
        isinstance(e, TimeoutError | httpx.TimeoutException) for e in chain
    ):
        kind, detail = "timeout", f"no reply from {where} within read_timeout {read_timeout:g}s"
    elif any(isinstance(e, json.JSONDecodeError) for e in chain):
        kind, detail = "bad-body", f"from {where}"
    elif any(isinstance(e, httpx.ConnectError | ConnectionRefusedError) for e in chain):
        # The innermost error says why: refused, no such host, network unreachable...
        kind, detail = "connection", f"cannot connect to {where}: {chain[-1]}"
    elif any(isinstance(e, httpx.TransportError | ConnectionError) for e in chain):
        kind, detail = "connection", f"the connection to {where} broke off mid-reply"
    elif status == 429:
        kind, retry_after = "rate-limit", _retry_after(exc)
    elif status in (401, 403):
        kind = "auth"
    elif status == 404:
        kind = "not-found"
    elif "response_format" in detail or "json_object" in detail or "json_schema" in detail:
        # llama.cpp reports an unsupported format as a 500: retrying would not help.
        kind = "bad-request"
    elif status is not None and status >= 500:
        kind, retry_after = "server", _retry_after(exc)
    elif status in (400, 413, 422):
        kind = "bad-request"
    else:
        kind = "other"
    return ProviderError(
        detail,
        provider=provider,
        kind=kind,
        status=status,
        retriable=kind in RETRIABLE_KINDS,
        retry_after=retry_after,
        model=model,
    )


class LiteLLMChatModel(GatewayModel):
    """A `ChatModel` for any model litellm supports.

    Args:
        settings: The model string, endpoint, timeouts, caps and retries.
        session: Shared redactions and budget.

    Raises:
        LLMConfigError: No model configured.
        LocalOnlyError: `local_only` is set and an endpoint is not this machine.
    """

    def __init__(self, settings: LLMSettings, *, session: Session | None = None) -> None:
        if not settings.model:
            raise LLMConfigError(
                "no model configured: pass --model, set MAESTRO_TM_MODEL, or add `model = ...` "
                "under [llm] in the config file (see docs/LLM.md)"
            )
        check_local_only(settings)
        super().__init__(settings, session=session)
        self._checked_keys: set[str] = set()

    def _endpoint(self, model: str) -> str | None:
        return endpoint_of(model, self.settings.api_base if model == self.model else None)

    def describe_model(self, model: str) -> ModelInfo:
        """Window, list prices and JSON-schema support from litellm's bundled map."""
        litellm = _litellm()
        try:
            _, provider, _, _ = litellm.get_llm_provider(model)
        except Exception:
            raise LLMConfigError(
                f"litellm does not know which provider serves {model!r}; prefix it, "
                f"e.g. openai/{model} or ollama/{model}"
            ) from None
        try:
            raw = litellm.get_model_info(model)
        except Exception:  # not in the map (a local or custom model): defaults apply
            raw = {}
        endpoint = self._endpoint(model)
        return ModelInfo(
            model=model,
            provider=str(provider),
            context_window=raw.get("max_input_tokens") or raw.get("max_tokens") or 8192,
            max_output_tokens=raw.get("max_output_tokens"),
            input_cost_per_token=raw.get("input_cost_per_token"),
            output_cost_per_token=raw.get("output_cost_per_token"),
            supports_response_schema=bool(litellm.supports_response_schema(model=model)),
            local=endpoint is not None and is_loopback_url(endpoint),
        )

    def _api_key(self, model: str) -> str | None:
        name = self.settings.api_key_env
        if name:
            key = os.environ.get(name)
            if not key:
                raise LLMConfigError(f"api_key_env names {name}, but {name} is not set")
            return key
        endpoint = self._endpoint(model)
        if model not in self._checked_keys and endpoint is None:
            # Say which variable is missing before a request fails with a provider's 401.
            missing = _litellm().validate_environment(model=model).get("missing_keys", [])
            keys = [k for k in missing if k.endswith("_KEY")]
            if keys:
                raise LLMConfigError(f"no API key for {model}: set {' or '.join(keys)}")
            self._checked_keys.add(model)
        if (
            endpoint is not None
            and provider_of(model) == "openai"
            and not os.environ.get("OPENAI_API_KEY")
        ):
            # OpenAI-compatible local servers ignore the key, but the SDK insists on one.
            return "no-key-needed"
        return None

    def _kwargs(self, model: str, messages: list[Message], params: CallParams) -> dict[str, Any]:
        import httpx

        kwargs: dict[str, Any] = {
            "model": model,
            "messages": [m.model_dump() for m in messages],
            "timeout": httpx.Timeout(
                min(self.settings.read_timeout, self.settings.call_timeout),
                connect=self.settings.connect_timeout,
            ),
            "max_retries": 0,
            "num_retries": 0,
        }
        # Always the endpoint the local-only check resolved: litellm then reads no variable.
        endpoint = self._endpoint(model)
        if endpoint:
            kwargs["api_base"] = endpoint
        key = self._api_key(model)
        if key:
            kwargs["api_key"] = key
        if params.max_tokens is not None:
            kwargs["max_tokens"] = params.max_tokens
        if params.response_format is not None:
            kwargs["response_format"] = params.response_format
        if params.temperature is not None:
            kwargs["temperature"] = params.temperature
        return kwargs

    def _error(self, exc: Exception, model: str) -> ProviderError:
        return translate(exc, model, self._endpoint(model), self.settings.read_timeout)

    def send(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Reply:
        """One non-streamed call through `litellm.completion`."""
        litellm = _litellm()
        kwargs = self._kwargs(model, messages, params)
        try:
            response = self._guard(model, params, cancel).run(lambda: litellm.completion(**kwargs))
        except (LLMCancelledError, ProviderError):
            raise
        except Exception as exc:
            raise self._error(exc, model) from None
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return Reply(
            text=choice.message.content or "",
            usage=Usage(
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            ),
            finish_reason=choice.finish_reason,
            model=model,
        )

    def send_stream(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Iterator[StreamPiece]:
        """One streamed call; the request is sent before the first piece is returned."""
        litellm = _litellm()
        kwargs = self._kwargs(model, messages, params)
        kwargs.update(stream=True, stream_options={"include_usage": True})
        guard = self._guard(model, params, cancel)
        try:
            stream = guard.run(lambda: litellm.completion(**kwargs))
        except (LLMCancelledError, ProviderError):
            raise
        except Exception as exc:
            raise self._error(exc, model) from None
        return self._pieces(stream, model, guard)

    def _guard(self, model: str, params: CallParams, cancel: threading.Event | None) -> Guard:
        return Guard(
            cancel,
            params.deadline,
            seconds=self.settings.call_timeout,
            provider=provider_of(model),
            model=model,
        )

    def _pieces(self, stream: Any, model: str, guard: Guard) -> Iterator[StreamPiece]:
        try:
            for chunk in guard.iterate(stream, stream.close):
                usage = getattr(chunk, "usage", None)
                choice = chunk.choices[0] if chunk.choices else None
                text = (choice.delta.content or "") if choice is not None else ""
                yield StreamPiece(
                    text=text,
                    usage=Usage(
                        prompt_tokens=usage.prompt_tokens or 0,
                        completion_tokens=usage.completion_tokens or 0,
                    )
                    if usage is not None and usage.completion_tokens
                    else None,
                    finish_reason=choice.finish_reason if choice is not None else None,
                )
        except (LLMCancelledError, ProviderError):
            raise
        except Exception as exc:
            raise self._error(exc, model) from None


def litellm_embed(
    model: str,
    texts: list[str],
    api_base: str | None = None,
    *,
    local_only: bool = False,
    timeout: float = 60.0,
    retries: int = 2,
) -> list[list[float]]:
    """Embed texts with any embedding model litellm supports (e.g. `ollama/nomic-embed-text`).

    Secrets are redacted first, as for chat. Retries and error messages follow the chat gateway.

    Args:
        model: A litellm embedding model string.
        texts: The texts, in order.
        api_base: The endpoint, when not the provider's default.
        local_only: Refuse an endpoint that is not this machine.
        timeout: Read timeout in seconds.
        retries: Retries on 429, 5xx, timeouts and connection errors.

    Returns:
        One vector per text, in the order given.

    Raises:
        ProviderError: The provider failed after retries.
        LocalOnlyError: `local_only` refused the endpoint.
    """
    check_local_only(LLMSettings(model=model, api_base=api_base, local_only=local_only))
    litellm = _litellm()
    redactor = Redactor()
    clean = [redactor.redact(t) for t in texts]
    kwargs: dict[str, Any] = {"model": model, "input": clean, "timeout": timeout, "max_retries": 0}
    if api_base:
        kwargs["api_base"] = api_base
        if provider_of(model) == "openai" and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = "no-key-needed"

    def attempt() -> list[list[float]]:
        try:
            response = litellm.embedding(**kwargs)
        except Exception as exc:
            raise translate(exc, model, endpoint_of(model, api_base), timeout) from None
        rows = sorted(response.data, key=lambda d: d["index"] if isinstance(d, dict) else d.index)
        return [list(r["embedding"] if isinstance(r, dict) else r.embedding) for r in rows]

    return call_with_retries(attempt, RetryPolicy(retries=retries))
