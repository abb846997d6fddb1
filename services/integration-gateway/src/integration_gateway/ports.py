"""What the gateway's handlers need from a unit of work; the SQL one and the fakes provide it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from inventory_runtime.uow import UnitOfWorkProtocol

from integration_gateway.domain import (
    AcceptedMessage,
    StoredResponse,
    WebhookSubscription,
    WriteBack,
)


class AcceptedMessageStore(Protocol):
    def add(self, message: AcceptedMessage) -> None:
        """Queue the message's recorded event for the outbox (this transaction) and tell the
        message the event's id."""


class IdempotencyStore(Protocol):
    async def save_first(
        self, client_id: str, key: str, *, method: str, path: str, response: StoredResponse
    ) -> StoredResponse | None:
        """Store `response` unless `key` was used before; then return what was stored."""


class Subscriber(Protocol):
    """A webhook subscription as the write-back needs it."""

    @property
    def id(self) -> str: ...
    @property
    def event_types(self) -> Sequence[str]: ...


class SubscriptionStore(Protocol):
    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        """Store a new subscription; return it as stored (with its creation time)."""

    async def deactivate(self, subscription_id: str) -> bool:
        """Deactivate it and cancel its pending deliveries; False if there is no such one."""

    async def matching(self, event_types: Sequence[str]) -> Sequence[Subscriber]:
        """Active subscriptions that want events of any of `event_types`, oldest first."""

    async def subscribed_types(self) -> Collection[str]:
        """The event types some active subscription wants."""


class DeliveryStore(Protocol):
    async def enqueue(self, write_backs: Sequence[WriteBack]) -> None:
        """Queue the deliveries, skipping those already queued (redeliveries)."""


class GatewayUoW(UnitOfWorkProtocol, Protocol):
    """What the gateway's handlers need from a unit of work."""

    @property
    def accepted(self) -> AcceptedMessageStore: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def subscriptions(self) -> SubscriptionStore: ...

    @property
    def deliveries(self) -> DeliveryStore: ...
