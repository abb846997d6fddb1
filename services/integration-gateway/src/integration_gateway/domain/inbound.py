"""An inbound request accepted as an event: the one thing the gateway's API produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory_contracts.events.base import Event


@dataclass
class AcceptedMessage:
    """A CRM/ERP request accepted as one event (order, master data, shipment, receipt).

    It records its event in `events` like any aggregate; the unit of work takes it from there
    into the outbox under `subject` and tells the message the id the event got
    (`queued_as`), which the answer to the caller names.
    """

    event: Event
    subject: str | None
    events: list[Event] = field(default_factory=list)
    event_id: str | None = None

    @classmethod
    def accept(cls, event: Event, subject: str | None) -> AcceptedMessage:
        """The message, with its event recorded for the outbox."""
        return cls(event, subject, [event])

    def queued_as(self, event_id: str) -> None:
        """The unit of work queued the event under `event_id`."""
        self.event_id = event_id

    def answer(self) -> dict[str, str]:
        """What the caller is told (202): the event's id, type and topic."""
        if self.event_id is None:
            raise RuntimeError("the event is not queued yet")
        return {"event_id": self.event_id, "type": self.event.event_type, "topic": self.event.topic}
