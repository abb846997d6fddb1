"""Wiring of the alerting service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app, serve
from inventory_runtime.migrations import migrate

from alerting.config import AlertingSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: AlertingSettings) -> FastAPI:
    """The alerting app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        title="Alerting",
        description="Alert rules over the event stream and notifications by email, IM and webhook.",
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`alerting migrate` applies the migrations; `alerting serve` runs the HTTP service."""
    parser = argparse.ArgumentParser(prog="alerting", description=__doc__)
    parser.add_argument("command", choices=["migrate", "serve"])
    args = parser.parse_args(argv)
    settings = AlertingSettings()
    if args.command == "migrate":
        migrate(settings.database_url, MIGRATIONS)
    else:
        serve(settings, create_app(settings))
