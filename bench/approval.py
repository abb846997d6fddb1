"""Approval benchmark: 10,000 open tasks across 500 approvers, the inbox pages, and 1,000
requisitions a minute through start and decision.

    uv run python -m bench.approval                          # full size
    uv run python -m bench.approval --tasks 1000 --approvers 50 --flow-seconds 10   # a look

1. A throwaway database (`<DATABASE_URL db>_approval_bench`, dropped at the end unless --keep)
   with the service's migrations. 500 approvers (`mgr.000`...: department manager of their
   own department) are given their role through `POST /v1/approvers`; 10,000 purchase
   requisitions (amounts up to 50,000: one step) are started through the consumer's own
   handler (`consumer.subscription().handler`, 50 requests per transaction as a consumer
   batch), so every approver has 20 pending tasks. The seeding rate is printed.
2. The inbox (`GET /inbox`) and the detail page (`GET /inbox/{id}`, with the "why" panel, its
   reads answered at once by an in-process stand-in: the page's own work, not the owning
   services' latency) for random approvers through the app in-process (httpx ASGI transport:
   routing, auth, templates included), p50/p95/p99 with 1 and with 4 concurrent viewers.
3. `--rate` requisitions a minute (1,000) for `--flow-seconds` (60), open loop: each is
   started by the handler in its own transaction (a consumer batch of one) at its scheduled
   time and approved by its manager through `POST /v1/approvals/{id}/approve` (ASGI, the
   manager's own token), at most 8 in progress at once (a late one waits for its turn).
   Printed: the achieved rate, latency scheduled -> approved p50/p95/p99, and the lag of the
   first and the last tenth (it grows if the service cannot keep up). Then the same as fast
   as it goes with 4 workers (the headroom).

Yardstick, measured in the same run on the same server: the database round trip (`SELECT 1`
on a pooled connection, p50) and its rate; the pages' p50 is printed as a multiple of it.
The outbox relay, the consumer loops and the timer job do not run (the app's lifespan is off):
the outbox rows the decisions write stay in the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
from approval import consumer
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.adapters.why_reader import WhyReader
from approval.api import get_uow
from approval.api.why import get_why_reader
from approval.config import ApprovalSettings
from approval.main import MIGRATIONS, create_app
from inventory_contracts.envelope import new_event
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.service_token import ServiceToken
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

DATABASE_URL = os.getenv(
    "DATABASE_URL", "postgresql+asyncpg://inventory:inventory@127.0.0.1:5432/inventory_test"
)
GOAL_PAGE_P95_MS = 200
SEED_BATCH = 50
IN_FLIGHT = 8
"""Requisitions in progress at once in the paced run (the pool has 20 connections)."""
ADMIN = TEST_ISSUER.headers("admin", login="bench.admin")
Timings = list[float]


def manager(n: int) -> str:
    return f"mgr.{n:03d}"


def requisition(request_id: str, department: int, rng: random.Random) -> ApprovalRequested:
    quantity = rng.randrange(10, 2000)
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=Decimal(rng.randrange(100, 50_000)),
        department=f"D{department:03d}",
        requested_by="system:replenishment",
        summary=f"采购申请 {request_id} / Purchase requisition {request_id}",
        details={"sku": f"SKU-{rng.randrange(5000):05d}", "location": "WH-1",
                 "supplier_id": "SUP-1", "quantity": str(quantity), "unit_cost": "12.30"},
    )  # fmt: skip


def message(request: ApprovalRequested) -> InboundEvent[ApprovalRequested]:
    """`request` as the consumer loop hands it to the handler (the record is not read)."""
    event = new_event(request, source="/services/replenishment")
    return InboundEvent(event, request, request.topic, 0, 0, request.key(), None)


def instant_why() -> WhyReader:
    """A reader whose services answer at once (404: the panel renders its "no data" lines)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "bench", "expires_in": 3600})
        return httpx.Response(404, json={"error": "not_found"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    tokens = ServiceToken("http://issuer.bench/token", "approval-service", "x" * 20, http=http)
    return WhyReader("http://replenishment.bench", "http://reservation.bench", tokens, http)


def percentiles(samples: Timings) -> tuple[float, float, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return q[49], q[94], q[98]


async def yardstick(engine: AsyncEngine, seconds: float = 2.0) -> tuple[float, float]:
    """The database round trip: p50 ms of `SELECT 1` on a pooled connection, and per second."""
    samples: Timings = []
    async with engine.connect() as connection:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await connection.execute(text("SELECT 1"))
            samples.append((time.perf_counter() - started) * 1000)
    median: float = statistics.median(samples)
    return median, len(samples) / seconds


async def seed(
    http: httpx.AsyncClient, make_uow: Callable[[], ApprovalUnitOfWork], args: Any
) -> float:
    """The approvers through the API, the requests through the handler; the start rate/s."""
    for n in range(args.approvers):
        body = {"approver_id": manager(n), "display_name": f"经理 {n}", "role":
                "department_manager", "department": f"D{n:03d}"}  # fmt: skip
        (await http.post("/v1/approvers", json=body, headers=ADMIN)).raise_for_status()
    handle, rng = consumer.subscription().handler, random.Random(7)
    started = time.perf_counter()
    for first in range(0, args.tasks, SEED_BATCH):
        batch = [
            message(requisition(f"SEED-{n:06d}", n % args.approvers, rng))
            for n in range(first, min(first + SEED_BATCH, args.tasks))
        ]
        async with make_uow() as uow:
            await handle(batch, uow)
            await uow.commit()
    return float(args.tasks) / (time.perf_counter() - started)


async def timed(count: int, workers: int, call: Callable[[int], Awaitable[None]]) -> Timings:
    """`count` calls of `call(i)` by `workers` concurrent callers; milliseconds each."""
    samples: Timings = []
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            started = time.perf_counter()
            await call(i)
            samples.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return samples


async def pages(http: httpx.AsyncClient, args: Any) -> dict[str, Timings]:
    """Inbox and detail timings by (page, viewers)."""
    rng = random.Random(11)
    viewers = [TEST_ISSUER.headers("approver", login=manager(n)) for n in range(args.approvers)]

    async def inbox(i: int) -> None:
        n = rng.randrange(args.approvers)
        answer = await http.get("/inbox", headers=viewers[n])
        assert answer.status_code == 200 and answer.text.count("data-request=") >= 1, answer.text

    async def detail(i: int) -> None:
        n = rng.randrange(args.tasks)
        answer = await http.get(f"/inbox/SEED-{n:06d}", headers=viewers[n % args.approvers])
        assert answer.status_code == 200 and 'id="decide"' in answer.text, answer.text

    found: dict[str, Timings] = {}
    for name, call in (("inbox", inbox), ("detail", detail)):
        await timed(20, 1, call)  # warm-up: templates compiled, pool filled
        for workers in (1, 4):
            found[f"{name}, {workers} viewer(s)"] = await timed(args.page_requests, workers, call)
    return found


async def flow(
    http: httpx.AsyncClient,
    make_uow: Callable[[], ApprovalUnitOfWork],
    args: Any,
    per_minute: float | None,
    tag: str,
) -> dict[str, Any]:
    """Start and approve requisitions: open loop at `per_minute`, or closed loop (4 workers)."""
    handle, rng = consumer.subscription().handler, random.Random(13)
    count = int(args.rate * args.flow_seconds / 60) if per_minute else args.burst
    begin = time.perf_counter()
    lags: list[tuple[float, float]] = []  # (scheduled offset, scheduled -> approved ms)
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> None:
        scheduled = begin + (i * 60 / per_minute if per_minute else 0)
        if per_minute:
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        else:
            scheduled = time.perf_counter()
        async with in_flight:  # late ones wait here: the lag shows instead of the pool running dry
            await start_and_approve(i, scheduled)

    async def start_and_approve(i: int, scheduled: float) -> None:
        request = requisition(f"{tag}-{i:06d}", rng.randrange(args.approvers), rng)
        async with make_uow() as uow:
            await handle([message(request)], uow)
            await uow.commit()
        deciding = TEST_ISSUER.headers("approver", login=manager(int(request.department[1:])))
        url = f"/v1/approvals/{request.request_id}/approve"
        answer = await http.post(url, json={"comment": "ok"}, headers=deciding)
        assert answer.status_code == 200, answer.text
        lags.append((scheduled - begin, (time.perf_counter() - scheduled) * 1000))

    if per_minute:
        await asyncio.gather(*(one(i) for i in range(count)))
    else:
        await timed(count, 4, one)
    elapsed = time.perf_counter() - begin
    by_time = [ms for _, ms in sorted(lags)]
    tenth = max(1, len(by_time) // 10)
    return {
        "count": count, "seconds": elapsed, "per_minute": count / elapsed * 60,
        "latency": percentiles(by_time), "first_tenth_p50": statistics.median(by_time[:tenth]),
        "last_tenth_p50": statistics.median(by_time[-tenth:]),
    }  # fmt: skip


async def run(url: str, args: Any) -> None:
    os.environ.update(TEST_ISSUER.environment())  # the in-process app trusts the bench's tokens
    engine = create_async_engine(url, pool_size=20)
    factory = async_sessionmaker(engine, expire_on_commit=False)

    def make_uow() -> ApprovalUnitOfWork:
        return ApprovalUnitOfWork(factory, source="/services/approval")

    app = create_app(ApprovalSettings(database_url=url))
    app.dependency_overrides[get_uow] = make_uow
    reader = instant_why()
    app.dependency_overrides[get_why_reader] = lambda: reader
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        round_trip, per_second = await yardstick(engine)
        seeded = await seed(http, make_uow, args)
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
        timings = await pages(http, args)
        paced = await flow(http, make_uow, args, args.rate, "FLOW")
        burst = await flow(http, make_uow, args, None, "BURST")
    await engine.dispose()
    report(args, round_trip, per_second, seeded, timings, paced, burst)


def report(
    args: Any,
    round_trip: float,
    per_second: float,
    seeded: float,
    timings: dict[str, Timings],
    paced: dict[str, Any],
    burst: dict[str, Any],
) -> None:
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}, {os.cpu_count()} CPUs")
    print(f"yardstick: database round trip (SELECT 1) p50 {round_trip:.3f} ms, "
          f"{per_second:,.0f}/s on one connection")  # fmt: skip
    print(f"seeded {args.tasks:,} open tasks across {args.approvers} approvers: "
          f"{seeded:,.0f} requests started/s (handler, {SEED_BATCH} per transaction)")  # fmt: skip
    print(f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'goal p95':>10}{'ratio':>8}"
          f"{'p50 / round trip':>18}")  # fmt: skip
    for name, samples in timings.items():
        p50, p95, p99 = percentiles(samples)
        print(f"{name:<26}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{GOAL_PAGE_P95_MS:>8} ms"
              f"{GOAL_PAGE_P95_MS / p95:>7.1f}x{p50 / round_trip:>17.0f}x")  # fmt: skip
    for name, found in (("paced", paced), ("as fast as it goes, 4 workers", burst)):
        p50, p95, p99 = found["latency"]
        first, last = found["first_tenth_p50"], found["last_tenth_p50"]
        print(
            f"start + approve, {name}: {found['count']:,} in {found['seconds']:.1f} s = "
            f"{found['per_minute']:,.0f}/min (goal {args.rate:,}/min); scheduled -> approved "
            f"p50 {p50:.1f} / p95 {p95:.1f} / p99 {p99:.1f} ms; p50 of the first tenth "
            f"{first:.1f} ms, of the last {last:.1f} ms"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--approvers", type=int, default=500)
    parser.add_argument("--page-requests", type=int, default=500, help="per page and viewers")
    parser.add_argument("--rate", type=int, default=1000, help="requisitions a minute")
    parser.add_argument("--flow-seconds", type=float, default=60)
    parser.add_argument("--burst", type=int, default=1000, help="requisitions, closed loop")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    url = await fresh_database(DATABASE_URL, "approval_bench")
    try:
        await migrate_async(url, MIGRATIONS)
        await run(url, args)
    finally:
        if not args.keep:
            await drop_database(url)


if __name__ == "__main__":
    asyncio.run(main())
