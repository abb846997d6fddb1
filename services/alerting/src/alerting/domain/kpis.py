"""Inventory KPIs of a stock point (item x location), each defined once, from its daily rows.

The store keeps one `DayRow` per stock point and day it moved (opening and closing on hand,
units consumed, received, backordered); everything else is computed here, for the API, the
rules and the back-test alike:

- **consumption (消耗量)**: units issued (shipments post as issues in the ledger);
- **sell-through (去化率)** = units consumed in the period / (opening on hand + units received
  in the period), `sell_through`;
- **turnover (库存周转率)** = units consumed / average on hand ((opening + closing) / 2), the
  ledger's turnover report counted in units instead of value;
- **days of supply (可供天数)** = closing on hand / average daily consumption of the period;
- **stockout days (缺货天数)**: days that closed with nothing on hand;
- **aging (库龄)**: on hand split by how long ago it was received, first in first out, in the
  ledger's buckets; **days since last movement** (呆滞料 when long).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

import numpy as np

from alerting.domain.forecasts import absolute_error, bias, bias_percent, wape
from alerting.domain.kpi_arrays import (
    Floats,
    change_percent_of,
    days_of_supply_of,
    sell_through_of,
    turnover_of,
)

ZERO = Decimal(0)
RATIO = Decimal("0.0001")
Period = Literal["day", "week"]
CONSUMING = frozenset({"issue"})
"""Movement types that count as consumption; a shipment posts as an issue."""
RECEIVING = frozenset({"receipt"})
"""Movement types that count as receipts (transfers in are not purchases)."""

AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-30", 30),
    ("31-90", 90),
    ("91-180", 180),
    ("181-365", 365),
    (">365", None),
)
"""Age buckets in days since receipt (label, last day), as the ledger's aging report."""


def _floats(*values: Decimal | int) -> list[Floats]:
    return [np.asarray(float(value), dtype=np.float64) for value in values]


def _decimal(value: Floats, places: Decimal) -> Decimal | None:
    figure = float(value)
    return None if math.isnan(figure) else Decimal(repr(figure)).quantize(places)


def sell_through(consumed: Decimal, opening: Decimal, received: Decimal) -> Decimal | None:
    """`sell_through_of` on one period: None when nothing was there to sell."""
    return _decimal(sell_through_of(*_floats(consumed, opening, received)), RATIO)


def turnover(consumed: Decimal, opening: Decimal, closing: Decimal) -> Decimal | None:
    """`turnover_of` on one period; None when the average on hand is not positive."""
    return _decimal(turnover_of(*_floats(consumed, opening, closing)), RATIO)


def days_of_supply(on_hand: Decimal, consumed: Decimal, days: int) -> Decimal | None:
    """`days_of_supply_of` on one period; None when nothing was consumed."""
    return _decimal(days_of_supply_of(*_floats(on_hand, consumed, days)), Decimal("0.1"))


def on_time_rate(received: int, on_time: int) -> Decimal | None:
    """Supplier on-time rate (准时交货率): purchase orders first received by their expected
    date / purchase orders judged (received, or overdue: `business_rules.OnTime`); None when
    none was judged."""
    return (Decimal(on_time) / received).quantize(RATIO) if received else None


def change_percent(previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    """`change_percent_of` on one pair of periods; None without both or from zero."""
    if previous is None or current is None:
        return None
    return _decimal(change_percent_of(*_floats(previous, current)), Decimal("0.01"))


def bucket_of(age_days: int) -> str:
    """The age bucket of stock received `age_days` ago."""
    for label, last in AGE_BUCKETS:
        if last is None or age_days <= last:
            return label
    raise AssertionError("unreachable")


def period_start(day: date, period: Period) -> date:
    """The first day of the day or ISO week (Monday) holding `day`."""
    return day if period == "day" else day - timedelta(days=day.weekday())


def period_label(start: date, period: Period) -> str:
    """``2026-12-05`` or the ISO week ``2026-W49``."""
    if period == "day":
        return start.isoformat()
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DayRow:
    """One stock point's day that had a movement or a backorder, as the store keeps it."""

    day: date
    opening: Decimal
    closing: Decimal
    consumed: Decimal = ZERO
    received: Decimal = ZERO
    backordered: Decimal = ZERO
    moves: int = 0


@dataclass(frozen=True)
class PeriodKpis:
    """The KPIs of one day or ISO week (of a stock point or a roll-up of several)."""

    start: date
    period: Period
    opening: Decimal
    closing: Decimal
    consumed: Decimal
    received: Decimal
    backordered: Decimal
    stockout_days: int
    days: int
    forecast: Decimal | None = None  # planning's forecast and the demand, when measured
    actual: Decimal | None = None

    @property
    def label(self) -> str:
        return period_label(self.start, self.period)

    @property
    def sell_through(self) -> Decimal | None:
        return sell_through(self.consumed, self.opening, self.received)

    @property
    def turnover(self) -> Decimal | None:
        return turnover(self.consumed, self.opening, self.closing)

    @property
    def days_of_supply(self) -> Decimal | None:
        return days_of_supply(self.closing, self.consumed, self.days)

    @property
    def forecast_error(self) -> Decimal | None:
        """WAPE of the period (`forecasts.wape`): |forecast - actual| / actual."""
        f, a = self.forecast, self.actual
        return None if f is None or a is None else wape(absolute_error(f, a), a)

    @property
    def forecast_bias(self) -> Decimal | None:
        """Bias % of the period (`forecasts.bias_percent`): (forecast - actual) / actual x 100."""
        f, a = self.forecast, self.actual
        return None if f is None or a is None else bias_percent(bias(f, a), a)

    def value(self, kpi: str) -> Decimal | None:
        """The named KPI (`PERIOD_KPIS`) of this period."""
        found = getattr(self, kpi)
        return Decimal(found) if found is not None else None


PERIOD_KPIS = (
    "sell_through",
    "consumed",
    "received",
    "opening",
    "closing",
    "turnover",
    "days_of_supply",
    "stockout_days",
    "backordered",
    "forecast_error",
    "forecast_bias",
)
"""The KPIs a period has, by the names rules and the API use."""
Measured = Mapping[date, tuple[Decimal, Decimal]]  # period start -> (forecast, actual)


def periods(
    rows: Sequence[DayRow],
    period: Period,
    first: date,
    until: date,
    measured: Measured | None = None,
) -> list[PeriodKpis]:
    """The periods from the one holding `first` up to the last one that ends by `until`
    (exclusive), oldest first; on hand carries over days without movement; the forecast and
    demand of a period from `measured` (by its start).

    One pass over the rows (not over the days): a day without a row closes with the on hand
    carried from the last one."""
    ordered = sorted(rows, key=lambda row: row.day)
    start = period_start(first, period)
    length = timedelta(days=1 if period == "day" else 7)
    carry, index = ZERO, 0
    while index < len(ordered) and ordered[index].day < start:
        carry, index = ordered[index].closing, index + 1
    result: list[PeriodKpis] = []
    while start + length <= until:
        end = start + length
        opening = carry
        consumed = received = backordered = ZERO
        stockouts, cursor = 0, start
        while index < len(ordered) and ordered[index].day < end:
            row = ordered[index]
            if row.day == start:
                opening = row.opening
            stockouts += (row.day - cursor).days if carry <= 0 else 0  # the quiet days before
            consumed, received = consumed + row.consumed, received + row.received
            backordered += row.backordered
            carry, cursor, index = row.closing, row.day + timedelta(days=1), index + 1
            stockouts += carry <= 0
        stockouts += (end - cursor).days if carry <= 0 else 0
        kpis = (opening, carry, consumed, received, backordered, stockouts, length.days)
        forecast, actual = (measured or {}).get(start, (None, None))
        result.append(PeriodKpis(start, period, *kpis, forecast, actual))
        start = end
    return result


def rollup(members: Iterable[PeriodKpis]) -> PeriodKpis | None:
    """The sum of several stock points' same period (a category, a location, an ABC class):
    sell-through and turnover of the sums, stockout days summed over points."""
    items = list(members)
    if not items:
        return None
    first = items[0]
    return PeriodKpis(
        first.start,
        first.period,
        sum((p.opening for p in items), ZERO),
        sum((p.closing for p in items), ZERO),
        sum((p.consumed for p in items), ZERO),
        sum((p.received for p in items), ZERO),
        sum((p.backordered for p in items), ZERO),
        sum(p.stockout_days for p in items),
        first.days,
    )


@dataclass(frozen=True)
class Snapshot:
    """A stock point as of a day: on hand, how old it is, when it last moved."""

    on_hand: Decimal
    days_since_movement: int | None
    oldest_age_days: int | None
    aging: dict[str, Decimal] = field(default_factory=dict)


def snapshot(
    rows: Sequence[DayRow], first_seen: date | None, today: date, last_moved: date | None = None
) -> Snapshot:
    """On hand, aging (FIFO: what is on hand is what came in last) and days since the last
    movement at the end of `today`, from the rows up to it (`last_moved` when none of them
    moved). Stock on hand beyond the receipts on record is as old as the first record of the
    stock point."""
    known = sorted((r for r in rows if r.day <= today), key=lambda r: r.day)
    on_hand = known[-1].closing if known else ZERO
    moved = [r.day for r in known if r.moves > 0] or [
        day for day in (last_moved, first_seen) if day is not None and day <= today
    ][:1]
    since = (today - moved[-1]).days if moved else None
    aging = {label: ZERO for label, _ in AGE_BUCKETS}
    oldest: int | None = None
    remaining = max(on_hand, ZERO)
    for row in reversed(known):
        if remaining <= 0:
            break
        if row.received > 0:
            taken = min(remaining, row.received)
            age = (today - row.day).days
            aging[bucket_of(age)] += taken
            remaining, oldest = remaining - taken, age
    if remaining > 0:
        age = (today - (first_seen or (known[0].day if known else today))).days
        aging[bucket_of(age)] += remaining
        oldest = age
    return Snapshot(on_hand, since, oldest, aging)


SNAPSHOT_KPIS = ("on_hand", "days_since_movement", "oldest_age_days")
"""The KPIs of the stock point as of now (not of a period)."""
