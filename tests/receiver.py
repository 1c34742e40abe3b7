"""A webhook receiver on 127.0.0.1 whose behaviour a test sets request by request."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    port: int
    requests: list[Received] = field(default_factory=list)
    # What to do with the next request: ("status", code[, body]) | ("sleep", seconds) | ("drop",) | ("redirect",)
    # | ("hold", threading.Event); a callable gets the request and returns one of these.
    behaviour: Any = ("status", 200)
    seen: threading.Condition = field(default_factory=threading.Condition)

    def events(self) -> list[dict[str, Any]]:
        return [r.json for r in self.requests if r.path == "/hook" and "type" in r.json]

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self.seen:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver saw {len(self.requests)} requests, expected {count}")
                self.seen.wait(left)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = Received(self.path, dict(self.headers.items()), body)
            with receiver.seen:
                receiver.requests.append(request)
                receiver.seen.notify_all()
            action = receiver.behaviour
            if callable(action):
                action = action(request)
            kind = action[0]
            if kind == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if kind == "sleep":
                time.sleep(action[1])
            if kind == "hold":
                action[1].wait(60)
            code = {"redirect": 302}.get(kind, action[1] if kind == "status" else 200)
            answer = action[2].encode() if kind == "status" and len(action) > 2 else b""
            self.send_response(code)
            if kind == "redirect":
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


@contextmanager
def receiver(port: int = 0, behaviour: Any = ("status", 200)) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(r := Receiver("", 0, behaviour=behaviour)))
    server.daemon_threads = True
    r.port = server.server_address[1]
    r.url = f"http://127.0.0.1:{r.port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield r
    finally:
        server.shutdown()
        server.server_close()
