"""Reservation benchmark: an open-loop OrderPlaced generator against the running stack.

    uv run python -m bench.reservation --scenario uniform --rate 0 --duration 60 --json out.json
    uv run python -m bench.reservation --scenario hot --rate 1000 --duration 30

Master data goes onto `inventory.master-data`, stock in through stock-ledger's receipt API
(so on-hand comes from the ledger, as in production), orders straight onto `inventory.orders`;
outcomes are read from `inventory.reservations`. Every figure comes from the events, not from
the service's database: latency is placed (the order's scheduled send time, so a slow service
cannot hide queueing) to the first outcome message; oversold units are, per SKU, what the
outcomes reserved beyond the stock received. `--rate 0` keeps `--window` orders in flight
instead (as fast as the service answers, without an unbounded backlog).

Each measurement starts after a warm-up (`--warmup` seconds, default 20): uniform orders at the
same offered rate against a stock of their own, so the broker's JIT, the databases' caches and
the services' heaps reach their working state first. Its figures are printed and kept in the
JSON under `warmup`, never mixed into the measured ones; `--warmup 0` measures a cold stack.

While orders are generated and answered, the generator's own cyclic garbage collector is off
(as `timeit` does): with tens of thousands of orders in memory its full collections took 50-80
ms, every 8 s or so, and the outcomes read during one looked that much later than they were.

The same run is then repeated with batching switched off: the bench restarts the reservation
service with `RESERVATION_BATCH=false` (one message per transaction), measures, and restarts
it as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import subprocess
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = os.getenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
LEDGER = os.getenv("STOCK_LEDGER_URL", "http://127.0.0.1:8001")
RESERVATION = os.getenv("RESERVATION_URL", "http://127.0.0.1:8002")
OUTCOMES = ("inventory.stock.reserved.v1", "inventory.reservation.rejected.v1")
SERVICE_GROUPS = {
    "stock-ledger": os.getenv("STOCK_LEDGER_PORT", "8001"),
    "reservation": os.getenv("RESERVATION_PORT", "8002"),
    "replenishment": os.getenv("REPLENISHMENT_PORT", "8003"),
    "approval": os.getenv("APPROVAL_PORT", "8004"),
    "alerting": os.getenv("ALERTING_PORT", "8005"),
    "integration-gateway": os.getenv("INTEGRATION_GATEWAY_PORT", "8006"),
}
"""The stack's consumer groups and their services' HTTP ports: the load starts once the groups
of the services that are up have caught up."""


def _event(event_type: str, data: dict[str, Any], subject: str | None = None) -> bytes:
    event = {
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


@dataclass
class Order:
    order_id: str
    lines: list[tuple[str, int]]
    placed_at: float = 0.0
    """When the generator meant to send it (monotonic seconds)."""
    sent_at: float = 0.0
    """When it handed it to the producer: later than `placed_at` if the generator fell behind."""


@dataclass
class Outcomes:
    """What came back on `inventory.reservations` for the run's orders."""

    first_seen: dict[str, float] = field(default_factory=dict)
    event_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    messages: Counter[str] = field(default_factory=Counter)
    reserved: Counter[str] = field(default_factory=Counter)
    """Units reserved per SKU (counted once per outcome event id)."""
    lines: int = 0
    stamps: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per order, wall-clock seconds of its first outcome's decision (the event's `time`) and
    of its publication (the Kafka record's timestamp, set by the relay's producer)."""


@dataclass
class Result:
    scenario: str
    mode: str
    offered_rate: float
    orders: int
    order_lines: int
    duration_s: float
    throughput_lines_per_s: float
    throughput_orders_per_s: float
    latency_ms: dict[str, float]
    orders_without_outcome: int
    orders_with_duplicate_outcome: int
    duplicate_messages: int
    units_reserved: int
    units_stocked: int
    units_oversold: int
    p99_ms_by_5s: list[float] = field(default_factory=list)
    """p99 latency of the orders placed in each 5-second window of the run, in order."""
    warmup: dict[str, Any] | None = None
    """The warm-up run before this one (same fields), or None if there was none."""
    stages_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    """Where the latency goes: p50/p99 of placed -> sent (this generator falling behind its
    schedule), sent -> decided (order topic, consumer queue, the batch's reads), decided ->
    published (the rest of the transaction, commit, relay) and published -> seen here (broker,
    fetch)."""

    def show(self) -> str:
        lat = self.latency_ms
        return (
            f"{self.scenario:8} {self.mode:10} offered {self.offered_rate or 'max':>6}/s  "
            f"{self.orders} orders, {self.order_lines} lines in {self.duration_s:.1f}s  "
            f"throughput {self.throughput_lines_per_s:,.0f} lines/s "
            f"({self.throughput_orders_per_s:,.0f} orders/s)  "
            f"latency p50 {lat['p50']:.0f} p95 {lat['p95']:.0f} p99 {lat['p99']:.0f} ms  "
            f"no outcome {self.orders_without_outcome}, two outcomes "
            f"{self.orders_with_duplicate_outcome}, reserved {self.units_reserved}"
            f"/{self.units_stocked}, oversold {self.units_oversold}\n"
            f"{'':20} p99 per 5 s of the run: "
            + " ".join(f"{p99:.0f}" for p99 in self.p99_ms_by_5s)
            + f"\n{'':20} stages p50/p99 ms: "
            + ", ".join(
                f"{stage} {q['p50']:.0f}/{q['p99']:.0f}" for stage, q in self.stages_ms.items()
            )
        )


def _p99_by_window(
    placed_and_latency: list[tuple[float, float]], window: float = 5.0
) -> list[float]:
    """p99 latency (ms) of the orders placed in each `window` seconds: shows warm-up and stalls."""
    by_window: dict[int, list[float]] = defaultdict(list)
    for placed, latency in placed_and_latency:
        by_window[max(int(placed // window), 0)].append(latency * 1000)
    return [round(percentile(by_window[n], 0.99), 1) for n in sorted(by_window)]


async def _is_up(port: str) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            return (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200
        except httpx.HTTPError:
            return False


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class LoadRun:
    """One load run: a location, its SKUs and stock, a stream of orders and their outcomes."""

    def __init__(self, bootstrap: str = BOOTSTRAP, *, run_id: str | None = None) -> None:
        self.bootstrap = bootstrap
        self.run_id = run_id or uuid.uuid4().hex[:8].upper()
        self.location = f"BENCH-{self.run_id}"
        self.stock: dict[str, int] = {}
        self.orders: dict[str, Order] = {}
        self.outcomes = Outcomes()
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None
        self.unreadable: list[str] = []

    async def __aenter__(self) -> LoadRun:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=60_000,
        )
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(  # reads promptly, like reservation's own consumer
            bootstrap_servers=self.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=20
        )
        await self._consumer.start()
        partitions = await self._producer.partitions_for("inventory.reservations")
        tps = [TopicPartition("inventory.reservations", p) for p in sorted(partitions)]
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
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
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
                        self._note(record.value, now, record.timestamp / 1000)
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
        assert self._producer is not None
        while True:
            try:
                return await self._producer.send(topic, value, key=key.encode())
            except KafkaError:
                await asyncio.sleep(0.5)

    async def prepare(self, skus: list[str], units: int) -> None:
        """Master data for `skus` and this run's location; `units` of each received."""
        await self.send(
            "inventory.master-data",
            self.location,
            _event(
                "inventory.location.upserted.v1",
                {"location": self.location, "name": f"Bench {self.run_id}"},
                self.location,
            ),
        )
        for sku in skus:
            data = {
                "sku": sku,
                "name": sku,
                "unit_of_measure": "pcs",
                "category": "bench",
                "unit_cost": "1",
            }
            await self.send(
                "inventory.master-data", sku, _event("inventory.item.upserted.v1", data, sku)
            )
        assert self._producer is not None
        await self._producer.flush()
        async with httpx.AsyncClient(base_url=LEDGER, timeout=60) as ledger:
            for start in range(0, len(skus), 1000):
                chunk = skus[start : start + 1000]
                body = {
                    "lines": [
                        {"sku": s, "location": self.location, "quantity": units, "unit_cost": "1"}
                        for s in chunk
                    ]
                }
                deadline = time.monotonic() + 120
                while True:  # the ledger may not have the master data yet, or be restarting
                    try:
                        response = await ledger.post("/v1/receipts", json=body)
                        if response.status_code == 201:
                            break
                        problem = response.text[:300]
                    except httpx.HTTPError as exc:
                        problem = repr(exc)
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"receipt refused: {problem}")
                    await asyncio.sleep(0.5)
        for sku in skus:
            self.stock[sku] = self.stock.get(sku, 0) + units
        await self._wait_stocked(skus, units)

    async def _wait_stocked(self, skus: list[str], units: int, timeout: float = 300) -> None:
        """Until reservation shows the stock of every SKU (sampled: the last of each receipt)."""
        probes = skus[999::1000] + skus[-1:]
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=RESERVATION, timeout=10) as client:
            for sku in probes:
                while True:
                    with contextlib.suppress(httpx.HTTPError):
                        r = await client.get(f"/v1/availability/{sku}/{self.location}")
                        if r.status_code == 200 and Decimal(r.json()["on_hand"]) >= units:
                            break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"stock of {sku} never reached reservation")
                    await asyncio.sleep(0.3)

    async def settle(self, timeout: float = 600) -> float:
        """Wait until every service group has read everything (the receipt's movements, the
        availability they cause): load must not start while the stack still works through the
        set-up. Returns the seconds waited."""
        started = time.monotonic()
        groups = [group for group, port in SERVICE_GROUPS.items() if await _is_up(port)]
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            while (lag := await self._lag(admin, groups)) > 0:
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"the stack still has {lag} messages to read")
                await asyncio.sleep(0.5)
        finally:
            await admin.close()
        return time.monotonic() - started

    async def _lag(self, admin: AIOKafkaAdminClient, groups: list[str]) -> int:
        assert self._consumer is not None
        lag = 0
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            ends = await self._consumer.end_offsets(list(committed))
            lag += sum(max(0, ends[tp] - meta.offset) for tp, meta in committed.items())
        return lag

    def new_order(self, lines: list[tuple[str, int]]) -> Order:
        order = Order(f"B-{self.run_id}-{len(self.orders)}", lines)
        self.orders[order.order_id] = order
        return order

    async def place(self, order: Order, placed_at: float, **policy: Any) -> asyncio.Future[Any]:
        order.placed_at = placed_at
        data = {
            "order_id": order.order_id,
            "lines": [
                {"sku": sku, "location": self.location, "quantity": q} for sku, q in order.lines
            ],
            **policy,
        }
        value = _event("inventory.order.placed.v1", data, order.order_id)
        order.sent_at = time.monotonic()
        return await self.send("inventory.orders", order.order_id, value)

    async def generate(
        self,
        make_lines: Any,
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
                due = started + sent / rate
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                placed_at = due
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
        """Wait until every order has an outcome, or nothing new came for `idle_timeout`."""
        deadline = time.monotonic() + cap
        seen, last_change = -1, time.monotonic()
        while len(self.outcomes.first_seen) < len(self.orders) and time.monotonic() < deadline:
            if self._reader is not None and self._reader.done():
                self._reader.result()  # the reader died: say why
                raise RuntimeError("the outcome reader stopped")
            if len(self.outcomes.first_seen) != seen:
                seen, last_change = len(self.outcomes.first_seen), time.monotonic()
            elif time.monotonic() - last_change > idle_timeout:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # late duplicates, if any, show up now

    def stages(self) -> dict[str, dict[str, float]]:
        """p50/p99 ms of each leg of the answered orders' latency (see `Result.stages_ms`)."""
        wall = time.time() - time.monotonic()  # monotonic -> wall clock, same host
        legs: dict[str, list[float]] = defaultdict(list)
        for order_id, (decided, published) in self.outcomes.stamps.items():
            order = self.orders[order_id]
            placed, sent = order.placed_at + wall, order.sent_at + wall
            seen = self.outcomes.first_seen[order_id] + wall
            legs["placed->sent"].append((sent - placed) * 1000)
            legs["sent->decided"].append((decided - sent) * 1000)
            legs["decided->published"].append((published - decided) * 1000)
            legs["published->seen"].append((seen - published) * 1000)
        return {
            leg: {"p50": round(percentile(v, 0.5), 1), "p99": round(percentile(v, 0.99), 1)}
            for leg, v in legs.items()
        }

    def result(self, scenario: str, mode: str, rate: float, started: float) -> Result:
        outcomes = self.outcomes
        answered = [o for o in self.orders.values() if o.order_id in outcomes.first_seen]
        latencies = [(outcomes.first_seen[o.order_id] - o.placed_at) * 1000 for o in answered]
        finished = max(outcomes.first_seen.values(), default=started)
        elapsed = max(finished - started, 1e-9)
        oversold = sum(
            max(reserved - self.stock.get(sku, 0), 0) for sku, reserved in outcomes.reserved.items()
        )
        return Result(
            scenario=scenario,
            mode=mode,
            offered_rate=rate,
            orders=len(self.orders),
            order_lines=sum(len(o.lines) for o in self.orders.values()),
            duration_s=round(elapsed, 3),
            throughput_lines_per_s=round(outcomes.lines / elapsed, 1),
            throughput_orders_per_s=round(len(answered) / elapsed, 1),
            latency_ms={
                q: round(percentile(latencies, p), 1)
                for q, p in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))
            },
            orders_without_outcome=len(self.orders) - len(answered),
            orders_with_duplicate_outcome=sum(
                1 for ids in outcomes.event_ids.values() if len(ids) > 1
            ),
            duplicate_messages=sum(n - 1 for n in outcomes.messages.values() if n > 1),
            units_reserved=sum(outcomes.reserved.values()),
            units_stocked=sum(self.stock.values()),
            units_oversold=oversold,
            p99_ms_by_5s=_p99_by_window(
                [
                    (o.placed_at - started, outcomes.first_seen[o.order_id] - o.placed_at)
                    for o in answered
                ]
            ),
            stages_ms=self.stages(),
        )


def restart_reservation(batch: bool) -> None:
    """Restart the stack's reservation service with batching on or off."""
    env = {**os.environ, "RESERVATION_BATCH": "true" if batch else "false"}
    subprocess.run(
        ["bash", str(ROOT / "scripts/services.sh"), "restart", "reservation"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in this process inside the block (see the module doc)."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def uniform_lines(skus: list[str], seed: int) -> Callable[[], list[tuple[str, int]]]:
    """Orders of 1-3 of `skus`, 1-3 units each, the same sequence for the same seed."""
    rng = random.Random(seed)

    def make_lines() -> list[tuple[str, int]]:
        picked = rng.sample(skus, rng.randint(1, 3))
        return [(s, rng.randint(1, 3)) for s in picked]

    return make_lines


async def load(
    run: LoadRun,
    make_lines: Callable[[], list[tuple[str, int]]],
    args: argparse.Namespace,
    seconds: float,
) -> float:
    """Generate for `seconds` at the offered rate and wait for the outcomes; return the start."""
    with collector_paused():
        started = await run.generate(
            make_lines, rate=args.rate, duration=seconds, window=args.window
        )
        await run.drain()
    return started


async def warm_up(mode: str, args: argparse.Namespace) -> Result:
    """Uniform orders at the offered rate for `args.warmup` seconds, on a stock of their own."""
    skus = [f"BENCH-U-{n:05d}" for n in range(args.skus)]
    async with LoadRun() as run:
        await run.prepare(skus, 1_000)
        await run.settle()
        started = await load(run, uniform_lines(skus, seed=11), args, args.warmup)
        return run.result("uniform", mode, args.rate, started)


async def measure(scenario: str, mode: str, args: argparse.Namespace, skus: list[str]) -> Result:
    warmup = None
    if args.warmup > 0:
        warmup = await warm_up(mode, args)
        print(f"warm-up, not counted: {warmup.show()}", flush=True)
    async with LoadRun() as run:
        if scenario == "hot":
            expected = args.rate * args.duration if args.rate else args.hot_orders_guess
            units = args.stock or max(1, int(expected * 0.8))
            sku = f"BENCH-HOT-{run.run_id}"
            await run.prepare([sku], units)

            def make_lines() -> list[tuple[str, int]]:
                return [(sku, 1)]
        else:
            await run.prepare(skus, args.stock or 1_000)
            make_lines = uniform_lines(skus, seed=7)

        waited = await run.settle()
        print(f"{scenario} {mode}: stock in; the stack settled in {waited:.1f} s", flush=True)
        started = await load(run, make_lines, args, args.duration)
        result = run.result(scenario, mode, args.rate, started)
    if warmup is not None:
        result.warmup = asdict(warmup)
    return result


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    skus = [f"BENCH-U-{n:05d}" for n in range(args.skus)] if args.scenario == "uniform" else []
    batched = await measure(args.scenario, "batched", args, skus)
    print(batched.show(), flush=True)
    report: dict[str, Any] = asdict(batched)
    if args.no_unbatched:
        return report
    off_args = argparse.Namespace(**{**vars(args), "duration": args.unbatched_duration})
    try:
        restart_reservation(batch=False)
        unbatched = await measure(args.scenario, "unbatched", off_args, skus)
    finally:
        restart_reservation(batch=True)
    print(unbatched.show(), flush=True)
    speedup = batched.throughput_lines_per_s / max(unbatched.throughput_lines_per_s, 1e-9)
    p99_ratio = unbatched.latency_ms["p99"] / max(batched.latency_ms["p99"], 1e-9)
    print(
        f"batching on vs off: throughput x{speedup:.2f}, p99 latency off/on x{p99_ratio:.2f}",
        flush=True,
    )
    report["batching_off"] = asdict(unbatched)
    report["batching_ratio"] = {
        "throughput": round(speedup, 2),
        "p99_off_over_on": round(p99_ratio, 2),
    }
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["uniform", "hot"], default="uniform")
    parser.add_argument("--rate", type=float, default=0, help="orders/s offered; 0: max")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--warmup", type=float, default=20, help="seconds of uncounted load first (0: none)"
    )
    parser.add_argument("--skus", type=int, default=10_000, help="uniform: number of SKUs")
    parser.add_argument("--stock", type=int, default=0, help="units per SKU (0: scenario default)")
    parser.add_argument("--window", type=int, default=4000, help="rate 0: orders in flight")
    parser.add_argument("--hot-orders-guess", type=int, default=60_000)
    parser.add_argument("--unbatched-duration", type=float, default=20)
    parser.add_argument("--no-unbatched", action="store_true", help="skip batching-off run")
    args = parser.parse_args(argv)
    report = asyncio.run(main_async(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
