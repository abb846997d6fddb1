"""Roll-ups computed from day rows in Python, as the store's SQL writes them: what the tests
compare the store and the grid with (`test_alerting_grid.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from alerting.domain.grid import LENGTH, Rollups
from alerting.domain.kpis import DayRow, Period, period_start


def rollups_of(
    history: Sequence[Sequence[DayRow]], period: Period, start: date, today: date
) -> Rollups:
    """The roll-ups of each stock point's day rows (`history[i]`: stock point i's), as the
    store keeps them: the same sums the store's SQL writes, and the day rows themselves when
    `period` is ``day``. Rows after `today` are not read."""
    length = LENGTH[period]
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    carry_closing = np.zeros(len(history))
    carry_moved = np.full(len(history), np.nan)
    for index, rows in enumerate(history):
        by_slot: dict[int, list[DayRow]] = {}
        for row in sorted((r for r in rows if r.day <= today), key=lambda r: r.day):
            slot = (period_start(row.day, period) - start).days // length
            by_slot.setdefault(slot, []).append(row)
        before = [slot for slot in by_slot if slot < 0]
        if before:  # the last roll-up before the grid carries its on hand into it
            carried = by_slot[max(before)]
            carry_closing[index] = float(carried[-1].closing)
            moved = [r.day for r in carried if r.moves > 0]
            carry_moved[index] = (today - moved[-1]).days if moved else np.nan
        for slot, members in by_slot.items():
            if slot >= 0:
                begins = start + timedelta(days=length * slot)
                _add(columns, index, slot, begins, length, members, today)
    arrays: dict[str, Any] = {
        name: np.asarray(values, dtype=_COLUMNS[name]) for name, values in columns.items()
    }
    arrays["received_days"] = arrays["received_days"].reshape(-1, length)
    return Rollups(**arrays, carry_closing=carry_closing, carry_moved_ago=carry_moved)


_COLUMNS: dict[str, type] = {
    "point": np.int64, "slot": np.int64, "lead": np.float64, "first_opening": np.float64,
    "closing": np.float64, "consumed": np.float64, "received": np.float64,
    "backordered": np.float64, "stockout_tail": np.float64, "moved_ago": np.float64,
    "received_days": np.float64,
}  # fmt: skip


def _add(
    columns: dict[str, list[Any]], index: int, slot: int, begins: date, length: int,
    rows: Sequence[DayRow], today: date,
) -> None:  # fmt: skip
    ends = [r.day for r in rows[1:]] + [begins + timedelta(days=length)]
    moved = [r.day for r in rows if r.moves > 0]
    daily = [0.0] * length
    for row in rows:
        daily[(row.day - begins).days] += float(row.received)
    values = {
        "point": index, "slot": slot, "lead": (rows[0].day - begins).days,
        "first_opening": float(rows[0].opening) if rows[0].day == begins else np.nan,
        "closing": float(rows[-1].closing),
        "consumed": float(sum(r.consumed for r in rows)),
        "received": float(sum(r.received for r in rows)),
        "backordered": float(sum(r.backordered for r in rows)),
        "stockout_tail": sum((end - r.day).days for r, end in zip(rows, ends, strict=True)
                             if r.closing <= 0),
        "moved_ago": (today - moved[-1]).days if moved else np.nan,
    }  # fmt: skip
    for name, value in values.items():
        columns[name].append(value)
    columns["received_days"].extend(daily)
