"""The unit of work: one database transaction, with the outbox and the inbox in it.

::

    async with uow:
        reservation = await repository.get(...)       # uses uow.session
        uow.publish(StockReserved(...))                # goes to the outbox, same transaction
        await uow.commit()                             # state + outbox rows, atomically

Leaving the block without `commit` rolls everything back, published events included.

Events leave one way: aggregates record them on themselves (an ``events`` list), repositories
`track` the aggregates they load or add, and the unit of work collects what they recorded into
the outbox (`collect_events`, which `commit` calls; the handler registry also calls it after each
message so each event keeps the ids of the message it answers). `publish` stays for events that
belong to no aggregate. A service subclasses `UnitOfWork` to put its repositories on it (built in
`__aenter__`) and types its handlers against a `Protocol` of its own that extends
`UnitOfWorkProtocol`, so they run against fakes as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from inventory_contracts.envelope import STRUCTURED_CONTENT_TYPE, CloudEvent, encode, new_event
from inventory_contracts.events.base import Event
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from inventory_runtime.audit import AuditQueue
from inventory_runtime.auth.principal import Principal
from inventory_runtime.context import origin_of
from inventory_runtime.db import inbox_table, outbox_table

# One round trip for a whole batch's inbox entries (a redelivered id returns nothing).
_CLAIM_MANY = text(
    f"INSERT INTO {inbox_table.name} (consumer, event_id) "
    "SELECT :consumer, id FROM unnest(CAST(:ids AS text[])) AS id "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)

_WRITE_OUTBOX = text(
    f"INSERT INTO {outbox_table.name} (event_id, event_type, topic, key, payload, headers) "
    "SELECT e.event_id, e.event_type, e.topic, e.key, e.payload, CAST(:headers AS jsonb) "
    "FROM unnest(CAST(:event_ids AS text[]), CAST(:event_types AS text[]), "
    "CAST(:topics AS text[]), CAST(:keys AS text[]), CAST(:payloads AS bytea[])) "
    "WITH ORDINALITY AS e(event_id, event_type, topic, key, payload, n) ORDER BY e.n"
)
"""A transaction's events in one statement (ids in publish order, which the relay keeps)."""

CONTENT_TYPE = f"{STRUCTURED_CONTENT_TYPE}; charset=utf-8"
"""Kafka `content-type` header of a CloudEvents structured-mode message."""
_OUTBOX_HEADERS = json.dumps({"content-type": CONTENT_TYPE})


class RecordsEvents(Protocol):
    """An aggregate: it records the events its changes cause, for the unit of work to collect."""

    events: list[Event]


class UnitOfWorkProtocol(Protocol):
    """What handlers and the consumer loop need from a unit of work (fakes implement this)."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def publish(
        self,
        event: Event,
        *,
        subject: str | None = None,
        key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CloudEvent: ...

    def track(self, *aggregates: RecordsEvents) -> None: ...

    def audit(
        self,
        actor: Principal | str,
        action: str,
        entity_type: str,
        entity_id: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None: ...

    def collect_events(self) -> None: ...

    async def mark_processed(self, consumer: str, event_id: str) -> bool: ...

    async def mark_processed_many(self, consumer: str, event_ids: Sequence[str]) -> set[str]: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


def build_cloud_event(
    event: Event,
    *,
    source: str,
    subject: str | None,
    key: str | None,
    correlation_id: str | None,
    causation_id: str | None,
) -> CloudEvent:
    """Wrap `event` in a CloudEvent, defaulting the ids to those of the work being done
    (`context.origin_of`: the message or request in hand, or the batch message with `key`)."""
    if correlation_id is None or causation_id is None:
        origin_correlation, origin_causation = origin_of(key)
        correlation_id = correlation_id or origin_correlation
        causation_id = causation_id or origin_causation
    return new_event(
        event,
        source=source,
        subject=subject,
        correlation_id=correlation_id,
        causation_id=causation_id,
    )


class EventCollector:
    """The aggregates a transaction touched, and the events they recorded (oldest first)."""

    def __init__(self) -> None:
        self._seen: dict[int, RecordsEvents] = {}

    def track(self, *aggregates: RecordsEvents) -> None:
        """Remember `aggregates` (once each) so their recorded events reach the outbox."""
        for aggregate in aggregates:
            self._seen.setdefault(id(aggregate), aggregate)

    def take(self) -> list[Event]:
        """The events recorded since the last take, emptied from their aggregates."""
        taken: list[Event] = []
        for aggregate in self._seen.values():
            if aggregate.events:
                taken.extend(aggregate.events)
                aggregate.events.clear()
        return taken

    def clear(self) -> None:
        """Forget the tracked aggregates (on rollback and after commit)."""
        self._seen = {}


class UnitOfWork:
    """A SQLAlchemy session and transaction that also writes the outbox and the inbox."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        source: str,
        on_published: Callable[[], None] | None = None,
    ) -> None:
        """`on_published` is called after a commit that wrote outbox rows (the service's app
        wakes its relay with it, so events leave without waiting for the relay's next poll)."""
        self._session_factory = session_factory
        self._source = source
        self._on_published = on_published
        self._session: AsyncSession | None = None
        self._pending: list[tuple[CloudEvent, str, str | None]] = []
        self._aggregates = EventCollector()
        self._audit = AuditQueue()
        self.audit = self._audit.add
        """Record a change or decision in the audit log, in this transaction (`audit`)."""

    @property
    def session(self) -> AsyncSession:
        """The open session; only valid inside ``async with uow``."""
        if self._session is None:
            raise RuntimeError("UnitOfWork.session used outside 'async with uow'")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant; create one per transaction")
        self._session = self._session_factory()
        self._pending = []
        self._aggregates.clear()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        finally:
            await self.session.close()
            self._session = None

    def publish(
        self,
        event: Event,
        *,
        subject: str | None = None,
        key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CloudEvent:
        """Queue `event` for the outbox; it is written by `commit`, in the same transaction.

        The topic comes from the event class and the Kafka key from ``event.key()`` unless
        `key` is given. Correlation and causation ids default to those of the message or
        request being handled. Returns the CloudEvent that will be published.
        """
        key = key or event.key()
        cloud_event = build_cloud_event(
            event,
            source=self._source,
            subject=subject,
            key=key,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        self._pending.append((cloud_event, type(event).topic, key))
        return cloud_event

    def track(self, *aggregates: RecordsEvents) -> None:
        """Collect the events `aggregates` record (repositories call it for what they load)."""
        self._aggregates.track(*aggregates)

    def collect_events(self) -> None:
        """Queue for the outbox what the tracked aggregates recorded since the last collection."""
        for event in self._aggregates.take():
            self.publish(event)

    async def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Record that `consumer` applied `event_id`; False if it had already done so."""
        statement = (
            insert(inbox_table)
            .values(consumer=consumer, event_id=event_id)
            .on_conflict_do_nothing()
            .returning(inbox_table.c.event_id)
        )
        inserted = await self.session.scalar(statement)
        return inserted is not None

    async def mark_processed_many(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """Record a batch's ids in one statement; return those `consumer` had not applied yet."""
        if not event_ids:
            return set()
        rows = await self.session.execute(
            _CLAIM_MANY, {"consumer": consumer, "ids": list(event_ids)}
        )
        return set(rows.scalars())

    async def commit(self) -> None:
        """Collect the aggregates' events, write the queued outbox rows and commit."""
        self.collect_events()
        published = bool(self._pending)
        await self._flush_outbox()
        await self._audit.flush(self.session)
        await self.session.commit()
        if published and self._on_published is not None:
            self._on_published()

    async def rollback(self) -> None:
        """Drop the queued events and roll the transaction back."""
        self._pending = []
        self._aggregates.clear()
        self._audit.entries = []
        if self._session is not None:
            await self._session.rollback()

    async def _flush_outbox(self) -> None:
        if not self._pending:
            return
        pending = self._pending
        await self.session.execute(
            _WRITE_OUTBOX,
            {
                "event_ids": [cloud_event.id for cloud_event, _, _ in pending],
                "event_types": [cloud_event.type for cloud_event, _, _ in pending],
                "topics": [topic for _, topic, _ in pending],
                "keys": [key for _, _, key in pending],
                "payloads": [encode(cloud_event) for cloud_event, _, _ in pending],
                "headers": _OUTBOX_HEADERS,
            },
        )
        self._pending = []
