"""Evaluating many KPI rules over many stock points at once: one read of the roll-ups for all
of them, each rule's condition (and recovery) over every stock point as arrays, the decision on
those arrays (`domain.settling.settle`: what `domain.evaluation.decide` answers), and per-item
facts only for the stock points of the alerts a round raises. What the rules change is written
together, once per round (`handlers.rules.apply`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from alerting.domain import Alert
from alerting.domain.alert_text import figures_of
from alerting.domain.evaluation import AGING_WINDOW_DAYS, needs_of
from alerting.domain.grid import Grid, build, grid_start, now_of
from alerting.domain.kpis import Period
from alerting.domain.language import RuleDefinition, Scope
from alerting.domain.points import StockPoint
from alerting.domain.settling import Settled, Subjects, settle
from alerting.domain.vectorised import Bools, Frame, holds
from alerting.ports import KpiUoW


@dataclass(frozen=True)
class Firing:
    """The stock points of an alert to raise and their figures (`alert_text.figures`)."""

    points: list[StockPoint]
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """What one rule's round changes: alerts to raise (subject -> the stock points that fire;
    none in cooldown or snoozed) and open alerts that resolve."""

    rule_id: str
    definition: RuleDefinition
    raise_: dict[str, Firing]
    resolve: list[Alert]


Apply = Callable[[Sequence[Outcome], KpiUoW, datetime], Awaitable[object]]
"""Write what the round changes (`handlers.rules.apply`)."""


def _ago(today: date, day: date | None) -> float:
    return float((today - day).days) if day is not None and day <= today else np.nan


async def frame_for(
    uow: KpiUoW,
    points: Sequence[StockPoint],
    rules: Sequence[RuleDefinition],
    today: date,
    *,
    every: bool = False,
) -> Frame:
    """The grids the rules read (as many complete weeks and days as the most any of them
    needs; a year of weeks when one looks at stock age) and the stock points now."""
    needs = [needs_of(definition) for definition in rules]
    weeks = max((n.weeks for n in needs), default=0)
    if any(n.history_days > AGING_WINDOW_DAYS for n in needs):  # a rule reads stock age
        weeks = max(weeks, AGING_WINDOW_DAYS // 7 + 1)
    days = max((n.days for n in needs), default=0)
    keys = [point.point for point in points]
    start = grid_start(today, "week", weeks)
    week_rollups = await uow.kpis.rollups(keys, "week", start, today, every=every)
    week_grid = build(week_rollups, len(keys), "week", start, today)
    day_grid: Grid | None = None
    if days:
        start = grid_start(today, "day", days)
        day_rollups = await uow.kpis.rollups(keys, "day", start, today, every=every)
        day_grid = build(day_rollups, len(keys), "day", start, today)
    forecast_periods: set[Period] = set()
    for definition in rules:
        forecast_periods |= definition.forecast_periods()
    for period in sorted(forecast_periods):
        grid = week_grid if period == "week" else day_grid
        if grid is not None:
            grid.measure(await uow.kpis.measured(keys, period, grid.start, today, every=every))
    last_moved = np.array([_ago(today, p.last_moved) for p in points], dtype=np.float64)
    first_seen = np.array([_ago(today, p.first_seen) for p in points], dtype=np.float64)
    now = now_of(week_grid, week_rollups, last_moved, first_seen)
    backorders = np.array([float(p.backorder_open) for p in points], dtype=np.float64)
    return Frame(len(keys), week_grid, day_grid, now, backorders)


class Scopes:
    """Which stock points each scope holds, computed once per distinct scope."""

    def __init__(self, points: Sequence[StockPoint]) -> None:
        self._attributes = {
            name: np.array([getattr(p, name) for p in points], dtype=object)
            for name in ("abc_class", "category", "location", "sku")
        }
        self._found: dict[str, Bools] = {}
        self.count = len(points)

    def of(self, scope: Scope) -> Bools:
        key = scope.model_dump_json()
        if key not in self._found:
            inside = np.ones(self.count, dtype=np.bool_)
            for name, wanted in (
                ("abc_class", scope.abc_classes), ("category", scope.categories),
                ("location", scope.locations), ("sku", scope.skus),
            ):  # fmt: skip
                if wanted:
                    inside &= np.isin(self._attributes[name], list(wanted))
            self._found[key] = inside
        return self._found[key]


async def evaluate_rules(
    rules: Sequence[tuple[str, RuleDefinition]],
    points: Sequence[StockPoint],
    uow: KpiUoW,
    now: datetime,
    open_alerts: Sequence[Alert],
    apply: Apply,
    *,
    every: bool = False,
) -> None:
    """Evaluate each rule over `points` (its scope of them) with the open alerts given, then
    apply what they all change at once; `every`: `points` are every stock point
    (`KpiStore.points` without a filter)."""
    if not rules or not points:
        return
    frame = await frame_for(uow, points, [d for _, d in rules], now.date(), every=every)
    scopes, subjects = Scopes(points), Subjects(points)
    index = {point.key: n for n, point in enumerate(points)}
    by_rule: dict[str, dict[str, Alert]] = {}
    for alert in open_alerts:
        by_rule.setdefault(alert.rule_id, {})[alert.subject] = alert
    settled: list[tuple[str, RuleDefinition, Settled]] = []
    for rule_id, definition in rules:
        inside = scopes.of(definition.scope)
        firing = holds(definition.condition, frame) & inside
        recovery = definition.recovery
        recovered = None if recovery is None else holds(recovery, frame)
        named = {subject: [index[k] for k in items_of(alert) if k in index]
                 for subject, alert in by_rule.get(rule_id, {}).items()}  # fmt: skip
        found = settle(definition.dedupe_key, subjects, inside, firing, recovered, named)
        settled.append((rule_id, definition, found))
    wanted = [(rule_id, s, d.cooldown_minutes) for rule_id, d, f in settled for s in f.raise_]
    quiet = await uow.rule_book.quiet_among(wanted, now) if wanted else set()
    outcomes = []
    for rule_id, definition, found in settled:
        raise_ = {
            subject: Firing([points[n] for n in chosen],
                            figures_of(definition, frame, points, chosen))
            for subject, chosen in found.raise_.items()
            if (rule_id, subject) not in quiet
        }  # fmt: skip
        resolve = [by_rule[rule_id][subject] for subject in found.resolve]
        if raise_ or resolve:
            outcomes.append(Outcome(rule_id, definition, raise_, resolve))
    await apply(outcomes, uow, now)


def items_of(alert: Alert) -> list[str]:
    """The ``sku@location`` keys an alert of a KPI rule named when it was raised."""
    items = alert.details.get("items") or []
    return [f"{i.get('sku')}@{i.get('location')}" for i in items if isinstance(i, dict)]
