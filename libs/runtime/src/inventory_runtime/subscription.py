"""What a consumer group handles: the `Subscription`, handler signatures and adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, TypeVar

from inventory_contracts.events.base import Event

from inventory_runtime.context import message_context
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.uow import UnitOfWorkProtocol

U = TypeVar("U", bound=UnitOfWorkProtocol)
BatchHandler = Callable[[Sequence[InboundEvent], U], Awaitable[None]]
MessageHandler = Callable[[InboundEvent, U], Awaitable[None]]
WantedTypes = Callable[[U], Awaitable[Collection[str]]]


def event_context(event: InboundEvent) -> AbstractContextManager[None]:
    """Context manager setting the correlation/causation ids of work caused by `event`."""
    return message_context(correlation_id=event.correlation_id, causation_id=event.id)


def per_message(handle_one: MessageHandler[U]) -> BatchHandler[U]:
    """Adapt ``async def handle_one(event, uow)`` to the batch contract, one event at a time."""

    async def handle(messages: Sequence[InboundEvent], uow: U) -> None:
        for event in messages:
            with event_context(event):
                await handle_one(event, uow)

    return handle


@dataclass(frozen=True)
class Subscription(Generic[U]):
    """One consumer group: the event classes it handles and the handler that applies them.

    Topics default to those of `events`. `batch=False` gives every message its own transaction.

    `idempotent` names event classes (of `events`) whose handler is idempotent by the event's
    own keys: an order id the handler looks up, a movement id it records, a snapshot time it
    compares. They skip the inbox (one row insert less per message, on the busiest paths the
    largest write of the transaction); a redelivery reaches the handler, which must leave no
    second effect. Within one batch the same message is still applied once.
    """

    group_id: str
    events: Sequence[type[Event]]
    handler: BatchHandler[U]
    batch: bool = True
    topics: Sequence[str] = ()
    idempotent: Collection[type[Event]] = ()
    wanted_types: WantedTypes[U] | None = None
    """Asked once per poll, in a unit of work of its own: which of the event types the handler
    has a use for right now (the gateway's: those some webhook subscribes to). Records of the
    others are passed over unread, by their ``event-type`` header, exactly like types the group
    does not handle at all. If it fails, the poll is read in full."""

    def __post_init__(self) -> None:
        types = [model.event_type for model in self.events]
        if not types:
            raise ValueError(f"subscription {self.group_id!r} lists no event classes")
        if len(set(types)) != len(types):
            raise ValueError(f"subscription {self.group_id!r} lists an event type twice")
        stray = sorted(m.event_type for m in self.idempotent if m.event_type not in types)
        if stray:
            raise ValueError(f"subscription {self.group_id!r}: idempotent {stray} not in events")

    def untracked_types(self) -> frozenset[str]:
        """Event types applied without an inbox entry (see `idempotent`)."""
        return frozenset(model.event_type for model in self.idempotent)

    def topic_names(self) -> list[str]:
        """The topics to subscribe to."""
        return sorted(set(self.topics) | {model.topic for model in self.events})
