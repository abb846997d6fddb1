"""What a load run records (orders, their outcomes) and the figures made of it."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Order:
    """One generated order."""

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
    sentinels: set[str] = field(default_factory=set)
    """The sentinel orders (see `LoadRun.drain`) whose outcome was seen."""


@dataclass
class Result:
    """The figures of one run."""

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
        """The figures on three lines."""
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


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile of `values` (nearest rank), NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def p99_by_window(
    placed_and_latency: list[tuple[float, float]], window: float = 5.0
) -> list[float]:
    """p99 latency (ms) of the orders placed in each `window` seconds: shows warm-up and stalls."""
    by_window: dict[int, list[float]] = defaultdict(list)
    for placed, latency in placed_and_latency:
        by_window[max(int(placed // window), 0)].append(latency * 1000)
    return [round(percentile(by_window[n], 0.99), 1) for n in sorted(by_window)]


def stages(orders: dict[str, Order], outcomes: Outcomes) -> dict[str, dict[str, float]]:
    """p50/p99 ms of each leg of the answered orders' latency (see `Result.stages_ms`)."""
    wall = time.time() - time.monotonic()  # monotonic -> wall clock, same host
    legs: dict[str, list[float]] = defaultdict(list)
    for order_id, (decided, published) in outcomes.stamps.items():
        order = orders[order_id]
        placed, sent = order.placed_at + wall, order.sent_at + wall
        seen = outcomes.first_seen[order_id] + wall
        legs["placed->sent"].append((sent - placed) * 1000)
        legs["sent->decided"].append((decided - sent) * 1000)
        legs["decided->published"].append((published - decided) * 1000)
        legs["published->seen"].append((seen - published) * 1000)
    return {
        leg: {"p50": round(percentile(v, 0.5), 1), "p99": round(percentile(v, 0.99), 1)}
        for leg, v in legs.items()
    }


def summarize(
    orders: dict[str, Order],
    outcomes: Outcomes,
    stock: dict[str, int],
    labels: tuple[str, str, float],
    started: float,
) -> Result:
    """The figures of a run: `labels` are its scenario, mode and offered rate."""
    answered = [o for o in orders.values() if o.order_id in outcomes.first_seen]
    latencies = [(outcomes.first_seen[o.order_id] - o.placed_at) * 1000 for o in answered]
    elapsed = max(max(outcomes.first_seen.values(), default=started) - started, 1e-9)
    scenario, mode, rate = labels
    return Result(
        scenario=scenario,
        mode=mode,
        offered_rate=rate,
        orders=len(orders),
        order_lines=sum(len(o.lines) for o in orders.values()),
        duration_s=round(elapsed, 3),
        throughput_lines_per_s=round(outcomes.lines / elapsed, 1),
        throughput_orders_per_s=round(len(answered) / elapsed, 1),
        latency_ms={
            q: round(percentile(latencies, p), 1)
            for q, p in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))
        },
        orders_without_outcome=len(orders) - len(answered),
        orders_with_duplicate_outcome=sum(1 for ids in outcomes.event_ids.values() if len(ids) > 1),
        duplicate_messages=sum(n - 1 for n in outcomes.messages.values() if n > 1),
        units_reserved=sum(outcomes.reserved.values()),
        units_stocked=sum(stock.values()),
        units_oversold=sum(
            max(reserved - stock.get(sku, 0), 0) for sku, reserved in outcomes.reserved.items()
        ),
        p99_ms_by_5s=p99_by_window(
            [
                (o.placed_at - started, outcomes.first_seen[o.order_id] - o.placed_at)
                for o in answered
            ]
        ),
        stages_ms=stages(orders, outcomes),
    )
