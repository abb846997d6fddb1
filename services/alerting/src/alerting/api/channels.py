"""Notification channels over HTTP: add, list, replace (secrets never shown)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Request
from inventory_runtime.app import runtime_of
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from inventory_runtime.outbound import OutboundGuard, OutboundRefused
from inventory_runtime.secret_box import SecretBox

from alerting.adapters.channels import ADDRESS_FIELDS, check_address, redacted, sealed
from alerting.api import Uow
from alerting.api.schemas import ChannelBody, ChannelView
from alerting.config import AlertingSettings

ChannelBodyDep = Annotated[ChannelBody, Body()]


def _outbound_guard(request: Request) -> OutboundGuard:
    return runtime_of(request).settings.outbound_guard


def _secret_box(request: Request) -> SecretBox:
    settings = runtime_of(request).settings
    assert isinstance(settings, AlertingSettings)
    return settings.secret_box


Guard = Annotated[OutboundGuard, Depends(_outbound_guard)]
Box = Annotated[SecretBox, Depends(_secret_box)]

Admin = Annotated[Principal, require("channels:admin")]
"""Channels are admin-only, reading them too: whoever adds a channel receives every alert, and
a channel's list shows where alerts go."""

router = secured_router(prefix="/v1", tags=["channels"])


def _channel_view(row: dict[str, Any]) -> ChannelView:
    return ChannelView.model_validate({**row, "config": redacted(row["config"])})


def _audited(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A channel as the audit log records it: never a secret or password (``***``)."""
    if row is None:
        return None
    return {k: row[k] for k in ("name", "kind", "enabled")} | {"config": redacted(row["config"])}


def _name_taken(name: str) -> ApiError:
    return ApiError(409, "conflict", f"a channel named {name!r} exists")


async def _reachable_config(
    body: ChannelBody, guard: OutboundGuard, box: SecretBox
) -> dict[str, Any]:
    """The config to store, its secrets encrypted; 422 when its URL or host is internal and not
    allow-listed."""
    config = body.config.model_dump(mode="json")
    try:
        await check_address(guard, body.kind, config)
    except OutboundRefused as exc:
        problem = (f"config.{ADDRESS_FIELDS[body.kind]}", str(exc))
        raise ApiError(422, "validation_error", field_problems([problem])) from None
    return sealed(config, box)


@router.post("/channels", status_code=201, response_model=ChannelView)
async def create_channel(
    body: ChannelBodyDep, actor: Admin, uow: Uow, guard: Guard, box: Box
) -> ChannelView:
    """Add a notification channel (webhook, email, dingtalk, wecom, feishu or slack); an
    internal webhook URL or SMTP host is refused unless allow-listed (OUTBOUND_ALLOWLIST)."""
    config = await _reachable_config(body, guard, box)
    async with uow:
        if await uow.channels.name_taken(body.name):
            raise _name_taken(body.name)
        channel_id = await uow.channels.add(body.name, body.kind, config, body.enabled)
        [row] = await uow.channels.rows(channel_id)
        uow.audit(actor, "create", "channel", channel_id, after=_audited(row))
        await uow.commit()
    return _channel_view(row)


@router.get("/channels", response_model=list[ChannelView], dependencies=[require("channels:admin")])
async def list_channels(uow: Uow) -> list[ChannelView]:
    """All channels (secrets hidden)."""
    async with uow:
        return [_channel_view(row) for row in await uow.channels.rows()]


@router.put("/channels/{channel_id}", response_model=ChannelView)
async def replace_channel(
    channel_id: str, body: ChannelBodyDep, actor: Admin, uow: Uow, guard: Guard, box: Box
) -> ChannelView:
    """Replace a channel's name, kind, config and enabled flag (its address checked as when
    added)."""
    config = await _reachable_config(body, guard, box)
    async with uow:
        if await uow.channels.name_taken(body.name, other_than=channel_id):
            raise _name_taken(body.name)
        before = await uow.channels.rows(channel_id)
        if not await uow.channels.replace(channel_id, body.name, body.kind, config, body.enabled):
            raise ApiError(404, "not_found", f"no channel {channel_id!r}")
        [row] = await uow.channels.rows(channel_id)
        audited = {"before": _audited(before[0]), "after": _audited(row)}
        uow.audit(actor, "update", "channel", channel_id, **audited)
        await uow.commit()
    return _channel_view(row)
