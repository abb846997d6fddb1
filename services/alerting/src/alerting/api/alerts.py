"""Alerts over HTTP: list and read them, acknowledge or resolve them; the notification log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError
from pydantic import BaseModel, ConfigDict, Field

from alerting import handlers
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.api import Limit, Uow
from alerting.api.schemas import AlertView, NotificationView
from alerting.domain import AlertNotFound, AlertStateError
from alerting.ports import AlertingUoW

router = secured_router(prefix="/v1", tags=["alerts"])
Reader = [require("alerts:read")]
Handler = Annotated[Principal, require("alerts:write")]
"""Who acknowledges or resolves: the token's login, never a field of the request."""


@router.get("/alerts", response_model=list[AlertView], dependencies=Reader)
async def list_alerts(
    uow: Uow,
    status: Literal["raised", "acknowledged", "resolved"] | None = None,
    rule_id: str | None = None,
    subject: str | None = None,
    limit: Limit = 100,
) -> list[AlertView]:
    """Alerts, newest first; filter by status, rule and subject (e.g. ``SKU-1@WH1``)."""
    async with uow:
        found = await uow.alerts.rows(status=status, rule_id=rule_id, subject=subject, limit=limit)
    return [AlertView.model_validate(row) for row in found]


@router.get("/alerts/{alert_id}", response_model=AlertView, dependencies=Reader)
async def get_alert(alert_id: str, uow: Uow) -> AlertView:
    """One alert."""
    return await _alert_view(alert_id, uow)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertView)
async def acknowledge_alert(alert_id: str, actor: Handler, uow: Uow) -> AlertView:
    """Mark the alert as seen by the caller (409 if it is already resolved)."""
    await _transition(handlers.acknowledge, alert_id, actor, uow)
    return await _alert_view(alert_id, uow)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertView)
async def resolve_alert(alert_id: str, actor: Handler, uow: Uow) -> AlertView:
    """Resolve the alert by hand (publishes ``AlertResolved``; 409 if already resolved)."""
    await _transition(handlers.resolve, alert_id, actor, uow)
    return await _alert_view(alert_id, uow)


class SnoozeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(ge=1, le=60 * 24 * 30, description="How long to hold the alert back.")


@router.post("/alerts/{alert_id}/snooze", response_model=AlertView)
async def snooze_alert(alert_id: str, body: SnoozeBody, actor: Handler, uow: Uow) -> AlertView:
    """Snooze the alert: no escalation, and no new alert of its condition, until the time is
    up (409 if resolved)."""

    async def command(alert_id: str, actor: Principal, uow: AlertingUoW) -> None:
        await handlers.snooze(alert_id, body.minutes, actor, uow)

    await _transition(command, alert_id, actor, uow)
    return await _alert_view(alert_id, uow)


@router.get("/notifications", response_model=list[NotificationView], dependencies=Reader)
async def list_notifications(
    uow: Uow,
    alert_id: str | None = None,
    status: Literal["pending", "sent", "failed"] | None = None,
    limit: Limit = 100,
) -> list[NotificationView]:
    """The notification log: what was sent (or is being retried) through which channel."""
    async with uow:
        rows = await uow.notifications.find(alert_id=alert_id, status=status, limit=limit)
    return [NotificationView.model_validate(row) for row in rows]


async def _alert_view(alert_id: str, uow: AlertingUnitOfWork) -> AlertView:
    """The alert as stored now (a transition's unit of work is done: this is a new one)."""
    async with uow:
        found = await uow.alerts.rows(alert_id=alert_id, limit=1)
    if not found:
        raise ApiError(404, "not_found", f"no alert {alert_id!r}")
    return AlertView.model_validate(found[0])


async def _transition(
    command: Callable[[str, Principal, AlertingUoW], Awaitable[None]],
    alert_id: str,
    actor: Principal,
    uow: AlertingUoW,
) -> None:
    try:
        await command(alert_id, actor, uow)
    except AlertNotFound:
        raise ApiError(404, "not_found", f"no alert {alert_id!r}") from None
    except AlertStateError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
