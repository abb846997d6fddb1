"""Wiring of the approval service: `create_app(settings)` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import create_service_app
from inventory_runtime.cli import service_cli

from approval import consumer
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import approvals, approvers, flows
from approval.config import ApprovalSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ApprovalSettings) -> FastAPI:
    """The approval app: operations routes, outbox relay, consumers and API."""
    return create_service_app(
        settings,
        title="Approval",
        routers=[approvals.router, flows.router, approvers.router],
        consumers=[consumer.subscription()],
        unit_of_work=ApprovalUnitOfWork,
        description=(
            "Configurable approval flows with steps by amount, approver tasks, time limits, "
            "escalation and an audit trail."
        ),
    )


def cli(argv: Sequence[str] | None = None) -> None:
    """`approval migrate` applies the migrations; `approval serve` runs the HTTP service."""
    service_cli("approval", ApprovalSettings, create_app, MIGRATIONS, argv)
