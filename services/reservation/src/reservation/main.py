"""Wiring of the reservation service: `create_app(settings)` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app
from inventory_runtime.cli import service_cli
from inventory_runtime.kpi import kpi_job

from reservation import metrics
from reservation.adapters.expiry import expiry_job
from reservation.adapters.retention import RETENTION
from reservation.adapters.unit_of_work import ReservationUnitOfWork
from reservation.api import quotes
from reservation.api.routes import router
from reservation.config import ReservationSettings
from reservation.consumer import subscription
from reservation.handlers.quotes import expire_all

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ReservationSettings) -> FastAPI:
    """The reservation app: operations routes, outbox relay, consumers, expiry, retention
    and API."""
    app = create_service_app(
        settings,
        routers=[router, quotes.router],
        consumers=[subscription(settings)],
        unit_of_work=ReservationUnitOfWork,
        background=[
            expiry_job(settings.expiry_interval_seconds, expire_all),
            RETENTION,
            kpi_job(metrics.refresh),
        ],
        title="Reservation",
        description=(
            "Reserves stock for every order atomically without overselling; keeps "
            "available-to-promise current."
        ),
    )
    # The quote routes read the hold limits here (tests serve the app without its lifespan).
    app.state.quote_hold_seconds = (
        settings.quote_hold_default_seconds,
        settings.quote_hold_max_seconds,
    )
    return app


def cli(argv: Sequence[str] | None = None) -> None:
    """`reservation migrate` applies the migrations; `reservation serve` runs the HTTP service."""
    service_cli("reservation", ReservationSettings, create_app, MIGRATIONS, argv)
