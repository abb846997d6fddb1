"""Wiring of the alerting service: `create_app(settings)` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import BackgroundJob, create_service_app
from inventory_runtime.cli import service_cli
from inventory_runtime.kpi import kpi_job

from alerting import metrics
from alerting.adapters.dispatcher import run_dispatcher
from alerting.adapters.retention import RETENTION
from alerting.adapters.rule_job import rule_job
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.api import alerts, channels, forecast_kpis, kpis, rules
from alerting.config import AlertingSettings
from alerting.consumer import subscription
from alerting.handlers.rules import escalate, evaluate_due

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: AlertingSettings) -> FastAPI:
    """The alerting app: operations routes, outbox relay, consumer, dispatcher, retention
    and API."""
    return create_service_app(
        settings,
        title="Alerting",
        description="Alert rules over the event stream and notifications by email, IM and webhook.",
        routers=[channels.router, rules.router, alerts.router, kpis.router, forecast_kpis.router],
        consumers=[subscription()],
        unit_of_work=AlertingUnitOfWork,
        background=[
            BackgroundJob("notification-dispatcher", run_dispatcher),
            RETENTION,
            kpi_job(metrics.refresh),
            rule_job(evaluate_due, escalate),
        ],
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`alerting migrate` applies the migrations; `alerting serve` runs the HTTP service."""
    service_cli("alerting", AlertingSettings, create_app, MIGRATIONS, argv)
