"""A real webhook receiver on loopback for tests: records every request and answers as scripted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def message(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


@dataclass
class Receiver:
    """`answers` are status codes used in turn (then 200); "hang" holds the request without answering,
    "drip" answers a byte at a time without ever finishing."""

    answers: list[int | str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/photoshoot?source=test"

    def messages(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            found = [r.message for r in self.received]
        return [m for m in found if kind is None or m["MessageType"] == kind]

    def wait_for(self, predicate: Any, seconds: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            messages = self.messages()
            if predicate(messages):
                return messages
            time.sleep(0.1)
        raise AssertionError(f"the receiver did not get what was expected in {seconds} s: {self.messages()}")


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer not in ("hang", "drip"):
                    receiver.received.append(Received(dict(self.headers.items()), body))
            if answer == "hang":
                receiver.release.wait(30)
                return
            if answer == "drip":  # a status line, then a header a byte at a time, never finished
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(40):
                    if receiver.release.wait(0.25):
                        return
                    try:
                        self.wfile.write(b"z")
                        self.wfile.flush()
                    except OSError:
                        return
                return
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running(receiver: Receiver, port: int = 0) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
