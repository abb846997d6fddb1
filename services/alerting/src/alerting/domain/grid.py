"""Stock points' KPIs as a grid (stock point x period) built from the store's roll-ups, so the
rules evaluate every stock point at once.

The store keeps one roll-up per stock point and ISO week (and the day rows are the day
roll-ups): the week's sums, its closing, the opening of its first day when that day has a row,
how many days pass before its first row (`lead`) and the stockout days from its first row on
(`stockout_tail`). What depends on earlier weeks (the on hand carried over quiet weeks, the
stockout days before the first row) is completed here, exactly as `kpis.periods` does from the
day rows; `test_alerting_grid.py` pins that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from alerting.domain.kpi_arrays import (
    Floats,
    bias_percent_of,
    days_of_supply_of,
    sell_through_of,
    turnover_of,
    wape_of,
)
from alerting.domain.kpis import Period, PeriodKpis, Snapshot, period_start

Ints = npt.NDArray[np.int64]
LENGTH = {"day": 1, "week": 7}
SELL_THROUGH_OF = ("consumed", "opening", "received")
TURNOVER_OF = ("consumed", "opening", "closing")
FORECAST_KPIS = ("forecast_error", "forecast_bias")


@dataclass(frozen=True)
class Rollups:
    """Roll-ups of one period kind, column by column: row r is stock point `point[r]`'s period
    `slot[r]` (0 = the grid's first). `carry_*` (one per stock point): the last roll-up before
    the grid. `moved_ago`: days from its last movement to today (NaN: none)."""

    point: Ints
    slot: Ints
    lead: Floats
    first_opening: Floats
    closing: Floats
    consumed: Floats
    received: Floats
    backordered: Floats
    stockout_tail: Floats
    moved_ago: Floats
    received_days: Floats
    carry_closing: Floats
    carry_moved_ago: Floats


@dataclass
class Grid:
    """Every stock point's periods from `start` to the one holding `today` (the last slot,
    still running: not a complete period)."""

    period: Period
    start: date
    today: date
    row_of: Ints
    opening: Floats
    closing: Floats
    consumed: Floats
    received: Floats
    backordered: Floats
    stockout_days: Floats
    forecast: Floats | None = None
    actual: Floats | None = None
    """Planning's forecast and the demand of each measured period (NaN: not measured); None
    when no rule reads forecast error or bias."""
    _kpis: dict[str, Floats] = field(default_factory=dict)

    def measure(self, forecasts: Forecasts) -> None:
        """Put the measured forecasts (`Forecasts`, slots of this grid) on it."""
        shape = self.opening.shape
        self.forecast, self.actual = np.full(shape, np.nan), np.full(shape, np.nan)
        inside = (forecasts.slot >= 0) & (forecasts.slot < shape[1])
        at = (forecasts.point[inside], forecasts.slot[inside])
        self.forecast[at], self.actual[at] = forecasts.forecast[inside], forecasts.actual[inside]
        self._kpis.pop("forecast_error", None)
        self._kpis.pop("forecast_bias", None)

    @property
    def complete(self) -> int:
        """How many complete periods the grid holds."""
        return int(self.opening.shape[1]) - 1

    def kpi(self, name: str) -> Floats:
        """The named period KPI (`kpis.PERIOD_KPIS`) of every stock point and complete
        period, oldest first."""
        if name not in self._kpis:
            done = slice(0, self.complete)
            base = {
                "opening": self.opening, "closing": self.closing, "consumed": self.consumed,
                "received": self.received, "backordered": self.backordered,
                "stockout_days": self.stockout_days,
            }  # fmt: skip
            if name in base:
                found = base[name][:, done]
            elif name == "sell_through":
                found = sell_through_of(*(base[k][:, done] for k in SELL_THROUGH_OF))
            elif name == "turnover":
                found = turnover_of(*(base[k][:, done] for k in TURNOVER_OF))
            elif name == "days_of_supply":
                days = np.full_like(self.closing[:, done], LENGTH[self.period])
                found = days_of_supply_of(self.closing[:, done], self.consumed[:, done], days)
            elif name in FORECAST_KPIS:
                forecast, actual = self._measured()
                forecast, actual = forecast[:, done], actual[:, done]
                if name == "forecast_error":
                    found = wape_of(np.abs(forecast - actual), actual)
                else:
                    found = bias_percent_of(forecast - actual, actual)
            else:
                raise KeyError(f"{name} is not a period KPI of the grid")
            self._kpis[name] = found
        return self._kpis[name]

    def _measured(self) -> tuple[Floats, Floats]:
        if self.forecast is None or self.actual is None:
            nothing = np.full(self.opening.shape, np.nan)
            return nothing, nothing
        return self.forecast, self.actual

    def periods_of(self, index: int, last: int) -> list[PeriodKpis]:
        """Stock point `index`'s last `last` complete periods, as the scalar rules read them."""
        length = LENGTH[self.period]
        first = max(self.complete - last, 0)
        found = []
        for slot in range(first, self.complete):
            figures = (self.opening, self.closing, self.consumed, self.received, self.backordered)
            opening, closing, consumed, received, backordered = (
                _dec(values[index, slot]) for values in figures
            )
            forecast = actual = None
            if self.forecast is not None and self.actual is not None:
                forecast, actual = (
                    _known(self.forecast[index, slot]),
                    _known(self.actual[index, slot]),
                )
            found.append(PeriodKpis(
                self.start + timedelta(days=length * slot), self.period, opening, closing,
                consumed, received, backordered, int(self.stockout_days[index, slot]), length,
                forecast, actual,
            ))  # fmt: skip
        return found


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _known(value: float) -> Decimal | None:
    return None if np.isnan(value) else _dec(value)


@dataclass(frozen=True)
class Forecasts:
    """Measured forecasts of one period kind, column by column: row r is stock point
    `point[r]`'s period `slot[r]` of the grid."""

    point: Ints
    slot: Ints
    forecast: Floats
    actual: Floats


def grid_start(today: date, period: Period, complete: int) -> date:
    """The first period of a grid with `complete` complete periods before the one of `today`."""
    return period_start(today, period) - timedelta(days=LENGTH[period] * complete)


def build(rollups: Rollups, points: int, period: Period, start: date, today: date) -> Grid:
    """The dense grid: periods without a roll-up carry the on hand of the last one."""
    slots = (period_start(today, period) - start).days // LENGTH[period] + 1
    shape = (points, slots)
    row_of = np.full(shape, -1, dtype=np.int64)
    row_of[rollups.point, rollups.slot] = np.arange(len(rollups.point))
    present = row_of >= 0

    def dense(column: Floats, empty: float = 0.0) -> Floats:
        values = np.full(shape, empty)
        values[rollups.point, rollups.slot] = column
        return values

    last = np.where(present, np.arange(slots), -1)
    np.maximum.accumulate(last, axis=1, out=last)
    closing_rows = dense(rollups.closing)
    picked = np.take_along_axis(closing_rows, np.maximum(last, 0), axis=1)
    closing = np.where(last >= 0, picked, rollups.carry_closing[:, None])
    carry_in = np.concatenate([rollups.carry_closing[:, None], closing[:, :-1]], axis=1)
    first_opening = dense(rollups.first_opening, np.nan)
    opening = np.where(present & ~np.isnan(first_opening), first_opening, carry_in)
    empty_before = carry_in <= 0
    stockouts = np.where(
        present,
        dense(rollups.stockout_tail) + np.where(empty_before, dense(rollups.lead), 0.0),
        np.where(empty_before, float(LENGTH[period]), 0.0),
    )
    return Grid(
        period, start, today, row_of, opening, closing, dense(rollups.consumed),
        dense(rollups.received), dense(rollups.backordered), stockouts,
    )  # fmt: skip


@dataclass(frozen=True)
class Now:
    """Every stock point as of the evaluation: on hand, days since its last movement and the
    age of its oldest stock (FIFO), NaN where there is none, as `kpis.snapshot` computes."""

    on_hand: Floats
    days_since_movement: Floats
    oldest_age_days: Floats

    def snapshot(self, index: int) -> Snapshot:
        def whole(values: Floats) -> int | None:
            return None if np.isnan(values[index]) else int(values[index])

        since, oldest = whole(self.days_since_movement), whole(self.oldest_age_days)
        return Snapshot(_dec(self.on_hand[index]), since, oldest)


def now_of(weeks: Grid, rollups: Rollups, last_moved_ago: Floats, first_seen_ago: Floats) -> Now:
    """The stock points now, from the week grid (up to today) and its roll-ups.

    `last_moved_ago` and `first_seen_ago`: days since the stock point's recorded last movement
    and first record (NaN when unknown or after today), the fallbacks of `kpis.snapshot`."""
    on_hand = weeks.closing[:, -1]
    moved = np.full(on_hand.shape, np.nan)
    np.fmin.at(moved, rollups.point, rollups.moved_ago)
    moved = np.fmin(moved, rollups.carry_moved_ago)
    fallback = np.where(np.isnan(last_moved_ago), first_seen_ago, last_moved_ago)
    since = np.where(np.isnan(moved), fallback, moved)
    return Now(on_hand, since, _oldest(weeks, rollups, np.maximum(on_hand, 0), first_seen_ago))


def _oldest(weeks: Grid, rollups: Rollups, wanted: Floats, first_seen_ago: Floats) -> Floats:
    """FIFO: what is on hand came in last. Walk back over the weeks' receipts to the one where
    they cover `wanted`, then over that week's days; beyond every receipt, as old as first
    seen."""
    offset = (weeks.today - weeks.start).days
    after = np.flip(np.cumsum(np.flip(weeks.received, axis=1), axis=1), axis=1)
    crossing = (after >= wanted[:, None]).sum(axis=1) - 1
    oldest = np.where((wanted > 0) & (crossing < 0), first_seen_ago, np.nan)
    found = np.flatnonzero((wanted > 0) & (crossing >= 0))
    if found.size == 0:
        return oldest
    week = crossing[found]
    padded = np.concatenate([after, np.zeros((after.shape[0], 1))], axis=1)
    left = wanted[found] - padded[found, week + 1]
    days = rollups.received_days[weeks.row_of[found, week]]
    covered = np.flip(np.cumsum(np.flip(days, axis=1), axis=1), axis=1)
    day = (covered >= left[:, None]).sum(axis=1) - 1
    oldest[found] = offset - (week * 7 + day)
    return oldest
