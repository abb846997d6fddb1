"""Alerting context: alerts raised by rules and their resolution."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, JsonValue

from inventory_contracts.events.base import Event, Identifier
from inventory_contracts.topics import Topics

Severity = Literal["info", "warning", "critical"]


class AlertRaised(Event):
    """An alert rule fired for a subject (e.g. low stock of a SKU at a location).

    Published by alerting, which also sends the notifications.
    """

    event_type = "inventory.alert.raised.v1"
    topic = Topics.ALERTS

    alert_id: Identifier
    rule_id: Identifier
    rule_kind: str = Field(min_length=1, description='e.g. "low_stock", "dead_stock".')
    severity: Severity
    subject: str = Field(min_length=1, description='What it is about, e.g. "sku@location".')
    title: str = Field(min_length=1)
    message: str
    raised_at: AwareDatetime
    details: dict[str, JsonValue] = Field(default_factory=dict)

    def key(self) -> str:
        """The `alert_id`."""
        return self.alert_id


class AlertResolved(Event):
    """A raised alert no longer holds (or was resolved by a person).

    Published by alerting.
    """

    event_type = "inventory.alert.resolved.v1"
    topic = Topics.ALERTS

    alert_id: Identifier
    rule_id: Identifier
    subject: str = Field(min_length=1)
    resolved_at: AwareDatetime

    def key(self) -> str:
        """The `alert_id`."""
        return self.alert_id
