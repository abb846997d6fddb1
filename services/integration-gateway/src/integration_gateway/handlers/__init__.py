"""Use cases of the gateway: accept an inbound request as an event, queue write-backs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inventory_contracts.envelope import encode
from inventory_contracts.events.base import Event
from inventory_runtime.auth.principal import Principal
from inventory_runtime.inbound import InboundEvent

from integration_gateway import domain
from integration_gateway.domain import (
    AcceptedMessage,
    IdempotencyKeyReused,
    KeyReused,
    Replay,
    StoredResponse,
    WebhookSubscription,
    WriteBack,
)
from integration_gateway.domain.imports import content_hash, kind_of
from integration_gateway.domain.write_back import at_wanted_location, subscription_record
from integration_gateway.ports import GatewayUoW

ACCEPTED = 202


@dataclass(frozen=True)
class InboundRequest:
    """An authenticated request that becomes one event.

    `body` is the validated request document; it (with method and path) identifies the request
    for idempotency, since the event may carry defaults filled in at arrival (e.g. times).
    """

    client_id: str
    method: str
    path: str
    body: Any
    event: Event
    subject: str | None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Answer:
    """What to send back: status, JSON body, and whether it is a replay."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


async def accept(request: InboundRequest, uow: GatewayUoW) -> Answer:
    """Accept the request's event into the outbox, once per idempotency key.

    The stored response and the outbox row are written in one transaction: a replay publishes
    nothing, and a crash can't leave one without the other. Raises `IdempotencyKeyReused`.
    """
    async with uow:
        message = AcceptedMessage.accept(request.event, request.subject)
        uow.accepted.add(message)
        kind = kind_of(request.event)
        if kind is not None:  # a later bulk import compares with this state, not an older one
            record = (content_hash(request.event), request.event.model_dump_json())
            await uow.master_records.save(kind.name, {kind.key(request.event): record})
        body: dict[str, Any] = message.answer()
        if request.idempotency_key is not None:
            request_hash = domain.request_fingerprint(request.method, request.path, request.body)
            earlier = await uow.idempotency.save_first(
                request.client_id,
                request.idempotency_key,
                method=request.method,
                path=request.path,
                response=StoredResponse(request_hash, ACCEPTED, body),
            )
            if earlier is not None:
                await uow.rollback()
                match domain.judge_repeat(earlier, request_hash):
                    case Replay(response):
                        return Answer(response.status_code, response.body, replayed=True)
                    case KeyReused():
                        raise IdempotencyKeyReused(request.idempotency_key)
        await uow.commit()
    return Answer(ACCEPTED, body)


async def queue_write_backs(events: Sequence[InboundEvent], uow: GatewayUoW) -> None:
    """Queue a delivery of each event per active subscription to its type (in the caller's tx).

    One look-up of the subscriptions for all the events' types, and one insert of all the
    deliveries (if any); an event already queued for a subscription is not queued again.
    """
    subscribers = await uow.subscriptions.matching(sorted({event.type for event in events}))
    write_backs: list[WriteBack] = []
    for event in events:
        wanted_by = [
            s.id
            for s in subscribers
            if domain.subscribed(s.event_types, event.type)
            and at_wanted_location(s.locations, event.data)
        ]
        if wanted_by:
            payload = encode(event.cloud_event)
            write_backs += [WriteBack(to, event.id, event.type, payload) for to in wanted_by]
    if write_backs:
        await uow.deliveries.enqueue(write_backs)


async def subscribe(
    url: str,
    secret: str,
    event_types: Sequence[str],
    uow: GatewayUoW,
    actor: Principal | str,
    *,
    locations: Sequence[str] | None = None,
) -> WebhookSubscription:
    """A new active subscription of `url` to `event_types`, signed with `secret` (audited,
    the secret as ``***``)."""
    subscription = WebhookSubscription(
        domain.new_id("sub"), url, secret, tuple(event_types), True, "api",
        locations=None if locations is None else tuple(locations),
    )  # fmt: skip
    async with uow:
        created = await uow.subscriptions.add(subscription)
        record = subscription_record(created)
        uow.audit(actor, "create", "subscription", created.id, after=record)
        await uow.commit()
    return created


async def unsubscribe(subscription_id: str, uow: GatewayUoW, actor: Principal | str) -> bool:
    """Stop delivering to the subscription (its pending deliveries are cancelled; audited);
    False if there is no active one of that id."""
    async with uow:
        found = await uow.subscriptions.get(subscription_id)
        removed = await uow.subscriptions.deactivate(subscription_id)
        if removed and found is not None:
            before = subscription_record(found)
            uow.audit(actor, "delete", "subscription", subscription_id, before=before)
        await uow.commit()
    return removed


async def subscribed_types(uow: GatewayUoW) -> set[str]:
    """The event types some active subscription wants (the consumer reads only those); a
    voucher subscription wants the ledger's movements."""
    wanted = set(await uow.subscriptions.subscribed_types())
    if "inventory.stock.voucher.v1" in wanted:
        wanted.add("inventory.stock.moved.v1")
    return wanted
