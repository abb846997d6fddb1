"""Wiring of the stock-ledger service: `create_app(settings)` and the command line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import BackgroundJob, ServiceRuntime, create_service_app
from inventory_runtime.cli import service_cli
from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import kpi_job

from stock_ledger import metrics
from stock_ledger.adapters import LedgerUnitOfWork, aging
from stock_ledger.api import counting, documents, forms, parking, receipts, reports, ui
from stock_ledger.config import StockLedgerSettings
from stock_ledger.consumer import approvals_subscription, subscription

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


async def open_due_counts_and_age(runtime: ServiceRuntime) -> None:
    """One round of the daily job: open the count tasks that fell due, rewrite the aging."""
    today = utc_now().date()
    uow = runtime.uow_factory()
    assert isinstance(uow, LedgerUnitOfWork)  # create_app's unit_of_work
    async with uow:
        created = await uow.counting.generate_tasks(today)
        await uow.commit()
    async with runtime.uow_factory() as uow:  # ages move overnight
        await aging.ensure_current(uow.session, today)
        await uow.commit()
    if created:
        log.info("opened %d count tasks", len(created))


def daily_job(interval_seconds: float) -> BackgroundJob:
    """Opens the count tasks that fall due and rewrites the day's aging, every
    `interval_seconds`."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            try:
                await open_due_counts_and_age(runtime)
            except Exception:  # the next round tries again; /ready shows a dead loop only
                log.exception("count task generation failed")
            await asyncio.sleep(interval_seconds)

    return BackgroundJob("count-tasks-and-aging", run)


def create_app(settings: StockLedgerSettings) -> FastAPI:
    """The stock-ledger app: operations routes, outbox relay, consumers and API."""
    app = create_service_app(
        settings,
        routers=[
            documents.router,
            receipts.router,
            forms.router,
            reports.router,
            parking.router,
            counting.router,
            ui.router,
        ],
        consumers=[subscription(), approvals_subscription()],
        background=[
            *(
                [daily_job(settings.count_task_interval_seconds)]
                if settings.count_task_interval_seconds > 0
                else []
            ),
            kpi_job(metrics.refresh, metrics.REFRESH_SECONDS),
        ],
        unit_of_work=LedgerUnitOfWork,
        pages=True,  # the document page: /auth/login, /auth/callback, POST /auth/logout
        title="Stock ledger",
        description=(
            "Stock documents (receipt, issue, transfer, count, adjustment), the immutable "
            "ledger per SKU x location, lots, valuation and balances."
        ),
    )
    app.state.count_variance_approval_amount = Decimal(settings.count_variance_approval_amount)
    return app


def cli(argv: Sequence[str] | None = None) -> None:
    """`stock-ledger migrate` applies the migrations; `stock-ledger serve` runs the HTTP service."""
    service_cli("stock-ledger", StockLedgerSettings, create_app, MIGRATIONS, argv)
