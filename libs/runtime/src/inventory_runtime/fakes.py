"""In-memory stand-ins for unit tests of handlers (no database, no Kafka)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from inventory_contracts.envelope import CloudEvent
from inventory_contracts.events.base import Event

from inventory_runtime.audit import AuditQueue
from inventory_runtime.uow import EventCollector, RecordsEvents, build_cloud_event


@dataclass(frozen=True)
class PublishedEvent:
    """An event a handler published through `FakeUnitOfWork`, as the outbox would hold it."""

    event: Event
    cloud_event: CloudEvent
    topic: str
    key: str


class FakeUnitOfWork:
    """Implements `UnitOfWorkProtocol` in memory with the same commit/rollback semantics.

    `published` holds committed events only and `processed` committed inbox entries, so a test
    can assert what a real transaction would have made durable. Subclass it to add fake
    repositories.
    """

    def __init__(self, *, source: str = "/services/test") -> None:
        self.source = source
        self.published: list[PublishedEvent] = []
        self.processed: set[tuple[str, str]] = set()
        self.commits = 0
        self._pending_events: list[PublishedEvent] = []
        self._pending_processed: set[tuple[str, str]] = set()
        self._aggregates = EventCollector()
        self._audit = AuditQueue()
        self.audit = self._audit.add
        self.audited: list[dict[str, Any]] = []
        """Committed audit entries (as `UnitOfWork.audit` would have written them)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    def publish(
        self,
        event: Event,
        *,
        subject: str | None = None,
        key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CloudEvent:
        """Queue `event` as `UnitOfWork.publish` does; it counts as published after `commit`."""
        key = key or event.key()
        cloud_event = build_cloud_event(
            event,
            source=self.source,
            subject=subject,
            key=key,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        self._pending_events.append(PublishedEvent(event, cloud_event, type(event).topic, key))
        return cloud_event

    def track(self, *aggregates: RecordsEvents) -> None:
        """Collect the events `aggregates` record, as `UnitOfWork.track` does."""
        self._aggregates.track(*aggregates)

    def collect_events(self) -> None:
        """Queue what the tracked aggregates recorded, as `UnitOfWork.collect_events` does."""
        for event in self._aggregates.take():
            self.publish(event)

    async def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Record `(consumer, event_id)`; False if already committed or pending."""
        entry = (consumer, event_id)
        if entry in self.processed or entry in self._pending_processed:
            return False
        self._pending_processed.add(entry)
        return True

    async def mark_processed_many(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        """`mark_processed` for each id; the ids not recorded before."""
        return {e for e in event_ids if await self.mark_processed(consumer, e)}

    async def commit(self) -> None:
        """Collect the aggregates' events; make the pending events and inbox entries durable.

        The aggregates stay tracked until the block ends, as in `UnitOfWork`: what they record
        after this commit goes out with the next one.
        """
        self.collect_events()
        self.published.extend(self._pending_events)
        self.processed |= self._pending_processed
        self.audited.extend(self._audit.entries)
        self._audit.entries = []
        self.commits += 1
        self._pending_events = []
        self._pending_processed = set()

    async def rollback(self) -> None:
        """Forget everything not committed."""
        self._pending_events = []
        self._pending_processed = set()
        self._audit.entries = []
        self._aggregates.clear()

    def events_of(self, event_class: type[Event]) -> list[Event]:
        """The committed events of one class, in publication order."""
        return [p.event for p in self.published if isinstance(p.event, event_class)]
