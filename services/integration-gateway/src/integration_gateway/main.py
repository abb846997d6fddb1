"""Wiring of the integration-gateway service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app, serve
from inventory_runtime.migrations import migrate

from integration_gateway.config import IntegrationGatewaySettings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: IntegrationGatewaySettings) -> FastAPI:
    """The integration-gateway app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        title="Integration gateway",
        description="REST entry for CRM/ERP (orders, master data, shipments, receipts) with API keys and idempotency; write-back to ERP.",
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`integration-gateway migrate` applies the migrations; `integration-gateway serve` runs the HTTP service."""
    parser = argparse.ArgumentParser(prog="integration-gateway", description=__doc__)
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args(argv)
    settings = IntegrationGatewaySettings()
    if args.command == "migrate":
        migrate(settings.database_url, MIGRATIONS)
    else:
        serve(settings, create_app(settings))
