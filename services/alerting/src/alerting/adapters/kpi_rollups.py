"""SQL of the KPI roll-ups: one `kpi_weeks` row per stock point and ISO week, rewritten from
its day rows whenever a run of movements (or a backorder) touches that week, and read for many
stock points at once, column by column, as `domain.grid.Rollups`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.domain.grid import LENGTH, Forecasts, Rollups
from alerting.domain.kpis import Period
from alerting.domain.points import Point

RECEIVED_DAYS = ", ".join(
    f"coalesce(sum(d.received) FILTER (WHERE d.day - d.week = {n}), 0)" for n in range(7)
)
ROLLUP_COLUMNS = (
    "sku, location, week, first_day, first_opening, closing, consumed, received, backordered,"
    " moves, stockout_tail, last_move_day, received_days"
)
TOUCHED = """unnest(CAST(:skus AS text[]), CAST(:locations AS text[]),
                          CAST(:weeks AS date[])) AS t(sku, location, week)"""
EVERY_WEEK = """(SELECT DISTINCT sku, location, CAST(date_trunc('week', day) AS date)
                FROM kpi_days) AS t(sku, location, week)"""
ROLLUP_SELECT = """
    SELECT d.sku, d.location, d.week, min(d.day),
           max(d.opening) FILTER (WHERE d.day = d.week),
           (array_agg(d.closing ORDER BY d.day DESC))[1],
           sum(d.consumed), sum(d.received), sum(d.backordered), sum(d.moves),
           coalesce(sum(coalesce(d.next_day, d.week + 7) - d.day) FILTER (WHERE d.closing <= 0), 0),
           max(d.day) FILTER (WHERE d.moves > 0),
           ARRAY[%s]
      FROM (SELECT k.*, t.week,
                   lead(k.day) OVER (PARTITION BY k.sku, k.location, t.week ORDER BY k.day)
                       AS next_day
              FROM %s
              JOIN kpi_days AS k ON k.sku = t.sku AND k.location = t.location
                                AND k.day >= t.week AND k.day < t.week + 7) AS d
     GROUP BY d.sku, d.location, d.week
"""
"""The roll-ups of the weeks `%s` lists (`TOUCHED`, `EVERY_WEEK`), from their day rows."""
REBUILD = f"INSERT INTO kpi_weeks ({ROLLUP_COLUMNS}) {ROLLUP_SELECT % (RECEIVED_DAYS, EVERY_WEEK)}"
"""Every roll-up from the day rows (an empty `kpi_weeks`; the benchmark's seed)."""
_REFRESH = text(
    f"""
    INSERT INTO kpi_weeks ({ROLLUP_COLUMNS}) {ROLLUP_SELECT % (RECEIVED_DAYS, TOUCHED)}
    ON CONFLICT (sku, location, week) DO UPDATE SET
    """
    + ", ".join(f"{c} = excluded.{c}" for c in ROLLUP_COLUMNS.split(", ")[3:])
)


async def refresh_weeks(session: AsyncSession, touched: Sequence[tuple[str, str, date]]) -> None:
    """Rewrite the roll-ups of these (sku, location, day)s' weeks from their day rows: one
    statement for the run, one row per stock point and week."""
    weeks = sorted({(sku, loc, day - timedelta(days=day.weekday())) for sku, loc, day in touched})
    if weeks:
        columns = list(zip(*weeks, strict=True))
        params = dict(zip(("skus", "locations", "weeks"), map(list, columns), strict=True))
        await session.execute(_REFRESH, params)


_KEYS = """WITH k AS (SELECT sku, location, CAST(i AS int) - 1 AS i FROM unnest(
    CAST(:skus AS text[]), CAST(:locations AS text[])) WITH ORDINALITY AS k(sku, location, i))"""
_EVERY = """WITH k AS (SELECT sku, location,
    CAST(row_number() OVER (ORDER BY sku, location) AS int) - 1 AS i FROM kpi_points)"""
"""Every stock point, numbered in the order `KpiRepository.points` lists them: the planner
joins them to the roll-ups in one pass instead of one index probe per stock point."""
_SOURCES = {
    "week": {
        "table": "kpi_weeks", "at": "week", "lead": "r.first_day - r.week",
        "opening": "r.first_opening", "tail": "r.stockout_tail", "moved": "r.last_move_day",
    },
    "day": {
        "table": "kpi_days", "at": "day", "lead": "0", "opening": "r.opening",
        "tail": "CASE WHEN r.closing <= 0 THEN 1 ELSE 0 END",
        "moved": "CASE WHEN r.moves > 0 THEN r.day END",
    },
}  # fmt: skip


def _packed(expression: str, kind: str = "float8") -> str:
    """A column of all rows as one bytea of big-endian values (NULL as NaN), decoded with
    `numpy.frombuffer` instead of a Python object per value."""
    if kind == "int4":
        return f"string_agg(int4send(CAST({expression} AS int)), '')"
    return f"string_agg(float8send(coalesce(CAST({expression} AS float8), 'NaN')), '')"


def _reads(period: Period, keys: str) -> tuple[Any, Any]:
    s = _SOURCES[period]
    length = LENGTH[period]
    days = "r.received_days" if period == "week" else "ARRAY[r.received]"
    received_days = " || ".join(
        f"float8send(coalesce(CAST(({days})[{n + 1}] AS float8), 0))" for n in range(length)
    )
    columns = [
        _packed("k.i", "int4"),
        _packed(f"(r.{s['at']} - CAST(:start AS date)) / {length}", "int4"),
        *(_packed(e) for e in (s["lead"], s["opening"], "r.closing", "r.consumed", "r.received",
                               "r.backordered", s["tail"], f"CAST(:today AS date) - {s['moved']}")),
        f"string_agg({received_days}, '')",
    ]  # fmt: skip
    rows = text(
        f"""{keys}
        SELECT {", ".join(columns)}
          FROM k JOIN {s["table"]} AS r ON r.sku = k.sku AND r.location = k.location
           AND r.{s["at"]} >= CAST(:start AS date) AND r.{s["at"]} <= CAST(:today AS date)"""
    )
    carry = text(
        f"""{_KEYS}
        SELECT {_packed("k.i", "int4")}, {_packed("b.closing")},
               {_packed("CAST(:today AS date) - b.moved")}
          FROM k CROSS JOIN LATERAL (
               SELECT r.closing, {s["moved"]} AS moved FROM {s["table"]} AS r
                WHERE r.sku = k.sku AND r.location = k.location
                  AND r.{s["at"]} < CAST(:start AS date)
                ORDER BY r.{s["at"]} DESC LIMIT 1) AS b"""
    )
    return rows, carry


_READS = {
    (period, every): _reads(period, _EVERY if every else _KEYS)
    for period in ("week", "day")
    for every in (False, True)
}


def _floats(packed: bytes | None) -> Any:
    return np.frombuffer(packed or b"", dtype=">f8").astype(np.float64)


def _ints(packed: bytes | None) -> Any:
    return np.frombuffer(packed or b"", dtype=">i4").astype(np.int64)


async def read_rollups(
    session: AsyncSession,
    points: Sequence[Point],
    period: Period,
    start: date,
    today: date,
    *,
    every: bool = False,
) -> Rollups:
    """The roll-ups of `points` (in that order) from the period starting `start` to the one
    holding `today`, with the last one before `start` of each. `every`: `points` are every
    stock point, as `KpiRepository.points` lists them."""
    params = {"skus": [p[0] for p in points], "locations": [p[1] for p in points],
              "start": start, "today": today}  # fmt: skip
    rows_sql, carry_sql = _READS[period, every]
    found = (await session.execute(rows_sql, params)).one()
    index, slot, lead, opening, closing, consumed, received, backordered, tail, moved, days = found
    carried = (await session.execute(carry_sql, params)).one()
    carry_closing = np.zeros(len(points))
    carry_moved = np.full(len(points), np.nan)
    at = _ints(carried[0])
    carry_closing[at] = _floats(carried[1])
    carry_moved[at] = _floats(carried[2])
    return Rollups(
        _ints(index), _ints(slot), _floats(lead), _floats(opening), _floats(closing),
        _floats(consumed), _floats(received), _floats(backordered), _floats(tail),
        _floats(moved), _floats(days).reshape(-1, LENGTH[period]), carry_closing, carry_moved,
    )  # fmt: skip


_MEASURED_AT = {"week": "CAST(date_trunc('week', f.period_start) AS date)", "day": "f.period_start"}
_SLOT = {p: f"({_MEASURED_AT[p]} - CAST(:start AS date)) / {LENGTH[p]}" for p in _MEASURED_AT}
_FORECASTS = {
    (period, every): text(
        f"""{_EVERY if every else _KEYS}
        SELECT {_packed("k.i", "int4")}, {_packed(_SLOT[period], "int4")},
               {_packed("f.forecast")}, {_packed("f.actual")}
          FROM k JOIN kpi_forecasts AS f ON f.sku = k.sku AND f.location = k.location
           AND f.period = :period AND {_MEASURED_AT[period]} >= CAST(:start AS date)
           AND {_MEASURED_AT[period]} <= CAST(:today AS date)"""
    )
    for period in ("week", "day")
    for every in (False, True)
}  # fmt: skip


async def read_forecasts(
    session: AsyncSession,
    points: Sequence[Point],
    period: Period,
    start: date,
    today: date,
    *,
    every: bool = False,
) -> Forecasts:
    """Planning's measured forecasts of `points` (as `read_rollups` numbers them) for the
    periods of a grid from `start` to the one holding `today`."""
    params = {"skus": [p[0] for p in points], "locations": [p[1] for p in points],
              "start": start, "today": today, "period": period}  # fmt: skip
    index, slot, forecast, actual = (await session.execute(_FORECASTS[period, every], params)).one()
    return Forecasts(_ints(index), _ints(slot), _floats(forecast), _floats(actual))
