"""Wiring of the stock-ledger service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app, serve
from inventory_runtime.migrations import migrate

from stock_ledger import api
from stock_ledger.config import StockLedgerSettings
from stock_ledger.consumer import subscription
from stock_ledger.repository import LedgerUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: StockLedgerSettings) -> FastAPI:
    """The stock-ledger app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        routers=[api.router],
        consumers=[subscription()],
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
