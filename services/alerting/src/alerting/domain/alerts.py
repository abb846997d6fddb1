"""The alert: raised by a rule for a subject, acknowledged by a person, resolved once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event

from alerting.domain.rules import RECOVERY, AlertDraft, Rule, Severity

AlertStatus = Literal["raised", "acknowledged", "resolved"]


class AlertStateError(Exception):
    """An alert cannot make the asked transition (e.g. acknowledging a resolved one)."""


class AlertNotFound(Exception):
    """No alert has the given id."""


@dataclass(eq=False)
class Alert:
    """An alert and its state; it records `AlertRaised` and `AlertResolved` in `events`."""

    id: str
    rule_id: str
    subject: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    raised_at: datetime
    status: AlertStatus = "raised"
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    snoozed_until: datetime | None = None
    escalated_at: datetime | None = None
    snoozed_by: str | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    @classmethod
    def raise_for(cls, alert_id: str, rule: Rule, draft: AlertDraft, at: datetime) -> Alert:
        """A new alert of `rule` about `draft`'s subject (recording `AlertRaised`)."""
        alert = cls(
            id=alert_id,
            rule_id=draft.rule_id,
            subject=draft.subject,
            severity=draft.severity,
            title_zh=draft.title_zh,
            title_en=draft.title_en,
            message_zh=draft.message_zh,
            message_en=draft.message_en,
            details=draft.details,
            raised_at=at,
        )
        alert.events.append(
            AlertRaised(
                alert_id=alert_id,
                rule_id=rule.id,
                rule_kind=rule.kind,
                severity=draft.severity,
                subject=draft.subject,
                title=draft.title,
                message=draft.message,
                raised_at=at,
                details=draft.details,
            )
        )
        return alert

    @property
    def is_open(self) -> bool:
        """Raised or acknowledged: the condition still holds as far as anyone knows."""
        return self.status != "resolved"

    def acknowledge(self, by: str, at: datetime) -> None:
        """Person `by` has seen it; acknowledging twice is harmless (the first who saw it
        stays recorded), a resolved alert stays so."""
        if not self.is_open:
            raise AlertStateError("the alert is already resolved")
        if self.status != "acknowledged":
            self.status, self.acknowledged_at, self.acknowledged_by = "acknowledged", at, by

    def snooze(self, until: datetime, by: str) -> None:
        """Hold back the alert's escalation, and a new alert of its condition, until `until`."""
        if not self.is_open:
            raise AlertStateError("the alert is already resolved")
        self.snoozed_until, self.snoozed_by = until, by

    def resolve(self, resolution: str, at: datetime, by: str | None = None) -> None:
        """Close the alert (by person `by`, or, without one, because the condition went away);
        only once."""
        if not self.is_open:
            raise AlertStateError("the alert is already resolved")
        self.status, self.resolved_at, self.resolution = "resolved", at, resolution
        self.resolved_by = by
        self.events.append(
            AlertResolved(
                alert_id=self.id, rule_id=self.rule_id, subject=self.subject, resolved_at=at
            )
        )

    def resolve_if_recovered(
        self, rule: Rule, availability: AvailabilityChanged, at: datetime
    ) -> bool:
        """Resolve the alert of `rule` (one watching availability) when `availability` shows
        its condition gone; True if it did."""
        if not self.is_open or not RECOVERY[rule.kind](
            self.details, availability.available_to_promise, availability.as_of
        ):
            return False
        self.resolve("availability_recovered", at)
        return True
