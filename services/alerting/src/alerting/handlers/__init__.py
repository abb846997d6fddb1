"""Use cases of alerting: `alerts` raises and resolves alerts from events and people's
decisions; `kpis` feeds the KPI store."""

from alerting.handlers.alerts import (
    acknowledge,
    raise_low_stock,
    raise_rejected_reservation,
    resolve,
    resolve_recovered,
    snooze,
)

__all__ = [
    "acknowledge",
    "raise_low_stock",
    "raise_rejected_reservation",
    "resolve",
    "resolve_recovered",
    "snooze",
]
