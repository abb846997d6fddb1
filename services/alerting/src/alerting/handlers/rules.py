"""Use cases of KPI rules: evaluate a rule over its stock points (on the movements that touch
them, or on its schedule), escalate unacknowledged alerts, and back-test a rule on history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alerting.domain import Alert, Rule
from alerting.domain.backtest import BacktestResult, backtest, history_start
from alerting.domain.evaluation import (
    Decision,
    Facts,
    Needs,
    alert_draft,
    decide,
    facts_of,
    in_scope,
    lookback_days,
    needs_of,
    subject_of,
)
from alerting.domain.language import RuleDefinition
from alerting.domain.points import Point, PointFilter
from alerting.domain.routing import targets
from alerting.metrics import KPI_ALERTS, RULE_EVALUATION_SECONDS
from alerting.ports import KpiUoW

RECOVERED = "condition_recovered"


async def facts_for(
    definition: RuleDefinition, uow: KpiUoW, today: datetime, keys: Sequence[Point] = ()
) -> list[Facts]:
    """The facts of the rule's stock points (among `keys` when given) as of `today`."""
    scope = definition.scope
    where = PointFilter(scope.skus, scope.locations, scope.categories, scope.abc_classes)
    points = await uow.kpis.points(where, keys)
    needs = needs_of(definition)
    day = today.date()
    rows = await uow.kpis.days([p.point for p in points], day - timedelta(days=needs.history_days))
    return [facts_of(point, rows[point.point], day, needs) for point in points]


async def evaluate(
    rule_id: str, definition: RuleDefinition, uow: KpiUoW, now: datetime, keys: Sequence[Point] = ()
) -> Decision:
    """Raise and resolve the rule's alerts for its stock points (among `keys` when given)."""
    facts = await facts_for(definition, uow, now, keys)
    subjects = sorted({subject_of(definition, item.point) for item in facts})
    found = await uow.alerts.open_among([rule_id], subjects)
    return await _apply(rule_id, definition, facts, {a.subject: a for a in found}, uow, now)


async def _apply(
    rule_id: str,
    definition: RuleDefinition,
    facts: Sequence[Facts],
    open_alerts: dict[str, Alert],
    uow: KpiUoW,
    now: datetime,
) -> Decision:
    """Decide on the facts, then resolve and raise (a subject in its cooldown or snoozed
    raises nothing: asked only when something would be raised)."""
    named = {subject: _items_of(alert) for subject, alert in open_alerts.items()}
    decision = decide(definition, facts, named)
    if decision.raise_:
        cooldown = definition.cooldown_minutes
        quiet = await uow.rule_book.quiet_subjects(rule_id, list(decision.raise_), now, cooldown)
        for subject in quiet:
            decision.raise_.pop(subject, None)
    for subject in decision.resolve:
        open_alerts[subject].resolve(RECOVERED, now)
        await uow.alerts.save(open_alerts[subject])
        KPI_ALERTS.labels(rule_id, "resolved").inc()
    rule = Rule(rule_id, "kpi", definition.severity, True, tuple(definition.channel_ids))
    for subject, firing in decision.raise_.items():
        alert = Alert.raise_for(
            uow.alerts.new_id(), rule, alert_draft(rule_id, definition, subject, firing), now
        )
        if await uow.alerts.add(alert):
            KPI_ALERTS.labels(rule_id, "raised").inc()
            chosen = targets(definition, [item.point for item in firing], now)
            if chosen is None:
                chosen = [(channel, None) for channel in await uow.channels.enabled_ids()]
            await uow.rule_book.enqueue(alert.id, chosen)
    return decision


def _items_of(alert: Alert) -> set[str]:
    """The ``sku@location`` keys an alert of a KPI rule named when it was raised."""
    items = alert.details.get("items") or []
    return {f"{i.get('sku')}@{i.get('location')}" for i in items if isinstance(i, dict)}


async def evaluate_touched(keys: Sequence[Point], uow: KpiUoW, now: datetime) -> None:
    """After movements: the enabled rules with one alert per stock point, for the touched
    stock points. Rules that group stock points wait for their schedule, which sees the whole
    group (one message for all of it).

    The stock points, their history and the open alerts are read once for all rules; a stock
    point's facts are computed once per set of periods read."""
    rules = [(i, d) for i, d in await uow.rule_book.enabled() if not d.grouped]
    if rules and keys:
        with RULE_EVALUATION_SECONDS.labels("event").time():
            await _evaluate_points(rules, keys, uow, now)


async def _evaluate_points(
    rules: Sequence[tuple[str, RuleDefinition]], keys: Sequence[Point], uow: KpiUoW, now: datetime
) -> None:
    points = await uow.kpis.points(PointFilter(), keys)
    longest = max(lookback_days(definition) for _, definition in rules)
    today = now.date()
    rows = await uow.kpis.days([p.point for p in points], today - timedelta(days=longest))
    subjects = sorted({subject_of(d, p) for _, d in rules for p in points})
    found = await uow.alerts.open_among([rule_id for rule_id, _ in rules], subjects)
    computed: dict[tuple[Point, Needs], Facts] = {}
    for rule_id, definition in rules:
        needs = needs_of(definition)
        facts = []
        for point in (p for p in points if in_scope(definition.scope, p)):
            if (point.point, needs) not in computed:
                computed[point.point, needs] = facts_of(point, rows[point.point], today, needs)
            facts.append(computed[point.point, needs])
        open_alerts = {a.subject: a for a in found if a.rule_id == rule_id}
        await _apply(rule_id, definition, facts, open_alerts, uow, now)


async def evaluate_next_due(uow: KpiUoW, now: datetime) -> str | None:
    """The scheduled evaluation of the rule due first (claimed, so instances share the work);
    its next one is `evaluate_every_minutes` later. Returns the rule's id, None if none due."""
    claimed = await uow.rule_book.claim_due(now)
    if claimed is None:
        return None
    rule_id, definition = claimed
    with RULE_EVALUATION_SECONDS.labels("schedule").time():
        await evaluate(rule_id, definition, uow, now)
    await uow.rule_book.schedule(
        rule_id, now + timedelta(minutes=definition.evaluate_every_minutes)
    )
    return rule_id


async def escalate(uow: KpiUoW, now: datetime) -> int:
    """Tell the escalation channels of the alerts nobody acknowledged (or snoozed) in time."""
    escalated = 0
    for rule_id, definition in await uow.rule_book.enabled():
        if definition.escalation is None:
            continue
        after = definition.escalation.after_minutes
        for alert_id in await uow.rule_book.escalate_due(rule_id, after, now):
            channels = definition.escalation.channel_ids
            await uow.rule_book.enqueue(alert_id, [(channel, None) for channel in channels])
            escalated += 1
    return escalated


async def backtest_rule(
    definition: RuleDefinition, weeks: int, uow: KpiUoW, now: datetime
) -> BacktestResult:
    """Run the rule over the last `weeks` weeks of the KPI store (nothing is stored or sent)."""
    scope = definition.scope
    where = PointFilter(scope.skus, scope.locations, scope.categories, scope.abc_classes)
    today = now.date()
    async with uow:
        points = await uow.kpis.points(where)
        since = history_start(today, weeks, definition)
        rows = await uow.kpis.days([p.point for p in points], since)
        every_channel = len(await uow.channels.enabled_ids())
    return backtest(definition, points, rows, today, weeks, every_channel)
