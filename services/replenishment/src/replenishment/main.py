"""Wiring of the replenishment service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app, serve
from inventory_runtime.migrations import migrate

from replenishment import api, consumer
from replenishment.config import ReplenishmentSettings
from replenishment.repository import ReplenishmentUnitOfWork
from replenishment.simulator import command as simulate_command

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ReplenishmentSettings) -> FastAPI:
    """The replenishment app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        title="Replenishment",
        routers=[api.router],
        consumers=[consumer.subscription()],
        unit_of_work=ReplenishmentUnitOfWork,
        description=(
            "Demand history, policies (reorder point, order quantity), inventory positions, "
            "purchase requisitions and purchase orders."
        ),
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`replenishment migrate` applies the migrations; `replenishment serve` runs the service;
    `replenishment simulate` replays demand under the planning and the coverage rule."""
    parser = argparse.ArgumentParser(prog="replenishment", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("serve", help="run the service")
    simulate_command.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "simulate":
        raise SystemExit(simulate_command.run(args))
    settings = ReplenishmentSettings()
    if args.command == "migrate":
        migrate(settings.database_url, MIGRATIONS)
    else:
        serve(settings, create_app(settings))
