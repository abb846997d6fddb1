"""Stock-ledger benchmark: 1,000,000 ledger entries over 10,000 SKUs, then posting and reports.

    uv run python -m bench.stock_ledger                     # full size
    uv run python -m bench.stock_ledger --skus 1000 --visits 20   # a quick look

1. Builds a throwaway database (`<DATABASE_URL db>_stock_ledger_bench`, dropped at the end
   unless --keep) with the service's migrations and bulk-loads it with COPY through the real
   tables: documents, lines, ledger entries, cost layers with their remaining quantities,
   layer consumptions, balances and daily sums, computed with the domain's own FIFO/FEFO
   consumption and moving-average functions, so the incremental structures are what posting
   would have left. Half the SKUs are FIFO-valued, half moving average; 100 visits per SKU
   (40% receipts, 60% issues) five days apart, ten SKUs per document.
2. Posting throughput through the real code path (`handlers.post_document` in a
   `LedgerUnitOfWork`: locks, layers, entries, daily sums, outbox), documents of 10 lines,
   sequentially and with 4 concurrent posters (the service serves requests concurrently).
   Also one back-dated receipt on a SKU with 100 entries (re-costs only its stock point).
3. Latency of the on-hand, aging and valuation reports for all SKUs through the HTTP API
   (ASGI, JSON encoding included), median of 5 runs after one warm-up. The warm-up of the
   aging report is also shown: the first call of a day rewrites `aging_points` for every
   stock point (the service's background job normally does that once a day).

Prints figures and ratios against the goals (>= 2,000 lines/s; < 500 ms per report).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import stock_ledger
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.api import get_uow
from stock_ledger.config import StockLedgerSettings
from stock_ledger.domain import Document, DocumentLine, DocumentType
from stock_ledger.domain.valuation import CostLayer, consume, moving_average_receipt
from stock_ledger.main import create_app

MIGRATIONS = Path(stock_ledger.__file__).parent / "migrations"
DATABASE_URL = os.getenv(
    "DATABASE_URL", "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"
)
LOCATION = "BENCH-WH"
LINES_PER_DOCUMENT = 10
GOAL_LINES_PER_SECOND = 2000
GOAL_REPORT_MS = 500
ZERO = Decimal(0)


def sku_name(n: int) -> str:
    return f"SKU-{n:05d}"


class Loader:
    """Simulates the history per SKU with the domain's functions and collects the rows."""

    def __init__(self, skus: int, visits: int, today: date) -> None:
        self.skus, self.visits = skus, visits
        self.start = today - timedelta(days=5 * visits + 1)
        self.documents: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []
        self.entries: list[tuple[Any, ...]] = []
        self.consumptions: list[tuple[Any, ...]] = []
        self.layers: dict[int, list[CostLayer]] = {n: [] for n in range(skus)}
        self.all_layers: list[CostLayer] = []
        self.balances = {n: [ZERO, ZERO] for n in range(skus)}
        self.daily: dict[tuple[int, date], list[Decimal]] = {}
        self.last_issue: dict[int, date] = {}

    def run(self) -> None:
        posted_at = datetime.now(UTC)
        for visit in range(self.visits):
            day = self.start + timedelta(days=5 * visit)
            kind = "receipt" if visit % 5 in (0, 3) else "issue"
            for block in range(self.skus // LINES_PER_DOCUMENT):
                document_id = f"B{visit:03d}-{block:05d}"
                self.documents.append(
                    (document_id, kind, "posted", "x" * 8, "CNY", posted_at, "bench", day)
                )
                for line_no in range(1, LINES_PER_DOCUMENT + 1):
                    sku = block * LINES_PER_DOCUMENT + line_no - 1
                    self.line(document_id, line_no, sku, kind, visit, day, posted_at)

    def line(
        self,
        document_id: str,
        line_no: int,
        sku: int,
        kind: str,
        visit: int,
        day: date,
        posted_at: datetime,
    ) -> None:
        fifo = sku % 2 == 0
        balance = self.balances[sku]
        movement_id = f"{document_id}-{line_no}"
        if kind == "receipt":
            quantity, cost = Decimal(30), Decimal(5) + Decimal(visit % 7) / 2
            balance[0], balance[1] = moving_average_receipt(balance[0], balance[1], quantity, cost)
            layer = CostLayer(
                len(self.all_layers) + 1,
                sku_name(sku),
                LOCATION,
                None,
                None,
                day,
                quantity,
                quantity,
                cost,
                movement_id,
                seq=len(self.all_layers) + 1,
            )
            self.layers[sku].append(layer)
            self.all_layers.append(layer)
            value, unit_cost, cogs = quantity * cost, cost, ZERO
            delta = quantity
        else:
            quantity = Decimal(15)
            average = balance[1] / balance[0]
            taken, _ = consume(self.layers[sku], quantity, fefo=False)
            self.layers[sku] = [x for x in self.layers[sku] if x.remaining > 0]
            cost_total = sum((c.cost for c in taken), ZERO) if fifo else quantity * average
            for c in taken:
                self.consumptions.append((movement_id, c.layer.layer_id, c.quantity))
            balance[0] -= quantity
            balance[1] -= cost_total
            value, unit_cost, cogs, delta = (
                -cost_total,
                cost_total / quantity,
                cost_total,
                -quantity,
            )
            self.last_issue[sku] = day
        self.lines.append(
            (
                document_id,
                line_no,
                sku_name(sku),
                LOCATION,
                quantity,
                unit_cost if kind == "receipt" else None,
            )
        )
        average_after = balance[1] / balance[0] if balance[0] else ZERO
        self.entries.append(
            (
                movement_id,
                document_id,
                line_no,
                sku_name(sku),
                LOCATION,
                kind,
                delta,
                round(unit_cost, 12),
                round(value, 12),
                balance[0],
                round(balance[1], 12),
                round(average_after, 12),
                posted_at,
                "bench",
                day,
                round(cogs, 12),
            )
        )
        daily = self.daily.setdefault((sku, day), [ZERO] * 5)
        daily[0] += max(delta, ZERO)
        daily[1] += max(-delta, ZERO)
        daily[2] += quantity if kind == "issue" else ZERO
        daily[3] += cogs
        daily[4] += value


async def load(url: str, skus: int, visits: int) -> int:
    loader = Loader(skus, visits, datetime.now(UTC).date())
    started = time.perf_counter()
    loader.run()
    simulated = time.perf_counter() - started
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.copy_records_to_table(
            "items",
            records=[
                (
                    sku_name(n),
                    sku_name(n),
                    "pcs",
                    Decimal(5),
                    "CNY",
                    "fifo" if n % 2 == 0 else "moving_average",
                    False,
                    False,
                    True,
                    f"CAT-{n % 20:02d}",
                )
                for n in range(skus)
            ],
            columns=[
                "sku",
                "name",
                "unit_of_measure",
                "unit_cost",
                "currency",
                "valuation_method",
                "lot_tracked",
                "expiry_managed",
                "active",
                "category",
            ],
        )
        await connection.execute(
            "INSERT INTO locations (location, name, allow_negative_stock, active) "
            "VALUES ($1, $1, false, true)",
            LOCATION,
        )
        await connection.copy_records_to_table(
            "documents",
            records=loader.documents,
            columns=[
                "document_id",
                "document_type",
                "status",
                "fingerprint",
                "currency",
                "posted_at",
                "posted_by",
                "document_date",
            ],
        )
        await connection.copy_records_to_table(
            "document_lines",
            records=loader.lines,
            columns=["document_id", "line_no", "sku", "location", "quantity", "unit_cost"],
        )
        await connection.copy_records_to_table(
            "ledger_entries",
            records=loader.entries,
            columns=[
                "movement_id",
                "document_id",
                "line_no",
                "sku",
                "location",
                "movement_type",
                "quantity_delta",
                "unit_cost",
                "value",
                "on_hand_after",
                "value_after",
                "average_cost_after",
                "posted_at",
                "posted_by",
                "effective_date",
                "cogs",
            ],
        )
        await connection.copy_records_to_table(
            "cost_layers",
            records=[
                (
                    x.layer_id,
                    x.sku,
                    x.location,
                    x.receipt_date,
                    x.quantity,
                    x.remaining,
                    x.unit_cost,
                    x.movement_id,
                )
                for x in loader.all_layers
            ],
            columns=[
                "layer_id",
                "sku",
                "location",
                "receipt_date",
                "quantity",
                "remaining",
                "unit_cost",
                "movement_id",
            ],
        )
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('cost_layers', 'layer_id'), $1)",
            len(loader.all_layers),
        )
        await connection.copy_records_to_table(
            "layer_consumptions",
            records=loader.consumptions,
            columns=["movement_id", "layer_id", "quantity"],
        )
        last_day = loader.start + timedelta(days=5 * (visits - 1))
        await connection.copy_records_to_table(
            "balances",
            records=[
                (
                    sku_name(n),
                    LOCATION,
                    b[0],
                    round(b[1], 12),
                    round(b[1] / b[0], 12) if b[0] else ZERO,
                    last_day,
                    loader.last_issue.get(n),
                )
                for n, b in loader.balances.items()
            ],
            columns=[
                "sku",
                "location",
                "on_hand",
                "value",
                "average_cost",
                "last_effective_date",
                "last_issue_date",
            ],
        )
        await connection.copy_records_to_table(
            "daily_stock",
            records=[(sku_name(n), LOCATION, day, *row) for (n, day), row in loader.daily.items()],
            columns=[
                "sku",
                "location",
                "day",
                "quantity_in",
                "quantity_out",
                "issued_quantity",
                "cogs",
                "value_delta",
            ],
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    total = time.perf_counter() - started
    print(
        f"loaded {len(loader.entries):,} ledger entries over {skus:,} SKUs "
        f"({len(loader.all_layers):,} layers, {len(loader.consumptions):,} consumptions, "
        f"{len(loader.daily):,} daily rows) in {total:.1f} s (simulation {simulated:.1f} s)"
    )
    return len(loader.entries)


async def posting(
    url: str, skus: int, documents: int, workers: int, size: int = 10
) -> tuple[float, float]:
    """Lines per second posting `documents` documents of `size` lines with `workers` posters,
    and lines per CPU second of this (the posting) process, which other load on the machine
    does not change."""
    engine = create_async_engine(url, pool_size=workers + 2)
    factory = create_session_factory(engine)
    queue: asyncio.Queue[Document] = asyncio.Queue()
    run = f"P{workers}x{size}-{time.monotonic_ns() % 10**9}"
    for n in range(documents):
        kind: DocumentType = "receipt" if n % 2 == 0 else "issue"
        first = (n * 7919) % (skus - size)
        lines = [
            DocumentLine(
                k + 1,
                sku_name(first + k),
                LOCATION,
                Decimal(3),
                Decimal("6.5") if kind == "receipt" else None,
            )
            for k in range(size)
        ]
        queue.put_nowait(Document(f"{run}-{n}", kind, lines, posted_by="bench"))

    async def poster() -> None:
        while not queue.empty():
            document = queue.get_nowait()
            async with LedgerUnitOfWork(factory, source="/bench/stock-ledger") as uow:
                await handlers.post_document(document, uow, datetime.now(UTC))
                await uow.commit()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(poster() for _ in range(workers)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await engine.dispose()
    return documents * size / elapsed, documents * size / cpu


async def back_dated(url: str) -> tuple[float, int]:
    """Seconds to post one receipt dated 400 days back on a FIFO SKU with 100 entries."""
    engine = create_async_engine(url)
    factory = create_session_factory(engine)
    day = datetime.now(UTC).date() - timedelta(days=400)
    line = DocumentLine(1, sku_name(0), LOCATION, Decimal(50), Decimal(1))
    document = Document("BACKDATED-1", "receipt", [line], posted_by="bench", document_date=day)
    started = time.perf_counter()
    async with LedgerUnitOfWork(factory, source="/bench/stock-ledger") as uow:
        await handlers.post_document(document, uow, datetime.now(UTC))
        await uow.commit()
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed, len(document.entries) - 1


async def reports(url: str) -> dict[str, tuple[float, int]]:
    """Median milliseconds (and rows) of each all-SKU report over the HTTP API."""
    os.environ["DATABASE_URL"] = url
    os.environ.update(TEST_ISSUER.environment())  # the in-process app trusts the bench's tokens
    app = create_app(StockLedgerSettings())
    engine = create_async_engine(url)
    factory = create_session_factory(engine)
    app.dependency_overrides[get_uow] = lambda: LedgerUnitOfWork(factory, source="/bench")
    results = {}
    first_of_day, first_rows = 0.0, 0
    transport = httpx.ASGITransport(app=app)
    reader = TEST_ISSUER.headers("planner", login="bench.reader")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=reader
    ) as client:
        for name, path, params in (
            ("on hand (all SKUs)", "/v1/reports/on-hand", {}),
            ("on hand by lot (all SKUs)", "/v1/reports/on-hand", {"by": "lot"}),
            ("aging (all SKUs)", "/v1/reports/aging", {}),
            ("valuation per item", "/v1/reports/valuation", {"group": "item"}),
            ("valuation per category", "/v1/reports/valuation", {"group": "category"}),
        ):
            timings = []
            rows = 0
            for attempt in range(6):
                started = time.perf_counter()
                response = await client.get(path, params=params)
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                rows = len(response.json())
                if attempt:
                    timings.append(elapsed * 1000)
                elif name.startswith("aging"):
                    first_of_day, first_rows = elapsed * 1000, rows
            results[name] = (statistics.median(timings), rows)
        results["aging, first call of the day"] = (first_of_day, first_rows)
    await engine.dispose()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=100, help="entries per SKU")
    parser.add_argument("--documents", type=int, default=300, help="10-line documents to post")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    url = await fresh_database(DATABASE_URL, "stock_ledger_bench")
    try:
        await migrate_async(url, MIGRATIONS)
        await load(url, args.skus, args.visits)
        figures = []
        for workers, size in ((1, 10), (4, 10), (1, 100), (4, 100)):
            documents = args.documents if size == 10 else max(args.documents // 10, 8)
            rate, per_cpu = await posting(url, args.skus, documents, workers, size)
            figures.append((f"posting {size}-line docs, {workers} poster(s)", rate, per_cpu))
        seconds, adjusted = await back_dated(url)
        timings = await reports(url)
    finally:
        if not args.keep:
            await drop_database(url)
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}, {os.cpu_count()} CPUs")
    print(f"{'measure':<40}{'figure':>16}{'goal':>14}{'ratio':>10}")
    for name, rate, per_cpu in figures:
        ratio = rate / GOAL_LINES_PER_SECOND
        goal = f">= {GOAL_LINES_PER_SECOND}/s"
        print(
            f"{name:<40}{rate:>10,.0f} lines/s{goal:>14}{ratio:>9.2f}x"
            f"   ({per_cpu:,.0f} lines per CPU-second of the poster process)"
        )
    for name, (ms, rows) in timings.items():
        ratio = GOAL_REPORT_MS / ms
        print(f"{name:<40}{ms:>9.1f} ms{rows:>7} rows  < {GOAL_REPORT_MS} ms{ratio:>7.2f}x")
    print(
        f"back-dated receipt (400 days, FIFO SKU with {args.visits} entries): "
        f"{seconds * 1000:.1f} ms, {adjusted} later issues re-costed"
    )


if __name__ == "__main__":
    asyncio.run(main())
