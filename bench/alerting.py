"""Benchmark of alerting's KPI rules: a full scheduled evaluation, and rules evaluated on events.

1. Builds a throwaway database (`<DATABASE_URL db>_alerting_bench`, dropped at the end) with
   `--series` stock points (items in ABC classes A/B/C, 20 categories, 10 locations) and
   `--weeks` weeks of daily history (a movement about every third day), written set-based in SQL.
2. Adds `--rules` KPI rules cycling through the language's kinds (sell-through change,
   consecutive drops, days-of-supply threshold, trend, absence, age, all/any), scoped by ABC
   class, category or location, half of them grouping their stock points.
   The weekly roll-ups are built from the day rows by the store's own SQL (`REBUILD`).
   `--channels` enabled webhook channels (no rule names one, so every alert is queued to each,
   as a notification row; nothing is sent: the dispatcher does not run).
3. **Full evaluation**: every rule due at once, evaluated by the rule job's round
   (`adapters.rule_job.run_due`: the due rules claimed together, one read of the roll-ups,
   conditions vectorised). Twice: the first round raises the alerts, the second (every rule
   due again) finds them open. Goal: under 30 s at 100,000 series and 200 rules.
4. **On events**: `StockMoved` runs of `--batch` movements through the consumer's handler as
   fast as it goes for `--duration` seconds, every per-stock-point rule evaluated on each run.
   Goal: at least 1,000 movements/s (no growing lag at 1,000/s).
5. **Yardstick**, measured in the same run: one plain `SELECT` over the whole roll-up table
   (`count(*)`, `sum(closing)`), so the figures can be read against the machine's speed.

Run from the repository root: `uv run python -m bench.alerting [--series 100000 --rules 200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from alerting.adapters.kpi_rollups import REBUILD
from alerting.adapters.rule_job import run_due
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.consumer import subscription
from alerting.domain.language import RuleDefinition
from alerting.handlers.rules import escalate, evaluate_due
from alerting.main import MIGRATIONS
from inventory_contracts.envelope import new_event
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.db import create_session_factory
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

DATABASE_URL = os.getenv(
    "DATABASE_URL", "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"
)
SEED_SQL = [
    """INSERT INTO kpi_items (sku, name, category, abc_class)
       SELECT 'SKU-' || n, 'item ' || n, 'cat-' || (n % 20),
              CASE WHEN n % 10 < 2 THEN 'A' WHEN n % 10 < 5 THEN 'B' ELSE 'C' END
         FROM generate_series(0, :items - 1) AS n""",
    """INSERT INTO kpi_points (sku, location, on_hand, first_seen, last_movement_at)
       SELECT 'SKU-' || (n / 10), 'L' || (n % 10), 50 + n % 50, CAST(:first AS date),
              now() - interval '1 day'
         FROM generate_series(0, :series - 1) AS n""",
    # Two movement days a week (Tuesday, Friday), 25 units a week at 100 on hand, refilled the
    # same day; one stock point in 200 sells less and less in the last weeks (its sell-through
    # falls), one in 500 runs at 4 on hand: the exceptions the rules are there to find.
    """INSERT INTO kpi_days (sku, location, day, opening, closing, consumed, received, moves)
       SELECT 'SKU-' || (n / 10), 'L' || (n % 10), day,
              CASE WHEN n % 500 = 11 THEN 6 ELSE 100 END,
              CASE WHEN n % 500 = 11 THEN 4 ELSE 100 END,
              CASE WHEN n % 500 = 11 THEN 2
                   WHEN n % 200 = 7 THEN greatest(2, 12 - 4 * greatest(0, d / 7 - 4))
                   ELSE 12 + (n + d) % 2 END,
              CASE WHEN n % 500 = 11 THEN 0
                   WHEN n % 200 = 7 THEN greatest(2, 12 - 4 * greatest(0, d / 7 - 4))
                   ELSE 12 + (n + d) % 2 END,
              2
         FROM generate_series(0, :series - 1) AS n, generate_series(0, :days - 1) AS d,
              LATERAL (SELECT CAST(:first AS date) + d AS day) AS on_day
        WHERE extract(isodow FROM day) IN (2, 5)""",
]
CHANNELS_SQL = """INSERT INTO channels (id, name, kind, config)
    SELECT 'chn_bench_' || n, 'bench ' || n, 'webhook',
           jsonb_build_object('url', 'http://127.0.0.1:9/bench-' || n)
      FROM generate_series(1, :channels) AS n"""
CONDITIONS: list[dict[str, Any]] = [
    {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20},
    {"kind": "consecutive", "periods": 2,
     "condition": {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20}},
    {"kind": "threshold", "kpi": "days_of_supply", "op": "<", "value": 3},
    {"kind": "trend", "kpi": "consumed", "periods": 3, "direction": "down"},
    {"kind": "absence", "days": 30},
    {"kind": "age", "days": 60},
    {"kind": "any", "conditions": [{"kind": "threshold", "kpi": "on_hand", "op": "<", "value": 5},
                                   {"kind": "threshold", "kpi": "stockout_days", "op": ">",
                                    "value": 1}]},
]  # fmt: skip
SCOPES: list[dict[str, Any]] = [
    {"abc_classes": ["A"]}, {"categories": ["cat-3", "cat-7"]}, {"locations": ["L1"]}, {},
]  # fmt: skip


def rule(n: int) -> RuleDefinition:
    return RuleDefinition.model_validate({
        "name_zh": f"规则 {n}", "name_en": f"rule {n}", "enabled": True,
        "condition": CONDITIONS[n % len(CONDITIONS)], "scope": SCOPES[n % len(SCOPES)],
        "dedupe_key": "{location}" if n % 2 else "{sku}@{location}",
        "cooldown_minutes": 1440,
    })  # fmt: skip


async def seed(url: str, series: int, weeks: int, rules: int, channels: int = 0) -> None:
    engine = create_async_engine(url)
    first = (datetime.now(UTC) - timedelta(weeks=weeks)).date()
    values = {"items": series // 10 + 1, "series": series, "first": first, "days": weeks * 7,
              "channels": channels}  # fmt: skip
    async with engine.begin() as connection:
        for statement in SEED_SQL:
            await connection.execute(text(statement), values)
        await connection.execute(text(CHANNELS_SQL), values)
        await connection.execute(text(REBUILD))
        await connection.execute(text("UPDATE rules SET enabled = false"))
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    factory = create_session_factory(create_async_engine(url))
    async with AlertingUnitOfWork(factory, source="/bench") as uow:
        for n in range(rules):
            await uow.rule_book.save(f"bench_{n:03d}", rule(n), "bench", new=True)
        await uow.commit()


def movement(series: int, at: datetime) -> InboundEvent[StockMoved]:
    """A movement at a random stock point; one in 100 leaves it nearly empty."""
    n = random.randrange(series)
    after = random.randint(0, 4) if random.random() < 0.01 else random.randint(20, 100)
    delta = Decimal(random.choice([-3, -2, -1, 5]))
    event = StockMoved(
        sku=f"SKU-{n // 10}", location=f"L{n % 10}", movement_id=f"mv-{random.getrandbits(64)}",
        quantity_delta=delta, movement_type="issue" if delta < 0 else "receipt",
        unit_cost=Decimal(1), value=delta, on_hand_after=Decimal(after),
        document_id="bench", document_type="bench", posted_by="bench", posted_at=at,
    )  # fmt: skip
    cloud_event = new_event(event, source="/bench", time=at)
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


async def on_events(url: str, series: int, batch: int, duration: float) -> tuple[int, float]:
    factory = create_session_factory(create_async_engine(url))
    handler = subscription().handler
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < duration:
        now = datetime.now(UTC)
        run = sorted((movement(series, now) for _ in range(batch)), key=lambda m: m.key or "")
        async with AlertingUnitOfWork(factory, source="/bench") as uow:
            await handler(run, uow)
            await uow.commit()
        done += batch
    return done, time.perf_counter() - started


async def plain_select(url: str) -> float:
    """The yardstick: the best of three plain scans of the roll-up table."""
    engine = create_async_engine(url)
    best = float("inf")
    async with engine.connect() as connection:
        for _ in range(3):
            began = time.perf_counter()
            await connection.execute(text("SELECT count(*), sum(closing) FROM kpi_weeks"))
            best = min(best, time.perf_counter() - began)
    await engine.dispose()
    return best


COUNTS = "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM notifications)"


async def full_round(url: str, factory: Any) -> tuple[float, int, int, int]:
    """Every rule due: the rule job's round; its time, the rules evaluated, alerts raised and
    notifications queued."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE rules SET next_evaluation_at = NULL"))
        before = (await connection.execute(text(COUNTS))).one()
    began = time.perf_counter()
    evaluated = await run_due(
        lambda: AlertingUnitOfWork(factory, source="/bench"), evaluate_due, escalate
    )
    spent = time.perf_counter() - began
    async with engine.connect() as connection:
        after = (await connection.execute(text(COUNTS))).one()
    await engine.dispose()
    return spent, len(evaluated), after[0] - before[0], after[1] - before[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--channels", type=int, default=2)
    args = parser.parse_args()
    url = await fresh_database(DATABASE_URL, "alerting_bench")
    try:
        await migrate_async(url, MIGRATIONS)
        began = time.perf_counter()
        await seed(url, args.series, args.weeks, args.rules, args.channels)
        print(f"seeded {args.series} series x {args.weeks} weeks, {args.rules} rules, "
              f"{args.channels} channels "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        factory = create_session_factory(create_async_engine(url))
        yardstick = await plain_select(url)
        print(f"yardstick: SELECT count(*), sum(closing) FROM kpi_weeks: {yardstick:.2f} s")
        for round_ in ("first", "second"):
            full, evaluated, raised, queued = await full_round(url, factory)
            print(f"full evaluation ({round_} round): {evaluated} rules in {full:.1f} s, "
                  f"{raised} alerts raised, {queued} notifications queued "
                  f"(goal 30 s, ratio {full / 30:.2f}; "
                  f"{full / yardstick:.1f}x the yardstick)")  # fmt: skip
        done, spent = await on_events(url, args.series, args.batch, args.duration)
        rate = done / spent
        print(f"on events: {done} movements in {spent:.1f} s = {rate:.0f}/s with "
              f"{args.rules // 2} per-stock-point rules (goal 1,000/s, ratio {rate / 1000:.2f}; "
              f"{rate * yardstick:.0f} movements per yardstick)")  # fmt: skip
    finally:
        await drop_database(url)


if __name__ == "__main__":
    asyncio.run(main())
