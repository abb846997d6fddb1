"""Local stand-ins for the outside world: an ERP or chat webhook receiver, an SMTP server.

The development stack (scripts/services.sh) sends approval's notifications to
`APPROVAL_SMTP_PORT` (e-mail) and `APPROVAL_IM_PORT` (every IM kind, as JSON posts to
``/im/<kind>``) on 127.0.0.1, where the e2e suite starts these stand-ins."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

# The ports scripts/services.sh points development's approval service at (same variables).
APPROVAL_SMTP_PORT = int(os.getenv("APPROVAL_SMTP_PORT", "8025"))
APPROVAL_IM_PORT = int(os.getenv("APPROVAL_IM_PORT", "8026"))


@dataclass
class ReceivedRequest:
    """One POST a webhook receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)

    def signature_valid(self, secret: str, window_seconds: float = 300) -> bool:
        """True if `x-signature` is the HMAC-SHA256 of ``<x-signature-timestamp>.<body>``
        under `secret` and the timestamp was within `window_seconds` of receipt: the check of
        the README's "Verifying a webhook", written as an outside receiver would write it."""
        timestamp = self.headers.get("x-signature-timestamp", "")
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False
        if abs(self.received_at - int(timestamp)) > window_seconds:
            return False
        signed = timestamp.encode() + b"." + self.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("x-signature", "").encode(), expected.encode())

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A local HTTP server standing in for an ERP or a chat webhook; records every POST."""

    received: list[ReceivedRequest] = field(default_factory=list)
    fail_first: int = 0
    """Answer the first so many requests with 503 (the sender must retry)."""
    port: int = 0
    """The port to listen on (0: any free one); a fixed one for a stack configured with it."""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(ReceivedRequest(self.path, headers, body))
                failing = len(receiver.received) <= receiver.fail_first
                self.send_response(503 if failing else 200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:  # aiosmtpd needs a real port to check its own readiness
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    """A local SMTP server (aiosmtpd) that keeps every message it is sent; on `port` when
    given (a stack configured with it), else on a free one."""

    def __init__(self, port: int | None = None) -> None:
        self._mailbox = _Mailbox()
        self._controller = Controller(
            self._mailbox, hostname="127.0.0.1", port=port or _free_port()
        )

    def start(self) -> None:
        self._controller.start()

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[Message]:
        return self._mailbox.messages

    def stop(self) -> None:
        self._controller.stop()


def subject_of(message: Message) -> str:
    """The decoded Subject of a mail."""
    return str(make_header(decode_header(message.get("Subject", ""))))


def body_of(message: Message) -> str:
    """The text/plain parts of a mail, decoded."""
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)
