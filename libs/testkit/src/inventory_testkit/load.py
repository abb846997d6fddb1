"""An open-loop order generator against the running stack, and what came back.

Master data goes onto `inventory.master-data`, stock in through stock-ledger's receipt API
(so on-hand comes from the ledger, as in production), orders straight onto `inventory.orders`;
outcomes are read from `inventory.reservations`. Every figure comes from the events, not from
the service's database (see `load_figures`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from inventory_testkit.load_figures import Order, Outcomes, Result, summarize
from inventory_testkit.platform import http, poll
from inventory_testkit.sentinel import OUTCOMES, RESERVATIONS, sentinel_keys, sentinel_order
from inventory_testkit.stack import ConsumerLag, services_up

OrderLines = Callable[[], list[tuple[str, int]]]
"""Makes the lines of the next order: (SKU, units)."""


def bench_event(event_type: str, data: dict[str, Any], subject: str | None = None) -> bytes:
    """A CloudEvent from the load generator, encoded."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/bench/reservation",
        "type": event_type,
        "time": "2026-01-01T00:00:00Z",
        "datacontenttype": "application/json",
        "data": data,
    }
    if subject:
        event["subject"] = subject
    return json.dumps(event).encode()


class LoadRun:
    """One load run: a location, its SKUs and stock, a stream of orders and their outcomes."""

    def __init__(self, bootstrap: str, *, run_id: str | None = None) -> None:
        self.bootstrap = bootstrap
        self.run_id = run_id or uuid.uuid4().hex[:8].upper()
        self.location = f"BENCH-{self.run_id}"
        self.stock: dict[str, int] = {}
        self.orders: dict[str, Order] = {}
        self.outcomes = Outcomes()
        self.unreadable: list[str] = []
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=60_000,
        )
        self._consumer = AIOKafkaConsumer(  # reads promptly, like reservation's own consumer
            bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=20
        )
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoadRun:
        await self._producer.start()
        await self._consumer.start()
        partitions = await self._producer.partitions_for(RESERVATIONS)
        tps = [TopicPartition(RESERVATIONS, p) for p in sorted(partitions)]
        self._consumer.assign(tps)
        await self._consumer.seek_to_end(*tps)
        for tp in tps:  # pin the start before the first order goes out
            await self._consumer.position(tp)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._consumer.stop()
        await self._producer.stop()

    async def _read(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=200, max_records=5000)
            except KafkaError:
                await asyncio.sleep(0.5)  # broker away: keep trying
                continue
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    try:
                        self._note(record.value or b"", now, record.timestamp / 1000)
                    except (ValueError, KeyError, TypeError) as exc:  # not ours to judge
                        self.unreadable.append(f"{record.partition}@{record.offset}: {exc!r}")

    def _note(self, value: bytes, now: float, published: float) -> None:
        if b"inventory.stock.reserved.v1" not in value and b"reservation.rejected" not in value:
            return
        event = json.loads(value)
        if event.get("type") not in OUTCOMES:
            return
        data = event["data"]
        order_id = data.get("order_id")
        if order_id not in self.orders:
            if order_id and order_id.startswith(f"SENTINEL-{self.run_id}"):
                self.outcomes.sentinels.add(order_id)
            return
        self.outcomes.messages[order_id] += 1
        if event["id"] in self.outcomes.event_ids[order_id]:
            return
        self.outcomes.event_ids[order_id].add(event["id"])
        if order_id not in self.outcomes.first_seen:
            self.outcomes.first_seen[order_id] = now
            decided = datetime.fromisoformat(event["time"]).timestamp()
            self.outcomes.stamps[order_id] = (decided, published)
        self.outcomes.lines += len(self.orders[order_id].lines)
        if event["type"] == OUTCOMES[0]:
            for line in data["lines"]:
                self.outcomes.reserved[line["sku"]] += int(Decimal(line["reserved"]))

    async def send(self, topic: str, key: str, value: bytes) -> asyncio.Future[Any]:
        """Queue a message, retrying while the broker is away (same bytes: same event id)."""
        while True:
            try:
                delivery: asyncio.Future[Any] = await self._producer.send(
                    topic, value, key=key.encode()
                )
                return delivery
            except KafkaError:
                await asyncio.sleep(0.5)

    async def prepare(self, skus: list[str], units: int) -> None:
        """Master data for `skus` and this run's location; `units` of each received."""
        location = {"location": self.location, "name": f"Bench {self.run_id}"}
        await self.send(
            "inventory.master-data",
            self.location,
            bench_event("inventory.location.upserted.v1", location, self.location),
        )
        for sku in skus:
            item = {"sku": sku, "name": sku, "unit_of_measure": "pcs", "category": "bench"}
            await self.send(
                "inventory.master-data",
                sku,
                bench_event("inventory.item.upserted.v1", {**item, "unit_cost": "1"}, sku),
            )
        await self._producer.flush()
        async with http("stock-ledger", timeout=60) as ledger:
            for start in range(0, len(skus), 1000):
                lines = [
                    {"sku": s, "location": self.location, "quantity": units, "unit_cost": "1"}
                    for s in skus[start : start + 1000]
                ]
                await poll(  # the ledger may not have the master data yet, or be restarting
                    partial(_receipt, ledger, lines),
                    lambda status: status == 201,
                    timeout=120,
                    what="the ledger to accept the receipt",
                )
        for sku in skus:
            self.stock[sku] = self.stock.get(sku, 0) + units
        await self._wait_stocked(skus, units)

    async def _wait_stocked(self, skus: list[str], units: int, timeout: float = 300) -> None:
        """Until reservation shows the stock of every SKU (sampled: the last of each receipt)."""
        async with http("reservation", timeout=10) as client:
            for sku in skus[999::1000] + skus[-1:]:
                await poll(
                    partial(client.get, f"/v1/availability/{sku}/{self.location}"),
                    lambda r: r.status_code == 200 and Decimal(r.json()["on_hand"]) >= units,
                    timeout=timeout,
                    what=f"the stock of {sku} to reach reservation",
                )

    async def settle(self, timeout: float = 600) -> float:
        """Wait until every service group has read everything (the receipt's movements, the
        availability they cause): load must not start while the stack still works through the
        set-up. Returns the seconds waited."""
        async with ConsumerLag(self.bootstrap) as lag:
            return await lag.wait_caught_up(await services_up(), timeout)

    def new_order(self, lines: list[tuple[str, int]]) -> Order:
        order = Order(f"B-{self.run_id}-{len(self.orders)}", lines)
        self.orders[order.order_id] = order
        return order

    async def place(self, order: Order, placed_at: float, **policy: Any) -> asyncio.Future[Any]:
        """Send `order`, stamped as meant for `placed_at`; returns the delivery future."""
        order.placed_at = placed_at
        lines = [{"sku": sku, "location": self.location, "quantity": q} for sku, q in order.lines]
        data = {"order_id": order.order_id, "lines": lines, **policy}
        value = bench_event("inventory.order.placed.v1", data, order.order_id)
        order.sent_at = time.monotonic()
        return await self.send("inventory.orders", order.order_id, value)

    async def generate(
        self,
        make_lines: OrderLines,
        *,
        rate: float,
        duration: float | None = None,
        count: int | None = None,
        window: int = 4000,
    ) -> float:
        """Publish orders open-loop at `rate`/s (0: keep `window` unanswered); return start."""
        started = time.monotonic()
        sent = 0
        pending: list[asyncio.Future[Any]] = []
        while (count is None or sent < count) and (
            duration is None or time.monotonic() - started < duration
        ):
            if rate > 0:
                placed_at = started + sent / rate
                if (delay := placed_at - time.monotonic()) > 0:
                    await asyncio.sleep(delay)
            else:
                while sent - len(self.outcomes.first_seen) >= window:  # noqa: ASYNC110
                    await asyncio.sleep(0.002)
                placed_at = time.monotonic()
            pending.append(await self.place(self.new_order(make_lines()), placed_at))
            sent += 1
            if len(pending) >= 2000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
        return started

    async def drain(self, idle_timeout: float = 30.0, cap: float = 600.0) -> None:
        """Wait until every order has an outcome (or nothing new came for `idle_timeout`), then
        until the outcomes of sentinel orders on the orders' partitions: a second outcome of
        any order (a redelivery, a relay's resend) would have come before them."""
        deadline = time.monotonic() + cap
        seen, last_change = -1, time.monotonic()
        while len(self.outcomes.first_seen) < len(self.orders) and time.monotonic() < deadline:
            self._check_reader()
            if len(self.outcomes.first_seen) != seen:
                seen, last_change = len(self.outcomes.first_seen), time.monotonic()
            elif time.monotonic() - last_change > idle_timeout:
                break
            await asyncio.sleep(0.1)
        await self._sentinels(max(deadline - time.monotonic(), idle_timeout))

    def _check_reader(self) -> None:
        if self._reader is not None and self._reader.done():
            self._reader.result()  # the reader died: say why
            raise RuntimeError("the outcome reader stopped")

    async def _sentinels(self, timeout: float) -> None:
        partitions = len(await self._producer.partitions_for("inventory.orders"))
        counts = [partitions, len(await self._producer.partitions_for(RESERVATIONS))]
        keys = sentinel_keys(self.orders, counts, f"SENTINEL-{self.run_id}")
        for key in keys:
            await self.send("inventory.orders", key, sentinel_order(key, self.location))
        await poll(
            self._sentinels_seen,
            lambda seen: seen >= set(keys),
            timeout=timeout,
            what=f"the outcomes of {len(keys)} sentinel orders",
        )

    def _sentinels_seen(self) -> set[str]:
        self._check_reader()
        return self.outcomes.sentinels

    def result(self, scenario: str, mode: str, rate: float, started: float) -> Result:
        """The run's figures (see `load_figures.Result`)."""
        return summarize(self.orders, self.outcomes, self.stock, (scenario, mode, rate), started)


async def _receipt(ledger: httpx.AsyncClient, lines: list[dict[str, Any]]) -> int:
    """POST a receipt; its status code, 0 if the ledger did not answer."""
    try:
        return (await ledger.post("/v1/receipts", json={"lines": lines})).status_code
    except httpx.HTTPError:
        return 0
