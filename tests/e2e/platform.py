"""A client of the running platform for the end-to-end suite and `make demo`.

It talks to the six services over HTTP, publishes to and watches Kafka, and runs the local
stand-ins for the outside world: an ERP webhook receiver and an SMTP server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiosmtpd.controller import Controller

PORTS = {
    "stock-ledger": int(os.getenv("STOCK_LEDGER_PORT", "8001")),
    "reservation": int(os.getenv("RESERVATION_PORT", "8002")),
    "replenishment": int(os.getenv("REPLENISHMENT_PORT", "8003")),
    "approval": int(os.getenv("APPROVAL_PORT", "8004")),
    "alerting": int(os.getenv("ALERTING_PORT", "8005")),
    "integration-gateway": int(os.getenv("INTEGRATION_GATEWAY_PORT", "8006")),
}
API_KEY = os.getenv("GATEWAY_API_KEY", "dev-api-key")
WATCHED_TOPICS = (
    "inventory.orders.dlq",
    "inventory.stock-movements",
    "inventory.reservations",
    "inventory.availability",
    "inventory.replenishment",
    "inventory.approvals",
    "inventory.purchase-orders",
    "inventory.alerts",
)


def unique(prefix: str) -> str:
    """An id no earlier run used, so tests never see each other's data."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def base_url(service: str) -> str:
    return f"http://127.0.0.1:{PORTS[service]}"


@dataclass
class Seen:
    """A message seen on a watched topic."""

    topic: str
    key: str | None
    value: bytes
    headers: dict[str, str]

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.value)

    @property
    def type(self) -> str | None:
        try:
            return self.event.get("type")
        except ValueError:
            return None


class KafkaWatcher:
    """Reads every watched topic from the offsets current at start and keeps what it sees."""

    def __init__(self, bootstrap: str, topics: Iterable[str] = WATCHED_TOPICS) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self.seen: list[Seen] = []
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._new = asyncio.Event()

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            described = await admin.describe_topics(self.topics)
        finally:
            await admin.close()
        partitions = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            for partition in topic["partitions"]
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:  # pin the start offsets now, before anything is published
            await consumer.position(tp)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
                    key = record.key.decode() if record.key else None
                    self.seen.append(Seen(record.topic, key, record.value or b"", headers))
            if batches:
                self._new.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer:
            await self._consumer.stop()

    def matching(self, predicate: Callable[[Seen], bool]) -> list[Seen]:
        return [s for s in self.seen if _safe(predicate, s)]

    async def wait_for(
        self, predicate: Callable[[Seen], bool], *, timeout: float = 30, what: str = "a message"
    ) -> Seen:
        deadline = time.monotonic() + timeout
        while True:
            found = self.matching(predicate)
            if found:
                return found[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout=min(remaining, 1.0))

    async def wait_for_event(
        self, event_type: str, timeout: float = 30, **data: Any
    ) -> dict[str, Any]:
        """The first CloudEvent of `event_type` whose data has every given field value."""
        seen = await self.wait_for(
            lambda s: (
                s.type == event_type and all(s.event["data"].get(k) == v for k, v in data.items())
            ),
            timeout=timeout,
            what=f"{event_type} with {data}",
        )
        return seen.event

    def events(self, event_type: str, **data: Any) -> list[dict[str, Any]]:
        return [
            s.event
            for s in self.matching(
                lambda s: (
                    s.type == event_type
                    and all(s.event["data"].get(k) == v for k, v in data.items())
                )
            )
        ]


def _safe(predicate: Callable[[Seen], bool], seen: Seen) -> bool:
    try:
        return predicate(seen)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


async def publish_raw(bootstrap: str, topic: str, key: str, value: bytes) -> None:
    """Publish bytes as they are (to send malformed input on purpose)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


def cloud_event(
    event_type: str, data: dict[str, Any], *, source: str = "/erp/e2e"
) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": event_type,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "datacontenttype": "application/json",
        "data": data,
    }


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def signature_valid(self, secret: str) -> bool:
        expected = hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("x-signature", ""), f"sha256={expected}")

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A local HTTP server standing in for an ERP or a chat webhook; records every POST."""

    received: list[ReceivedRequest] = field(default_factory=list)
    fail_first: int = 0
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

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    """A local SMTP server (aiosmtpd) that keeps every message it is sent."""

    def __init__(self) -> None:
        self._mailbox = _Mailbox()
        self._controller = Controller(self._mailbox, hostname="127.0.0.1", port=_free_port())

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
    return str(make_header(decode_header(message.get("Subject", ""))))


def body_of(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


async def poll(
    fetch: Callable[[], Any], until: Callable[[Any], bool], *, timeout: float = 30, what: str = ""
) -> Any:
    """Call `fetch` (sync or async) until `until(result)` holds, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = fetch()
        if asyncio.iscoroutine(last):
            last = await last
        if _safe(until, last):
            return last
        await asyncio.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")


async def approval_in_inbox(request_id: str) -> dict[str, Any]:
    """Wait until the approval service holds `request_id`, as an approver's inbox would show it.

    Seeing `ApprovalRequested` on Kafka only says it was published; the approval service takes
    it from the topic a moment later, and acting before then would find nothing.
    """
    async with http("approval") as approval:
        found = await poll(
            lambda: approval.get(f"/v1/approvals/{request_id}"),
            lambda r: r.status_code == 200,
            what=f"approval request {request_id} in the approval service",
        )
    return dict(found.json())


def http(service: str, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url(service), timeout=15, **kwargs)


def gateway() -> httpx.AsyncClient:
    return http("integration-gateway", headers={"Authorization": f"Bearer {API_KEY}"})


async def disable_alert_channels() -> None:
    """Switch off the alert channels earlier runs left behind (their receivers are gone)."""
    async with http("alerting") as alerting:
        for channel in (await alerting.get("/v1/channels")).json():
            if not channel["enabled"]:
                continue
            config = {k: v for k, v in channel["config"].items() if v != "***"}  # masked secrets
            body = {"kind": channel["kind"], "name": channel["name"], "enabled": False}
            response = await alerting.put(
                f"/v1/channels/{channel['id']}", json={**body, "config": config}
            )
            response.raise_for_status()
