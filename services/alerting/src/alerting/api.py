"""Alerting HTTP API: channels, rules, alerts and the notification log."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from inventory_runtime.app import runtime_of

from alerting import handlers
from alerting.channels import redacted
from alerting.domain import AlertStateError
from alerting.repository import AlertingUnitOfWork
from alerting.schemas import (
    AlertView,
    ChannelBody,
    ChannelView,
    NotificationView,
    RuleChanges,
    RuleView,
)


def alerting_uow(request: Request) -> AlertingUnitOfWork:
    """A new alerting unit of work per request."""
    return cast(AlertingUnitOfWork, runtime_of(request).uow_factory())


UowDep = Annotated[AlertingUnitOfWork, Depends(alerting_uow)]
ChannelBodyDep = Annotated[ChannelBody, Body()]
Limit = Annotated[int, Query(ge=1, le=1000)]

router = APIRouter(prefix="/v1")


class ApiError(Exception):
    """Answered as ``{"error": code, "detail": detail}``."""

    def __init__(self, status_code: int, code: str, detail: Any) -> None:
        super().__init__(detail)
        self.status_code, self.code, self.detail = status_code, code, detail


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=exc.status_code)


def _channel_view(row: dict[str, Any]) -> ChannelView:
    return ChannelView.model_validate({**row, "config": redacted(row["config"])})


# --- channels ---------------------------------------------------------------------------------


@router.post("/channels", status_code=201, response_model=ChannelView, tags=["channels"])
async def create_channel(body: ChannelBodyDep, uow: UowDep) -> ChannelView:
    """Add a notification channel (webhook or email)."""
    async with uow:
        if await uow.channels.name_taken(body.name):
            raise ApiError(409, "conflict", f"a channel named {body.name!r} exists")
        config = body.config.model_dump(mode="json")
        channel_id = await uow.channels.add(body.name, body.kind, config, body.enabled)
        [row] = await uow.channels.rows(channel_id)
        await uow.commit()
    return _channel_view(row)


@router.get("/channels", response_model=list[ChannelView], tags=["channels"])
async def list_channels(uow: UowDep) -> list[ChannelView]:
    """All channels (secrets hidden)."""
    async with uow:
        return [_channel_view(row) for row in await uow.channels.rows()]


@router.put("/channels/{channel_id}", response_model=ChannelView, tags=["channels"])
async def replace_channel(channel_id: str, body: ChannelBodyDep, uow: UowDep) -> ChannelView:
    """Replace a channel's name, kind, config and enabled flag."""
    async with uow:
        if await uow.channels.name_taken(body.name, other_than=channel_id):
            raise ApiError(409, "conflict", f"a channel named {body.name!r} exists")
        config = body.config.model_dump(mode="json")
        if not await uow.channels.replace(channel_id, body.name, body.kind, config, body.enabled):
            raise ApiError(404, "not_found", f"no channel {channel_id!r}")
        [row] = await uow.channels.rows(channel_id)
        await uow.commit()
    return _channel_view(row)


# --- rules ------------------------------------------------------------------------------------


@router.get("/rules", response_model=list[RuleView], tags=["rules"])
async def list_rules(uow: UowDep) -> list[RuleView]:
    """The alert rules."""
    async with uow:
        return [RuleView.model_validate(row) for row in await uow.rules.all_rows()]


@router.put("/rules/{rule_id}", response_model=RuleView, tags=["rules"])
async def change_rule(rule_id: str, changes: RuleChanges, uow: UowDep) -> RuleView:
    """Enable or disable a rule, change its severity or its channels."""
    values = changes.model_dump(exclude_none=True)
    async with uow:
        if changes.channel_ids:
            missing = sorted(
                set(changes.channel_ids) - await uow.channels.existing_ids(changes.channel_ids)
            )
            if missing:
                raise ApiError(
                    422,
                    "validation_error",
                    [{"field": "body.channel_ids", "problem": f"unknown channel(s): {missing}"}],
                )
        row = await uow.rules.update(rule_id, values) if values else None
        if row is None:
            rows = [r for r in await uow.rules.all_rows() if r["id"] == rule_id]
            if not rows:
                raise ApiError(404, "not_found", f"no rule {rule_id!r}")
            row = rows[0]
        await uow.commit()
    return RuleView.model_validate(row)


# --- alerts and notifications -------------------------------------------------------------------


@router.get("/alerts", response_model=list[AlertView], tags=["alerts"])
async def list_alerts(
    uow: UowDep,
    status: Literal["raised", "acknowledged", "resolved"] | None = None,
    rule_id: str | None = None,
    subject: str | None = None,
    limit: Limit = 100,
) -> list[AlertView]:
    """Alerts, newest first; filter by status, rule and subject (e.g. ``SKU-1@WH1``)."""
    async with uow:
        found = await uow.alerts.find(status=status, rule_id=rule_id, subject=subject, limit=limit)
    return [AlertView.model_validate(asdict(alert)) for alert in found]


async def _alert_view(alert_id: str, uow: AlertingUnitOfWork) -> AlertView:
    async with uow:
        alert = await uow.alerts.get(alert_id)
    if alert is None:
        raise ApiError(404, "not_found", f"no alert {alert_id!r}")
    return AlertView.model_validate(asdict(alert))


@router.get("/alerts/{alert_id}", response_model=AlertView, tags=["alerts"])
async def get_alert(alert_id: str, uow: UowDep) -> AlertView:
    """One alert."""
    return await _alert_view(alert_id, uow)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertView, tags=["alerts"])
async def acknowledge_alert(alert_id: str, uow: UowDep, request: Request) -> AlertView:
    """Mark the alert as seen (409 if it is already resolved)."""
    await _transition(handlers.acknowledge, alert_id, uow)
    return await _alert_view(alert_id, alerting_uow(request))


@router.post("/alerts/{alert_id}/resolve", response_model=AlertView, tags=["alerts"])
async def resolve_alert(alert_id: str, uow: UowDep, request: Request) -> AlertView:
    """Resolve the alert by hand (publishes ``AlertResolved``; 409 if already resolved)."""
    await _transition(handlers.resolve, alert_id, uow)
    return await _alert_view(alert_id, alerting_uow(request))


async def _transition(action: Any, alert_id: str, uow: AlertingUnitOfWork) -> None:
    try:
        await action(alert_id, uow)
    except handlers.AlertNotFound:
        raise ApiError(404, "not_found", f"no alert {alert_id!r}") from None
    except AlertStateError as exc:
        raise ApiError(409, "conflict", str(exc)) from None


@router.get("/notifications", response_model=list[NotificationView], tags=["alerts"])
async def list_notifications(
    uow: UowDep,
    alert_id: str | None = None,
    status: Literal["pending", "sent", "failed"] | None = None,
    limit: Limit = 100,
) -> list[NotificationView]:
    """The notification log: what was sent (or is being retried) through which channel."""
    async with uow:
        rows = await uow.notifications.find(alert_id=alert_id, status=status, limit=limit)
    return [NotificationView.model_validate(row) for row in rows]
