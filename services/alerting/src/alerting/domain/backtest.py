"""Back-testing a rule: run it over the last weeks of history as the schedule would have, each
Monday, with the same `decide` (cooldown and recovery included), and count what it would have
raised, resolved and sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from alerting.domain.evaluation import decide, facts_of, lookback_days, needs_of
from alerting.domain.kpis import DayRow, Measured, Period
from alerting.domain.language import RuleDefinition
from alerting.domain.points import Point, StockPoint
from alerting.domain.routing import targets


@dataclass(frozen=True)
class Happening:
    """An alert that would have been raised or resolved on `on` (a Monday)."""

    on: date
    action: str
    subject: str
    items: tuple[str, ...] = ()
    messages: int = 0


@dataclass
class BacktestResult:
    weeks: int
    evaluated_on: list[date] = field(default_factory=list)
    happenings: list[Happening] = field(default_factory=list)

    @property
    def alerts(self) -> int:
        return sum(h.action == "raised" for h in self.happenings)

    @property
    def messages(self) -> int:
        return sum(h.messages for h in self.happenings)


def evaluation_days(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week's included."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def history_start(today: date, weeks: int, definition: RuleDefinition) -> date:
    """The first day of history the back-test reads."""
    return evaluation_days(today, weeks)[0] - timedelta(days=lookback_days(definition))


def backtest(
    definition: RuleDefinition,
    points: Sequence[StockPoint],
    rows: Mapping[Point, Sequence[DayRow]],
    today: date,
    weeks: int,
    every_channel: int,
    measured: Mapping[Point, Mapping[Period, Measured]] | None = None,
) -> BacktestResult:
    """What the rule would have done on each of the last `weeks` Mondays; a raised alert counts
    one message per channel it would have gone to (`every_channel` when it names none).
    `measured`: the stock points' measured forecasts (forecast error and bias)."""
    needs = needs_of(definition)
    result = BacktestResult(weeks)
    open_items: dict[str, tuple[str, ...]] = {}
    resolved_on: dict[str, date] = {}
    cooldown = timedelta(minutes=definition.cooldown_minutes)
    for monday in evaluation_days(today, weeks):
        result.evaluated_on.append(monday)
        facts = [facts_of(p, rows.get(p.point, ()), monday, needs, live=False,
                          measured=(measured or {}).get(p.point)) for p in points
                 if p.first_seen < monday]  # fmt: skip
        quiet = {s for s, on in resolved_on.items() if monday - on < cooldown}
        decision = decide(definition, facts, open_items, quiet)
        for subject in decision.resolve:
            open_items.pop(subject, None)
            resolved_on[subject] = monday
            result.happenings.append(Happening(monday, "resolved", subject))
        for subject, firing in decision.raise_.items():
            at = datetime.combine(monday, time(9), tzinfo=UTC)
            chosen = targets(definition, [item.point for item in firing], at)
            items = tuple(item.point.key for item in firing)
            sent = every_channel if chosen is None else len(chosen)
            result.happenings.append(Happening(monday, "raised", subject, items, sent))
            open_items[subject] = items
    return result
