"""A consumer group as a map from event type to handler.

::

    registry = HandlerRegistry[ReservationUoW]()
    registry.on_batch(OrderPlaced, handlers.place_orders)     # a run of orders at once
    registry.on(OrderCancelled, handlers.cancel_order)        # one message at a time
    subscription = registry.subscription("reservation", idempotent=(OrderPlaced,))

A batch from one partition is cut into runs of consecutive messages of one type, in the
partition's order, and each run goes to its type's handler. A per-message handler runs inside
the message's context (its correlation id, itself as the cause) and the events it leaves on
tracked aggregates are collected right after it, so they carry those ids. A batch handler runs
inside a `batch_context`: an event takes the ids of the message that shares its key. Either way
no service passes correlation or causation ids around.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from itertools import groupby
from typing import Any, Generic, Self

from inventory_contracts.events.base import Event
from typing_extensions import TypeVar

from inventory_runtime.context import Origin, batch_context
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription, WantedTypes, event_context
from inventory_runtime.uow import UnitOfWorkProtocol

U = TypeVar("U", bound=UnitOfWorkProtocol)
E = TypeVar("E", bound=Event)

_Run = Callable[[Sequence[InboundEvent[Any]], U], Awaitable[None]]


def origins_of(messages: Sequence[InboundEvent]) -> dict[str, Origin]:
    """Each message's (correlation id, own id) under each of its keys; the first one wins."""
    origins: dict[str, Origin] = {}
    for message in messages:
        for key in message.subject_keys():
            origins.setdefault(key, (message.correlation_id, message.id))
    return origins


class HandlerRegistry(Generic[U]):
    """Which handler applies each consumed event type; `subscription` makes the consumer group."""

    def __init__(self) -> None:
        self._routes: dict[type[Event], _Run[U]] = {}

    def on(
        self, event_class: type[E], handler: Callable[[InboundEvent[E], U], Awaitable[None]]
    ) -> Self:
        """Apply messages of `event_class` one at a time, each in its own context."""

        async def each(run: Sequence[InboundEvent[Any]], uow: U) -> None:
            for message in run:
                with event_context(message):
                    await handler(message, uow)
                    uow.collect_events()

        return self._add(event_class, each)

    def on_batch(
        self,
        event_class: type[E],
        handler: Callable[[Sequence[InboundEvent[E]], U], Awaitable[None]],
    ) -> Self:
        """Apply each run of consecutive `event_class` messages in one call (set-based)."""

        async def whole(run: Sequence[InboundEvent[Any]], uow: U) -> None:
            with batch_context(lambda: origins_of(run)):
                await handler(run, uow)
                uow.collect_events()

        return self._add(event_class, whole)

    def _add(self, event_class: type[Event], run: _Run[U]) -> Self:
        if event_class in self._routes:
            raise ValueError(f"{event_class.__name__} already has a handler")
        self._routes[event_class] = run
        return self

    @property
    def event_classes(self) -> list[type[Event]]:
        """The event classes with a handler, in registration order."""
        return list(self._routes)

    async def dispatch(self, messages: Sequence[InboundEvent], uow: U) -> None:
        """Apply a partition's batch run by run, in its order."""
        for kind, run in groupby(messages, key=lambda message: type(message.data)):
            route = self._routes.get(kind)
            if route is None:
                raise LookupError(f"no handler for {kind.__name__}")
            await route(list(run), uow)

    def subscription(
        self,
        group_id: str,
        *,
        batch: bool = True,
        topics: Sequence[str] = (),
        idempotent: Collection[type[Event]] = (),
        wanted_types: WantedTypes[U] | None = None,
    ) -> Subscription[U]:
        """The consumer group `group_id` over the registered types (see `Subscription`)."""
        return Subscription(
            group_id=group_id,
            events=self.event_classes,
            handler=self.dispatch,
            batch=batch,
            topics=topics,
            idempotent=idempotent,
            wanted_types=wanted_types,
        )
