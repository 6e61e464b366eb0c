"""The common part of the notify fakes: a real HTTP server on 127.0.0.1 with a route table, a
log of every request, and injected faults (an error status, a 429 with ``Retry-After``, a
delay), so each fake (Slack, PagerDuty, Statuspage, webhook receivers) only says what its
service does with a request.

    class FakeThing(FakeHTTP):
        @route("POST", r"/v1/things")
        def create(self, request: Request) -> Answer:
            return 201, {"id": "x"}

    with FakeThing() as fake:
        ...  # fake.url, fake.calls, fake.fail_next("POST", "/v1/things", 500)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# (status, JSON body or None, extra headers)
Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # keys lower-cased
    raw: bytes
    match: re.Match[str] | None = None

    @property
    def json(self) -> Any:
        if not self.raw:
            return None
        return json.loads(self.raw)

    @property
    def form(self) -> dict[str, str]:
        """A form-encoded body (slack_sdk sends some methods this way), or JSON as strings."""
        kind = self.headers.get("content-type", "")
        if "json" in kind:
            found = self.json or {}
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in found.items()}
        return dict(parse_qsl(self.raw.decode("utf-8"), keep_blank_values=True))


@dataclass
class Fault:
    method: str
    path: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1


def route(method: str, pattern: str) -> Callable[[Callable[..., Answer]], Callable[..., Answer]]:
    def register(fn: Callable[..., Answer]) -> Callable[..., Answer]:
        fn.route = (method, re.compile(pattern + r"\Z"))  # type: ignore[attr-defined]
        return fn

    return register


class FakeHTTP:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calls: list[Request] = []
        self.faults: list[Fault] = []
        self.delay = 0.0  # seconds every answer waits (a slow service)
        self._routes = [
            (*getattr(self, name).route, getattr(self, name))
            for name in dir(type(self))
            if hasattr(getattr(type(self), name), "route")
        ]
        self._server: ThreadingHTTPServer | None = None

    # ---- lifecycle
    def start(self) -> FakeHTTP:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                fake._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ---- faults
    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """The next ``times`` requests matching ``method`` and ``path`` (a regex) get
        ``status`` with ``body`` instead of their answer."""
        with self.lock:
            self.faults.append(Fault(method, path, status, body, headers or {}, delay, times))

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and re.fullmatch(fault.path, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def requests_to(self, method: str, path: str) -> list[Request]:
        with self.lock:
            return [c for c in self.calls if c.method == method and re.fullmatch(path, c.path)]

    # ---- serving
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        request = Request(
            handler.command,
            parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            {k.lower(): v for k, v in handler.headers.items()},
            raw,
        )
        with self.lock:
            self.calls.append(request)
        if self.delay:
            time.sleep(self.delay)
        fault = self._fault(request.method, request.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            self._reply(handler, fault.status, fault.body, fault.headers)
            return
        for method, pattern, fn in self._routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                request.match = match
                with self.lock:
                    answer = fn(request)
                self._reply(handler, *answer)
                return
        self._reply(handler, *self.not_found(request))

    def not_found(self, request: Request) -> Answer:
        return 404, {"error": "not_found", "message": f"no route {request.method} {request.path}"}

    def _reply(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)
