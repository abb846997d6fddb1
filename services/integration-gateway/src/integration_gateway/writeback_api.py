"""Write-back API: webhook subscriptions of the ERP, and the log of deliveries to them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from integration_gateway.api import UowDep
from integration_gateway.auth import ApiError, AuthenticatedRoute, requires
from integration_gateway.domain import ApiClient
from integration_gateway.repository import WebhookSubscription, new_id
from integration_gateway.schemas import DeliveryView, SubscriptionBody, SubscriptionView

AdminClient = Annotated[ApiClient, requires("subscriptions:admin")]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]

router = APIRouter(prefix="/v1", tags=["write-back"], route_class=AuthenticatedRoute)


def _view(subscription: WebhookSubscription) -> SubscriptionView:
    return SubscriptionView(
        id=subscription.id,
        url=subscription.url,
        event_types=list(subscription.event_types),
        active=subscription.active,
        origin=subscription.origin,
        created_at=subscription.created_at,
    )


@router.post("/subscriptions", status_code=201, response_model=SubscriptionView)
async def create_subscription(
    body: SubscriptionBody, uow: UowDep, client: AdminClient
) -> SubscriptionView:
    """Subscribe a URL to event types; each event is POSTed there, signed with `secret`."""
    subscription = WebhookSubscription(
        new_id("sub"), str(body.url), body.secret, tuple(body.event_types), True, "api"
    )
    async with uow:
        created = await uow.subscriptions.add(subscription)
        await uow.commit()
    return _view(created)


@router.get("/subscriptions", response_model=list[SubscriptionView])
async def list_subscriptions(
    uow: UowDep, client: AdminClient, include_inactive: bool = False
) -> list[SubscriptionView]:
    """The subscriptions (active ones unless `include_inactive`)."""
    async with uow:
        found = await uow.subscriptions.find(include_inactive=include_inactive)
    return [_view(subscription) for subscription in found]


@router.delete("/subscriptions/{subscription_id}", status_code=204)
async def delete_subscription(subscription_id: str, uow: UowDep, client: AdminClient) -> Response:
    """Stop delivering to this subscription; its pending deliveries are cancelled."""
    async with uow:
        removed = await uow.subscriptions.deactivate(subscription_id)
        await uow.commit()
    if not removed:
        raise ApiError(404, "not_found", f"no active subscription {subscription_id!r}")
    return Response(status_code=204)


@router.get("/deliveries", response_model=list[DeliveryView])
async def list_deliveries(
    uow: UowDep,
    client: AdminClient,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryView]:
    """Deliveries, newest first, optionally of one status."""
    async with uow:
        rows = await uow.deliveries.find(status=status, limit=limit)
    return [DeliveryView.model_validate(row) for row in rows]
