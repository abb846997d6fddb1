"""Wiring of the approval service: `create_app(settings)` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app
from inventory_runtime.cli import service_cli
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.kpi import kpi_job

from approval import consumer, handlers, metrics
from approval.adapters.notification_job import notification_job
from approval.adapters.notification_retention import RETENTION
from approval.adapters.timer_job import timer_job
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.adapters.why_reader import why_reader_of
from approval.api import (
    actions,
    approvals,
    approvers,
    delegation_pages,
    delegations,
    flows,
    notifications,
    pages,
)
from approval.config import ApprovalSettings
from approval.ports import ApprovalUoW

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ApprovalSettings, clock: Clock = utc_now) -> FastAPI:
    """The approval app: operations routes, outbox relay, consumers, the timer job, the
    notification dispatcher, API and pages (whose detail reads the "why" from replenishment and
    reservation). `clock` is the timer job's (tests move it)."""
    fallback_role = settings.approval_escalation_fallback_role

    async def fire_due(uow: ApprovalUoW, now: datetime, limit: int) -> int:
        return await handlers.fire_due_timers(uow, now, limit, fallback_role)

    app = create_service_app(
        settings,
        title="Approval",
        routers=[
            approvals.router,
            actions.router,
            delegations.router,
            flows.router,
            approvers.router,
            notifications.router,
            pages.router,
            delegation_pages.router,
        ],
        pages=True,  # the inbox: /auth/login, /auth/callback, POST /auth/logout
        consumers=[consumer.subscription()],
        unit_of_work=ApprovalUnitOfWork.with_reminder_share(settings.approval_reminder_share)
        .with_notices(settings.notice_config)
        .with_fallback_role(fallback_role),
        background=[
            timer_job(settings.approval_timer_poll_seconds, fire_due, clock),
            notification_job(settings),
            RETENTION,
            kpi_job(metrics.refresh),
        ],
        description=(
            "Configurable approval flows with steps by amount, approver tasks, time limits, "
            "reminders, escalation and an audit trail."
        ),
    )
    app.state.why_reader = why_reader_of(
        settings.replenishment_url,
        settings.reservation_url,
        settings.token_url,
        settings.service_client_id,
        settings.service_client_secret,
        settings.why_timeout_seconds,
    )  # the detail page's "why" panel (api/why.py)
    return app


def cli(argv: Sequence[str] | None = None) -> None:
    """`approval migrate` applies the migrations; `approval serve` runs the HTTP service."""
    service_cli("approval", ApprovalSettings, create_app, MIGRATIONS, argv)
