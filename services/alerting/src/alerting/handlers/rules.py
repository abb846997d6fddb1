"""Use cases of KPI rules: evaluate rules over their stock points (on the movements that touch
them, or on their schedule), escalate unacknowledged alerts, and back-test a rule on history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alerting.domain.alert_text import draft
from alerting.domain.backtest import BacktestResult, backtest, history_start
from alerting.domain.evaluation import subject_of
from alerting.domain.kpis import Measured, Period, period_start
from alerting.domain.language import RuleDefinition
from alerting.domain.points import Point, PointFilter
from alerting.handlers.business_rules import backtest_business_rule, evaluate_business
from alerting.handlers.round_writes import Change, write_changes
from alerting.handlers.rule_rounds import Outcome, evaluate_rules
from alerting.metrics import RULE_EVALUATION_SECONDS
from alerting.ports import KpiUoW


async def apply(outcomes: Sequence[Outcome], uow: KpiUoW, now: datetime) -> None:
    """Write what a round's rules change (`round_writes.write_changes`), with each raised
    alert's text built from the figures of its stock points."""
    changes = [
        Change(o.rule_id, o.definition, o.resolve, [
            (draft(o.rule_id, o.definition, subject, firing.items), firing.points)
            for subject, firing in o.raise_.items()
        ])
        for o in outcomes
    ]  # fmt: skip
    await write_changes(changes, uow, now)


async def evaluate_touched(keys: Sequence[Point], uow: KpiUoW, now: datetime) -> None:
    """After movements: the enabled rules with one alert per stock point, for the touched
    stock points, each once per run. Rules that group stock points wait for their schedule,
    which sees the whole group (one message for all of it).

    The stock points, their roll-ups and the open alerts are read once for all rules."""
    enabled = await uow.rule_book.enabled()
    rules = [(i, d) for i, d in enabled if not d.grouped and d.business is None]
    if not rules or not keys:
        return
    with RULE_EVALUATION_SECONDS.labels("event").time():
        points = await uow.kpis.points(PointFilter(), keys)
        keyed = {d.dedupe_key: d for _, d in rules}.values()  # rules share their keys
        subjects = sorted({subject_of(d, p) for d in keyed for p in points})
        found = await uow.alerts.open_among([rule_id for rule_id, _ in rules], subjects)
        await evaluate_rules(rules, points, uow, now, found, apply)


async def evaluate_due(uow: KpiUoW, now: datetime) -> list[str]:
    """The scheduled evaluation of every rule that is due, claimed together (SKIP LOCKED, so
    instances share the work and never evaluate one rule twice at once) and evaluated on one
    read of the roll-ups; each one's next evaluation is `evaluate_every_minutes` later.
    Returns the rules' ids (none: nothing was due)."""
    claimed = await uow.rule_book.claim_all_due(now)
    if not claimed:
        return []
    with RULE_EVALUATION_SECONDS.labels("schedule").time():
        on_points = [(i, d) for i, d in claimed if d.business is None]
        points = await uow.kpis.points(PointFilter()) if on_points else []
        found = await uow.alerts.open_among([rule_id for rule_id, _ in on_points], None)
        await evaluate_rules(on_points, points, uow, now, found, apply, every=True)
        await evaluate_business([(i, d) for i, d in claimed if d.business], uow, now)
    await uow.rule_book.schedule(
        [(rule_id, now + timedelta(minutes=d.evaluate_every_minutes)) for rule_id, d in claimed]
    )
    return [rule_id for rule_id, _ in claimed]


async def escalate(uow: KpiUoW, now: datetime) -> int:
    """Tell the escalation channels of the alerts nobody acknowledged (or snoozed) in time."""
    escalated = 0
    for rule_id, definition in await uow.rule_book.enabled():
        if definition.escalation is None:
            continue
        after = definition.escalation.after_minutes
        channels = definition.escalation.channel_ids
        due = await uow.rule_book.escalate_due(rule_id, after, now)
        await uow.rule_book.enqueue_many([(a, channel, None) for a in due for channel in channels])
        escalated += len(due)
    return escalated


async def backtest_rule(
    definition: RuleDefinition, weeks: int, uow: KpiUoW, now: datetime
) -> BacktestResult:
    """Run the rule over the last `weeks` weeks of the KPI store (nothing is stored or sent)."""
    if definition.business is not None:
        return await backtest_business_rule(definition, weeks, uow, now)
    scope = definition.scope
    where = PointFilter(scope.skus, scope.locations, scope.categories, scope.abc_classes)
    today = now.date()
    async with uow:
        points = await uow.kpis.points(where)
        since = history_start(today, weeks, definition)
        rows = await uow.kpis.days([p.point for p in points], since)
        every_channel = len(await uow.channels.enabled_ids())
        measured: dict[Point, dict[Period, Measured]] = {}
        for period in sorted(definition.forecast_periods()):
            found = await uow.business.forecasts([p.point for p in points], period, since, today)
            for key, series in found.items():
                measured.setdefault(key, {})[period] = {
                    period_start(f.start, period): (f.forecast, f.actual) for f in series
                }
    return backtest(definition, points, rows, today, weeks, every_channel, measured)
