"""A small OpenAI-compatible HTTP server on loopback, for tests that exercise litellm's real HTTP path.

It serves `POST /v1/chat/completions` (plain JSON and SSE streaming), `POST /v1/embeddings` and
`GET /v1/models`, replays scripted replies (or a default one), and records every request body.
Replies can inject what real providers do on a bad day: 429 with `Retry-After`, 5xx, slow
answers, truncated or non-JSON bodies, and a llama.cpp-style rejection of `json_schema`
response formats.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer to a chat-completions request.

    Attributes:
        content: The assistant message text (streamed word by word when the request streams).
        status: HTTP status; anything but 200 sends an OpenAI-style error body.
        headers: Extra response headers, e.g. `{"Retry-After": "0"}`.
        delay: Seconds to wait before answering (a slow provider).
        raw_body: Bytes sent verbatim instead of a JSON reply (non-JSON bodies).
        truncate: Send only this many bytes of the body, while announcing its full length.
        finish_reason: Overrides the finish reason ("stop", or "length" when `max_tokens` cut it).
        prompt_tokens: Overrides the reported prompt token count.
        chunk_delay: Seconds between streamed chunks (a model generating tokens).
        hold: When streaming, send the first word, then wait for this event before the rest.
    """

    content: str = "ok"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw_body: bytes | None = None
    truncate: int | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    chunk_delay: float = 0.0
    hold: threading.Event | None = None


def rate_limited(retry_after: str = "0") -> Reply:
    """A 429 reply carrying a `Retry-After` header."""
    return Reply(status=429, headers={"Retry-After": retry_after}, content="rate limit exceeded")


def server_error(status: int = 500) -> Reply:
    """A 5xx reply."""
    return Reply(status=status, content="the server had an error")


def _words(text: str) -> list[str]:
    # One "token" per whitespace-separated word: crude, but stable and easy to reason about.
    return text.split()


@dataclass
class RecordedRequest:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as text, for substring checks."""
        return self.body.decode("utf-8", "replace")


class FakeOpenAIServer:
    """An OpenAI-compatible server in a background thread on 127.0.0.1 and a random port.

    Use as a context manager; `url` is the `api_base` to give litellm.

    Attributes:
        requests: Every request received, in order.
        default: The reply used when the script is empty.
        reject_json_schema: Answer 400 to `response_format.type == "json_schema"`, as
            llama.cpp's server does.
    """

    def __init__(self, default: Reply | None = None, *, reject_json_schema: bool = False) -> None:
        self.requests: list[RecordedRequest] = []
        self.durations: list[float] = []
        """Seconds spent answering each POST (for benchmarks that subtract server time)."""
        self.default = default or Reply()
        self.reject_json_schema = reject_json_schema
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The OpenAI-style base URL, ending in `/v1`."""
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies, used in order before falling back to `default`."""
        with self._lock:
            self._script.extend(replies)

    def chat_requests(self) -> list[dict[str, Any]]:
        """The parsed bodies of the chat-completions requests received."""
        return [r.json() for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> FakeOpenAIServer:
        """Start serving in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (waiting replies are cut short)."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        _drop_pooled_connections()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(
                        200, {"object": "list", "data": [{"id": "fake", "object": "model"}]}
                    )
                else:
                    self._send_json(404, _error("not found", "not_found"))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                started = time.perf_counter()
                try:
                    self._post(body)
                finally:
                    server.durations.append(time.perf_counter() - started)

            def _post(self, body: bytes) -> None:
                with server._lock:
                    server.requests.append(RecordedRequest(self.path, dict(self.headers), body))
                try:
                    request = json.loads(body)
                except json.JSONDecodeError:
                    self._send_json(
                        400, _error("request body is not JSON", "invalid_request_error")
                    )
                    return
                if self.path.endswith("/embeddings"):
                    self._embeddings(request)
                elif self.path.endswith("/chat/completions"):
                    self._chat(request, server._next_reply())
                else:
                    self._send_json(404, _error("not found", "not_found"))

            def _chat(self, request: dict[str, Any], reply: Reply) -> None:
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                fmt = request.get("response_format") or {}
                if server.reject_json_schema and fmt.get("type") == "json_schema":
                    # The words llama-cpp-python's server uses for this rejection.
                    message = "response_format.type: Input should be 'text' or 'json_object'"
                    self._send_json(400, _error(message, "invalid_request_error"))
                    return
                if reply.status != 200:
                    self._send_json(
                        reply.status, _error(reply.content, "server_error"), reply.headers
                    )
                    return
                if reply.raw_body is not None:
                    self._send_raw(reply.raw_body, "application/json", reply)
                    return
                words = _words(reply.content)
                limit = request.get("max_tokens") or request.get("max_completion_tokens")
                finish = reply.finish_reason or "stop"
                if isinstance(limit, int) and len(words) > limit:
                    words, finish = words[:limit], "length"
                prompt_tokens = reply.prompt_tokens
                if prompt_tokens is None:
                    prompt_tokens = sum(
                        len(_words(str(m.get("content") or "")))
                        for m in request.get("messages", [])
                    )
                usage = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(words),
                    "total_tokens": prompt_tokens + len(words),
                }
                model = str(request.get("model", "fake"))
                if request.get("stream"):
                    include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
                    self._stream(model, words, finish, usage if include_usage else None, reply)
                    return
                text = " ".join(words) if reply.content.strip() else reply.content
                self._send_raw(
                    json.dumps(
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": text},
                                    "finish_reason": finish,
                                }
                            ],
                            "usage": usage,
                        }
                    ).encode(),
                    "application/json",
                    reply,
                )

            def _stream(
                self,
                model: str,
                words: list[str],
                finish: str,
                usage: dict[str, int] | None,
                reply: Reply,
            ) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.close_connection = True

                def event(delta: dict[str, Any], finish_reason: str | None) -> None:
                    chunk = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
                    }
                    self._write(f"data: {json.dumps(chunk)}\n\n".encode())

                event({"role": "assistant", "content": ""}, None)
                for index, word in enumerate(words):
                    event({"content": word if index == 0 else " " + word}, None)
                    if index == 0 and reply.hold is not None:
                        reply.hold.wait(timeout=10)
                    if reply.chunk_delay and server._stopping.wait(reply.chunk_delay):
                        return
                event({}, finish)
                if usage is not None:
                    chunk = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [],
                        "usage": usage,
                    }
                    self._write(f"data: {json.dumps(chunk)}\n\n".encode())
                self._write(b"data: [DONE]\n\n")

            def _embeddings(self, request: dict[str, Any]) -> None:
                inputs = request.get("input")
                texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
                data = [
                    {"object": "embedding", "index": i, "embedding": _embed(str(t))}
                    for i, t in enumerate(texts)
                ]
                self._send_json(
                    200,
                    {
                        "object": "list",
                        "data": data,
                        "model": request.get("model", "fake"),
                        "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
                    },
                )

            def _write(self, data: bytes) -> None:
                try:
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a cancelled stream)

            def _send_raw(self, body: bytes, content_type: str, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.truncate is not None:
                    body = body[: reply.truncate]
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self._write(body)

            def _send_json(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                self._send_raw(
                    json.dumps(payload).encode(),
                    "application/json",
                    Reply(status=status, headers=headers or {}),
                )

        return Handler


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _embed(text: str) -> list[float]:
    # A deterministic 8-dimensional vector from the text's bytes.
    vector = [0.0] * 8
    for i, byte in enumerate(text.encode()):
        vector[i % 8] += byte / 255.0
    return vector


def _drop_pooled_connections() -> None:
    """Release what model clients keep after talking to a server that is gone.

    litellm caches its HTTP clients, with pooled connections to this server, and its sync
    embedding call leaves an event loop set on the calling thread. Left alone, they are
    collected in some later test, whose "unclosed socket" or "unclosed event loop" warning then
    fails it under `-W error`. They are released here, at the end of the test that made them.
    """
    import litellm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # get_event_loop with none running
        litellm.in_memory_llm_clients_cache.flush_cache()  # type: ignore[no-untyped-call]
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(RuntimeError):  # none set, and none may be made
                loop = asyncio.get_event_loop_policy().get_event_loop()
                if not loop.is_running():
                    loop.close()
                    asyncio.set_event_loop(None)
        gc.collect()
