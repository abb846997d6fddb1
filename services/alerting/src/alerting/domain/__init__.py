"""Alerting's business rules, free of I/O.

`rules`: what each rule kind makes of the event it watches (an `AlertDraft`) and what resolves
its alerts; `alerts`: the `Alert` aggregate (raised, acknowledged, resolved; it records
`AlertRaised` and `AlertResolved`); `notifications`: the texts a channel sends.
"""

from alerting.domain.alerts import Alert, AlertNotFound, AlertStateError, AlertStatus
from alerting.domain.notifications import SEVERITY_ZH, Notification
from alerting.domain.rules import (
    LOW_STOCK,
    RECOVERY,
    REJECTION_REASONS,
    RESERVATION_REJECTED,
    AlertDraft,
    Rule,
    Severity,
    firing,
    low_stock_alert,
    quantity,
    reservation_rejected_alert,
    resolves_low_stock,
    resolves_shortage,
    watching_availability,
)

__all__ = [
    "LOW_STOCK",
    "RECOVERY",
    "REJECTION_REASONS",
    "RESERVATION_REJECTED",
    "SEVERITY_ZH",
    "Alert",
    "AlertDraft",
    "AlertNotFound",
    "AlertStateError",
    "AlertStatus",
    "Notification",
    "Rule",
    "Severity",
    "firing",
    "low_stock_alert",
    "quantity",
    "reservation_rejected_alert",
    "resolves_low_stock",
    "resolves_shortage",
    "watching_availability",
]
