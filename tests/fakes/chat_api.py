"""A loopback fake of the OpenAI Chat Completions API (`POST /v1/chat/completions`, `GET /v1/models`).

Answers with the real response shapes (id, object, choices[].message, finish_reason, usage) and the real error
shape (`{"error": {"message", "type", "code"}}`), 429 with Retry-After included. Tests script it by setting
`responder`: a function from the parsed request body to a `Response`. Every request body is kept, so tests can
check what the bot sent and count the calls.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answer only once this is set (a slow model, without wall-clock sleeps)


def completion(text: str, *, model: str = "fake-model", prompt_tokens: int = 120,
               completion_tokens: int = 40) -> Response:
    body = {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_600_000_000, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
    return Response(body=json.dumps(body).encode())


def error(status: int, message: str, *, kind: str = "server_error", retry_after: int | None = None) -> Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return Response(status=status, body=json.dumps(body).encode(), headers=headers)


def empty_choices() -> Response:
    body = {"id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model", "choices": [],
            "usage": {"prompt_tokens": 10, "completion_tokens": 0, "total_tokens": 10}}
    return Response(body=json.dumps(body).encode())


class ChatAPI:
    """`with ChatAPI() as api: api.responder = lambda req: completion("…[1]."); api.base_url`."""

    def __init__(self, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.models = models
        self.requests: list[dict[str, Any]] = []
        self.responder: Callable[[dict[str, Any]], Response] = lambda _req: completion("Nothing to say [1].")
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> ChatAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.command == "GET" and handler.path == "/v1/models":
            data = [{"id": m, "object": "model", "owned_by": "fake"} for m in self.models]
            self._send(handler, Response(body=json.dumps({"object": "list", "data": data}).encode()))
            return
        if handler.command != "POST" or handler.path != "/v1/chat/completions":
            self._send(handler, error(404, f"Unknown request URL: {handler.command} {handler.path}",
                                      kind="invalid_request_error"))
            return
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        try:
            request = json.loads(raw)
        except json.JSONDecodeError:
            self._send(handler, error(400, "We could not parse the JSON body of your request.",
                                      kind="invalid_request_error"))
            return
        if request.get("model") not in self.models:
            self._send(handler, error(404, f"The model `{request.get('model')}` does not exist",
                                      kind="invalid_request_error"))
            return
        with self._lock:
            self.requests.append(request)
        response = self.responder(request)
        if response.hold is not None:
            response.hold.wait(30)
        self._send(handler, response)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as a command does after timeout_seconds

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api._answer(self)

            def do_POST(self) -> None:
                api._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
