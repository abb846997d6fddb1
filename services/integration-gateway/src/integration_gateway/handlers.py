"""Use cases of the gateway: accept an inbound request as an event, queue write-backs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from inventory_contracts.envelope import encode
from inventory_contracts.events.base import Event
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.uow import UnitOfWorkProtocol

from integration_gateway import domain
from integration_gateway.domain import KeyReused, Replay, StoredResponse, WriteBack


class IdempotencyStore(Protocol):
    async def save_first(
        self, client_id: str, key: str, *, method: str, path: str, response: StoredResponse
    ) -> StoredResponse | None: ...


class SubscriptionLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def event_types(self) -> Sequence[str]: ...


class SubscriptionStore(Protocol):
    async def matching(self, event_types: Sequence[str]) -> Sequence[SubscriptionLike]: ...


class DeliveryStore(Protocol):
    async def enqueue(self, write_backs: Sequence[WriteBack]) -> None: ...


class GatewayUoW(UnitOfWorkProtocol, Protocol):
    """What the gateway's handlers need from a unit of work."""

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def subscriptions(self) -> SubscriptionStore: ...

    @property
    def deliveries(self) -> DeliveryStore: ...


class IdempotencyKeyReused(Exception):
    """An idempotency key was sent again with a different request."""


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


ACCEPTED = 202


async def accept(request: InboundRequest, uow: GatewayUoW) -> Answer:
    """Publish the request's event through the outbox, once per idempotency key.

    The stored response and the outbox row are written in one transaction: a replay publishes
    nothing, and a crash can't leave one without the other.
    """
    async with uow:
        cloud_event = uow.publish(request.event, subject=request.subject)
        body = {
            "event_id": cloud_event.id,
            "type": cloud_event.type,
            "topic": type(request.event).topic,
        }
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
        wanted_by = [s.id for s in subscribers if domain.subscribed(s.event_types, event.type)]
        if wanted_by:
            payload = encode(event.cloud_event)
            write_backs += [WriteBack(to, event.id, event.type, payload) for to in wanted_by]
    if write_backs:
        await uow.deliveries.enqueue(write_backs)
