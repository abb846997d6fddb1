"""Writing what a round of rules changes, each kind in one statement, for rules on stock
points and on suppliers or approvals alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from alerting.domain import Alert, Rule
from alerting.domain.language import RuleDefinition
from alerting.domain.points import StockPoint
from alerting.domain.routing import targets
from alerting.domain.rules import AlertDraft
from alerting.metrics import KPI_ALERTS
from alerting.ports import KpiUoW

RECOVERED = "condition_recovered"


@dataclass(frozen=True)
class Change:
    """One rule's changes: open alerts that resolve, and the alerts to raise, each with the
    stock points it names (routes match them by scope; none for suppliers or approvals)."""

    rule_id: str
    definition: RuleDefinition
    resolve: Sequence[Alert]
    raise_: Sequence[tuple[AlertDraft, Sequence[StockPoint]]] = field(default_factory=list)


async def write_changes(changes: Sequence[Change], uow: KpiUoW, now: datetime) -> None:
    """The resolved alerts, the raised ones (an alert whose subject is already open stays out)
    and the notifications of those raised (to their routes' channels, else the rule's, else
    every enabled channel, read once); their `AlertRaised` and `AlertResolved` reach the
    outbox on commit."""
    resolved = []
    for change in changes:
        for alert in change.resolve:
            alert.resolve(RECOVERED, now)
            resolved.append(alert)
        if change.resolve:
            KPI_ALERTS.labels(change.rule_id, "resolved").inc(len(change.resolve))
    await uow.alerts.resolve_many(resolved)
    drafted: list[tuple[Change, Alert, Sequence[StockPoint]]] = []
    for change in changes:
        definition = change.definition
        rule = Rule(change.rule_id, "kpi", definition.severity, True, tuple(definition.channel_ids))
        for text, points in change.raise_:
            drafted.append((change, Alert.raise_for(uow.alerts.new_id(), rule, text, now), points))
    added = await uow.alerts.add_many([alert for _, alert, _ in drafted])
    every_channel: list[str] | None = None
    queued: list[tuple[str, str, datetime | None]] = []
    for change, alert, points in drafted:
        if alert.id not in added:
            continue
        KPI_ALERTS.labels(change.rule_id, "raised").inc()
        chosen = targets(change.definition, points, now)
        if chosen is None:
            if every_channel is None:
                every_channel = await uow.channels.enabled_ids()
            chosen = [(channel, None) for channel in every_channel]
        queued.extend((alert.id, channel, not_before) for channel, not_before in chosen)
    await uow.rule_book.enqueue_many(queued)
