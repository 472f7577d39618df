"""Real servers on 127.0.0.1 for integration tests (never in-process mocks): an SMTP server
(aiosmtpd) that keeps every message, and an HTTP receiver that keeps every request and answers
with a chosen status — for robot webhooks, the hotline platform's reply endpoint, and so on —
and the deployment's own app on a port (:func:`app_server`) for clients that need a socket."""

from __future__ import annotations

import email
import email.policy
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@attrs.define
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8")


@attrs.define
class HttpReceiver:
    """Every request kept in ``requests``; ``status`` is what it answers (set 500 to fail)."""

    port: int
    requests: list[Received] = attrs.Factory(list)
    status: int = 200
    reply: bytes = b'{"errcode": 0, "errmsg": "ok"}'

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def http_receiver() -> Iterator[HttpReceiver]:
    """An HTTP server on 127.0.0.1 keeping every POST/PUT it receives (robot webhooks, the
    hotline platform's reply endpoint); set ``status`` to make it fail."""
    port = free_port()
    box = HttpReceiver(port)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _take(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            box.requests.append(Received(self.command, self.path, dict(self.headers.items()),
                                         self.rfile.read(length)))
            self.send_response(box.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(box.reply)))
            self.end_headers()
            self.wfile.write(box.reply)

        do_POST = do_PUT = _take

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


@attrs.define
class SmtpServer:
    port: int
    messages: list[email.message.EmailMessage] = attrs.Factory(list)


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server (aiosmtpd) on the loopback keeping each message, parsed."""
    from aiosmtpd.controller import Controller

    box = SmtpServer(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            box.messages.append(email.message_from_bytes(  # type: ignore[arg-type]
                envelope.content, policy=email.policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@contextmanager
def app_server(deployment: Deployment) -> Iterator[str]:
    """The deployment's whole app served by uvicorn on a loopback port, for clients that speak
    real HTTP (a generated API client, a third-party Open311 client); yields the base URL. The
    socket listens before the server thread starts, so a client may connect at once."""
    import uvicorn

    from suyuan_core.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(create_app(deployment), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
