"""Wiring of the stock-ledger service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from inventory_runtime.app import BackgroundJob, ServiceRuntime, create_service_app, serve
from inventory_runtime.migrations import migrate

from stock_ledger import api, counting
from stock_ledger.config import StockLedgerSettings
from stock_ledger.consumer import approvals_subscription, subscription
from stock_ledger.store import LedgerUnitOfWork, aging

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def daily_job(interval_seconds: float) -> BackgroundJob:
    """Opens the count tasks that fall due and rewrites the day's aging, every
    `interval_seconds`."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            try:
                today = datetime.now(UTC).date()
                # The app builds LedgerUnitOfWork instances (create_app's unit_of_work).
                async with cast(LedgerUnitOfWork, runtime.uow_factory()) as uow:
                    created = await counting.generate(uow, today)
                    await uow.commit()
                async with runtime.uow_factory() as uow:  # ages move overnight
                    await aging.ensure_current(uow.session, today)
                    await uow.commit()
                if created:
                    log.info("opened %d count tasks", len(created))
            except Exception:  # the next round tries again; /ready shows a dead loop only
                log.exception("count task generation failed")
            await asyncio.sleep(interval_seconds)

    return BackgroundJob("count-tasks-and-aging", run)


def create_app(settings: StockLedgerSettings) -> FastAPI:
    """The stock-ledger app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        routers=[api.router],
        consumers=[subscription(), approvals_subscription()],
        background=(
            [daily_job(settings.count_task_interval_seconds)]
            if settings.count_task_interval_seconds > 0
            else []
        ),
        unit_of_work=LedgerUnitOfWork,
        title="Stock ledger",
        description=(
            "Stock documents (receipt, issue, transfer, count, adjustment), the immutable "
            "ledger per SKU x location, lots, valuation and balances."
        ),
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`stock-ledger migrate` applies the migrations; `stock-ledger serve` runs the HTTP service."""
    parser = argparse.ArgumentParser(prog="stock-ledger", description=__doc__)
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args(argv)
    settings = StockLedgerSettings()
    if args.command == "migrate":
        migrate(settings.database_url, MIGRATIONS)
    else:
        serve(settings, create_app(settings))
