"""Write-back API: webhook subscriptions of the ERP, and the log of deliveries to them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from inventory_runtime.app import runtime_of
from inventory_runtime.auth.routes import current_principal
from inventory_runtime.errors import ApiError, field_problems
from inventory_runtime.outbound import OutboundGuard, OutboundRefused

from integration_gateway import handlers
from integration_gateway.api import Uow
from integration_gateway.api.auth import AuthenticatedRoute, requires
from integration_gateway.api.examples import not_found
from integration_gateway.api.schemas import (
    DeliveryView,
    ReplayBody,
    Replayed,
    SubscriptionBody,
    SubscriptionView,
)
from integration_gateway.domain import ApiClient, WebhookSubscription

AdminClient = Annotated[ApiClient, requires("subscriptions:admin")]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]


def _outbound_guard(request: Request) -> OutboundGuard:
    return runtime_of(request).settings.outbound_guard


Guard = Annotated[OutboundGuard, Depends(_outbound_guard)]

router = APIRouter(prefix="/v1", tags=["write-back"], route_class=AuthenticatedRoute)


def _view(subscription: WebhookSubscription) -> SubscriptionView:
    return SubscriptionView(
        id=subscription.id,
        url=subscription.url,
        event_types=list(subscription.event_types),
        active=subscription.active,
        origin=subscription.origin,
        created_at=subscription.created_at,
        locations=None if subscription.locations is None else list(subscription.locations),
        consecutive_failures=subscription.consecutive_failures,
        paused_until=subscription.paused_until,
    )


@router.post("/subscriptions", status_code=201, response_model=SubscriptionView)
async def create_subscription(
    body: SubscriptionBody, uow: Uow, client: AdminClient, guard: Guard, request: Request
) -> SubscriptionView:
    """Subscribe a URL to event types; each event is POSTed there, signed with `secret`. A URL
    into the internal network is refused unless allow-listed (OUTBOUND_ALLOWLIST)."""
    try:
        await guard.check_url(str(body.url))
    except OutboundRefused as exc:
        raise ApiError(422, "validation_error", field_problems([("url", str(exc))])) from None
    actor = current_principal(request)
    created = await handlers.subscribe(
        str(body.url), body.secret, body.event_types, uow, actor, locations=body.locations
    )
    return _view(created)


@router.get("/subscriptions", response_model=list[SubscriptionView])
async def list_subscriptions(
    uow: Uow, client: AdminClient, include_inactive: bool = False
) -> list[SubscriptionView]:
    """The subscriptions (active ones unless `include_inactive`)."""
    async with uow:
        found = await uow.subscriptions.find(include_inactive=include_inactive)
    return [_view(subscription) for subscription in found]


@router.delete(
    "/subscriptions/{subscription_id}",
    status_code=204,
    responses={404: not_found("no active subscription 'sub_3f2a9c1d7e6b4a58b0c2d4e6f8a0b1c3'")},
)
async def delete_subscription(
    subscription_id: str, uow: Uow, client: AdminClient, request: Request
) -> Response:
    """Stop delivering to this subscription; its pending deliveries are cancelled."""
    if not await handlers.unsubscribe(subscription_id, uow, current_principal(request)):
        raise ApiError(404, "not_found", f"no active subscription {subscription_id!r}")
    return Response(status_code=204)


@router.post(
    "/deliveries/replay",
    response_model=Replayed,
    responses={404: not_found("no subscription 'sub_3f2a9c1d7e6b4a58b0c2d4e6f8a0b1c3'")},
)
async def replay_deliveries(
    body: ReplayBody, uow: Uow, client: AdminClient, request: Request
) -> dict[str, int]:
    """Deliver again a range of a subscription's deliveries (by default the dead-lettered,
    ``failed`` ones) once the receiver is fixed; its circuit breaker is closed (audited)."""
    async with uow:
        if await uow.subscriptions.get(body.subscription_id) is None:
            raise ApiError(404, "not_found", f"no subscription {body.subscription_id!r}")
        count = await uow.deliveries.replay(
            body.subscription_id, body.from_id, body.to_id, list(body.statuses)
        )
        after = body.model_dump() | {"replayed": count}
        uow.audit(current_principal(request), "replay", "subscription", body.subscription_id,
                  after=after)  # fmt: skip
        await uow.commit()
    return {"replayed": count}


@router.get("/deliveries", response_model=list[DeliveryView])
async def list_deliveries(
    uow: Uow,
    client: AdminClient,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryView]:
    """Deliveries, newest first, optionally of one status."""
    async with uow:
        rows = await uow.deliveries.find(status=status, limit=limit)
    return [DeliveryView.model_validate(row) for row in rows]
