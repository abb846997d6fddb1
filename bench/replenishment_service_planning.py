"""Benchmark: a planning run of the replenishment *service*, end to end on PostgreSQL.

Unlike `bench.replenishment` (the planning library alone), this loads the run's inputs from
the database, plans in the service's executor and writes policies and planning results back,
while a ticker measures how late the event loop wakes up (what consumers and HTTP requests
would feel during the run). Demand: the car parts series (monthly, ../shared/data/carparts),
replicated to `--stock-points`, written as daily demand on the first of each month.

    uv run python -m bench.replenishment_service_planning [--stock-points 5000]
        [--executor process|thread|both]

Needs PostgreSQL (DATABASE_URL, default the local stack); uses and drops its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import asyncpg
import numpy as np
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.handlers.scheduling import Planner
from replenishment.main import MIGRATIONS
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
DEMAND = ROOT.parent / "shared" / "data" / "carparts" / "demand.csv"
NOW = datetime(2002, 4, 15, 6, 0, tzinfo=UTC)  # the month after the car parts history
Executor = Literal["process", "thread"]


def read_series() -> list[list[tuple[date, float]]]:
    """Per car part: (first day of the month, quantity) over its listed months."""
    rows: dict[str, list[tuple[date, float]]] = {}
    with DEMAND.open() as handle:
        next(handle)
        for line in handle:
            item, period, quantity = line.rstrip("\n").split(",")
            year, month = period.split("-")
            rows.setdefault(item, []).append((date(int(year), int(month), 1), float(quantity)))
    return list(rows.values())


async def load(url: str, points: int) -> None:
    series = read_series()
    rng = np.random.default_rng(7)
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO suppliers (supplier_id, name, lead_time_days, currency)"
            " VALUES ('SUP-1', 'Bench', 60, 'CNY')"
        )
        items, policies, demand = [], [], []
        for i in range(points):
            sku = f"SKU-{i:06d}"
            cost = Decimal(str(round(float(rng.uniform(1, 200)), 2)))
            items.append((sku, sku, "parts", "pcs", cost, "CNY", True))
            policies.append((sku, "WH-1", Decimal(1), Decimal(1), "SUP-1", "purchasing", False))
            for day, quantity in series[i % len(series)]:
                if quantity > 0:
                    demand.append((sku, "WH-1", day, Decimal(int(quantity)), 1))
        await connection.copy_records_to_table(
            "items",
            records=items,
            columns=[
                "sku",
                "name",
                "category",
                "unit_of_measure",
                "unit_cost",
                "currency",
                "active",
            ],
        )
        await connection.copy_records_to_table(
            "policies",
            records=policies,
            columns=[
                "sku",
                "location",
                "reorder_point",
                "order_quantity",
                "supplier_id",
                "department",
                "manual",
            ],
        )
        await connection.copy_records_to_table(
            "demand_daily",
            records=demand,
            columns=["sku", "location", "demand_date", "quantity", "order_count"],
        )
    finally:
        await connection.close()


async def measure(url: str, executor: Executor, config: PlanningConfig) -> list[dict[str, float]]:
    """Two runs with one planner: the first starts the worker (imports, JIT), the second is
    what the scheduled runs of a running service cost."""
    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    planner = Planner(config, executor, now=lambda: NOW)
    results = []
    for _ in range(2):
        lags: list[float] = []
        stop = asyncio.Event()

        async def ticker(lags: list[float] = lags, stop: asyncio.Event = stop) -> None:
            while not stop.is_set():
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                lags.append(time.perf_counter() - before - 0.01)

        ticking = asyncio.create_task(ticker())
        started = time.perf_counter()
        run = await planner.run(lambda: ReplenishmentUnitOfWork(sessions, source="/bench"), "bench")
        elapsed = time.perf_counter() - started
        stop.set()
        await ticking
        async with ReplenishmentUnitOfWork(sessions, source="/bench") as uow:
            done = await uow.planning_runs.get(run.run_id)
        assert done is not None and done.status == "succeeded", done
        figures = done.figures or {}
        results.append(
            {
                "seconds": elapsed,
                "planned": figures["planned"],
                "policies_updated": figures["policies_updated"],
                "max_loop_lag_ms": 1000 * max(lags, default=0.0),
                "p99_loop_lag_ms": 1000 * float(np.quantile(lags, 0.99)) if lags else 0.0,
            }
        )
    planner.shutdown()
    await engine.dispose()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stock-points", type=int, default=5000)
    parser.add_argument("--executor", choices=["process", "thread", "both"], default="both")
    args = parser.parse_args()
    base = os.environ.get(
        "DATABASE_URL", "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"
    )
    config = PlanningConfig(period="month", history_periods=60)
    warm = {}
    executors: tuple[Executor, ...] = ("process", "thread")
    for executor in executors:
        if args.executor not in ("both", executor):
            continue
        url = await fresh_database(base, "bench_service_planning")
        try:
            await migrate_async(url, MIGRATIONS)
            await load(url, args.stock_points)
            runs = await measure(url, executor, config)
        finally:
            await drop_database(url)
        for label, r in zip(("first", "warm"), runs, strict=True):
            print(
                f"{executor:7s} {label:5s} stock points {r['planned']:>6}  "
                f"run {r['seconds']:7.2f} s  policies updated {r['policies_updated']:>6}  "
                "event-loop lag max "
                f"{r['max_loop_lag_ms']:7.1f} ms, p99 {r['p99_loop_lag_ms']:6.1f} ms"
            )
        warm[executor] = runs[1]
    if len(warm) == 2:
        for key in ("p99_loop_lag_ms", "max_loop_lag_ms", "seconds"):
            ratio = warm["thread"][key] / max(warm["process"][key], 1e-3)
            print(f"warm run, thread / process, {key}: {ratio:.1f}x")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
