"""Accepted messages: the gateway keeps no table of them, their store is the outbox."""

from __future__ import annotations

from typing import Protocol

from inventory_contracts.envelope import CloudEvent
from inventory_contracts.events.base import Event

from integration_gateway.domain import AcceptedMessage


class Publish(Protocol):
    def __call__(self, event: Event, *, subject: str | None = None) -> CloudEvent: ...


class AcceptedMessages:
    """Takes what an `AcceptedMessage` recorded into its unit of work's outbox.

    As the message is added rather than at commit: the answer to the caller, stored with the
    idempotency key in the same transaction, names the event's id. And under the message's
    subject (a receipt is keyed by its purchase order but its subject is the receipt), which
    the runtime's collection of aggregates' events does not carry.
    """

    def __init__(self, publish: Publish) -> None:
        self._publish = publish

    def add(self, message: AcceptedMessage) -> None:
        """Queue the message's recorded event(s) and tell it the id each got."""
        for event in message.events:
            message.queued_as(self._publish(event, subject=message.subject).id)
        message.events.clear()
