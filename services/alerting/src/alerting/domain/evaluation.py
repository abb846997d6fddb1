"""Evaluating a KPI rule: does each condition hold for a stock point's facts, which alerts to
raise and resolve, and the alert's bilingual text. Pure: the live evaluation, the scheduled one
and the back-test all call `decide`."""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from alerting.domain.kpis import (
    DayRow,
    Measured,
    Period,
    PeriodKpis,
    Snapshot,
    change_percent,
    periods,
)
from alerting.domain.language import (
    Absence,
    Age,
    AllOf,
    AnyOf,
    Change,
    Condition,
    Consecutive,
    RuleDefinition,
    Scope,
    Threshold,
    Trend,
)
from alerting.domain.points import StockPoint

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
AGING_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Facts:
    """What a rule looks at for one stock point: its complete days and weeks, oldest first,
    and the stock point as of the evaluation."""

    point: StockPoint
    weeks: list[PeriodKpis]
    days: list[PeriodKpis]
    now: Snapshot

    def series(self, period: Period) -> list[PeriodKpis]:
        return self.weeks if period == "week" else self.days

    def value_now(self, kpi: str) -> Decimal | None:
        if kpi == "backorder_open":
            return self.point.backorder_open
        found = getattr(self.now, kpi)
        return None if found is None else Decimal(found)


@dataclass(frozen=True)
class Needs:
    """What a rule reads: how many complete weeks and days, and how many days of rows."""

    weeks: int
    days: int
    history_days: int


def needs_of(definition: RuleDefinition) -> Needs:
    """The periods and the history the rule's conditions (recovery included) read."""
    counts: dict[str, int] = {"week": 0, "day": 0}
    aging = False
    watched = [definition.condition] + ([definition.recovery] if definition.recovery else [])
    for condition in _walk(watched):
        if isinstance(condition, Consecutive):
            inner = condition.condition
            if inner.kpi not in KPI_NOW:
                wanted = (2 if isinstance(inner, Change) else 1) + condition.periods - 1
                counts[inner.period] = max(counts[inner.period], wanted)
        elif isinstance(condition, (Threshold, Change, Trend)) and condition.kpi not in KPI_NOW:
            wanted = 1 if isinstance(condition, Threshold) else 2
            wanted = condition.periods if isinstance(condition, Trend) else wanted
            counts[condition.period] = max(counts[condition.period], wanted)
        aging = aging or isinstance(condition, Age)
    history = max(7 * (counts["week"] + 1), counts["day"] + 1, AGING_WINDOW_DAYS if aging else 0)
    return Needs(counts["week"], counts["day"], history + 7)


def lookback_days(definition: RuleDefinition) -> int:
    """How many days of history the rule needs before the evaluation day."""
    return needs_of(definition).history_days


def _walk(conditions: Iterable[Condition]) -> Iterable[Condition]:
    for condition in conditions:
        yield condition
        if isinstance(condition, (AllOf, AnyOf)):
            yield from _walk(condition.conditions)
        elif isinstance(condition, Consecutive):
            yield condition.condition


def facts_of(
    point: StockPoint,
    rows: Sequence[DayRow],
    today: date,
    needs: Needs,
    *,
    live: bool = True,
    measured: Mapping[Period, Measured] | None = None,
) -> Facts:
    """The facts of a stock point on `today`: the complete periods before it that the rule
    reads, and the stock point as it is now (`live`) or as it was when `today` began (a
    back-test: none of `today`'s rows yet, days and ages counted to `today` as the live
    evaluation on that morning counts them). `measured`: its forecasts against demand, by
    period kind (forecast error and bias)."""
    found = measured or {}
    first_week, first_day = today - timedelta(weeks=needs.weeks), today - timedelta(days=needs.days)
    weeks = periods(rows, "week", first_week, today, found.get("week")) if needs.weeks else []
    days = periods(rows, "day", first_day, today, found.get("day")) if needs.days else []
    if live:
        return Facts(point, weeks, days, point.snapshot(rows, today))
    began = point.snapshot([r for r in rows if r.day < today], today, began=True)
    return Facts(point, weeks, days, began)


def holds(condition: Condition, facts: Facts, back: int = 0) -> bool:
    """Whether `condition` holds for the stock point, `back` periods before the last one."""
    if isinstance(condition, Threshold):
        if condition.kpi in KPI_NOW:
            found = facts.value_now(condition.kpi)
        else:
            series = facts.series(condition.period)
            found = series[-1 - back].value(condition.kpi) if len(series) > back else None
        return found is not None and OPS[condition.op](found, condition.value)
    if isinstance(condition, Change):
        series = facts.series(condition.period)
        if len(series) < back + 2:
            return False
        last, before = series[-1 - back], series[-2 - back]
        change = change_percent(before.value(condition.kpi), last.value(condition.kpi))
        return change is not None and OPS[condition.op](change, condition.percent)
    if isinstance(condition, Consecutive):
        return all(holds(condition.condition, facts, back + n) for n in range(condition.periods))
    if isinstance(condition, Trend):
        return _trend(condition, facts, back)
    if isinstance(condition, Age):
        age = facts.now.oldest_age_days
        return facts.now.on_hand > 0 and age is not None and age > condition.days
    if isinstance(condition, Absence):
        idle = facts.now.days_since_movement
        return facts.now.on_hand > 0 and idle is not None and idle > condition.days
    if isinstance(condition, AllOf):
        return all(holds(inner, facts, back) for inner in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(holds(inner, facts, back) for inner in condition.conditions)
    raise TypeError(f"{condition.kind} is not a stock point condition (domain.business_rules)")


KPI_NOW = frozenset({"on_hand", "days_since_movement", "oldest_age_days", "backorder_open"})


def _trend(condition: Trend, facts: Facts, back: int) -> bool:
    series = facts.series(condition.period)
    end = len(series) - back
    window = series[max(end - condition.periods, 0) : end]
    values = [kpis.value(condition.kpi) for kpis in window]
    if len(values) < condition.periods or any(value is None for value in values):
        return False
    known = [value for value in values if value is not None]
    rising = condition.direction == "up"
    return all((b > a) if rising else (b < a) for a, b in pairwise(known))


def in_scope(scope: Scope, point: StockPoint) -> bool:
    """Whether the stock point is one the rule watches (each non-empty list must match)."""
    return all(
        not wanted or value in wanted
        for wanted, value in (
            (scope.abc_classes, point.abc_class),
            (scope.categories, point.category),
            (scope.locations, point.location),
            (scope.skus, point.sku),
        )
    )


def subject_of(definition: RuleDefinition, point: StockPoint) -> str:
    """The dedupe key of the stock point's alert under this rule."""
    return definition.dedupe_key.format(**{name: point.attribute(name) for name in (
        "sku", "location", "category", "abc_class")})  # fmt: skip


@dataclass
class Decision:
    """What an evaluation changes: alerts to raise (subject -> the stock points that fire) and
    the subjects whose open alert resolves."""

    raise_: dict[str, list[Facts]] = field(default_factory=dict)
    resolve: list[str] = field(default_factory=list)


def decide(
    definition: RuleDefinition,
    facts: Sequence[Facts],
    open_items: Mapping[str, Collection[str]],
    quiet_subjects: Iterable[str] = (),
) -> Decision:
    """Raise for subjects with a firing stock point, no open alert and no cooldown or snooze;
    resolve an open subject when none of its stock points fires and the ones its alert named
    (`open_items`: subject -> ``sku@location`` keys) all meet the recovery condition
    (hysteresis: in between, the alert stays as it is)."""
    groups: dict[str, list[Facts]] = {}
    for item in facts:
        groups.setdefault(subject_of(definition, item.point), []).append(item)
    quiet = set(quiet_subjects)
    decision = Decision()
    recovery = definition.recovery
    for subject, members in groups.items():
        firing = [item for item in members if holds(definition.condition, item)]
        if subject in open_items:
            named = [m for m in members if m.point.key in open_items[subject]] or members
            if not firing and all(recovery is None or holds(recovery, m) for m in named):
                decision.resolve.append(subject)
        elif firing and subject not in quiet:
            decision.raise_[subject] = firing
    return decision


def kpis_named(definition: RuleDefinition) -> list[tuple[str, Period | None]]:
    """The KPIs the condition reads (with their period; None for now), in order."""
    found: list[tuple[str, Period | None]] = []
    for condition in _walk([definition.condition]):
        if isinstance(condition, (Threshold, Change, Trend)):
            period = None if condition.kpi in KPI_NOW else condition.period
            found.append((condition.kpi, period))
        elif isinstance(condition, Age):
            found.append(("oldest_age_days", None))
        elif isinstance(condition, Absence):
            found.append(("days_since_movement", None))
    return list(dict.fromkeys(found))
