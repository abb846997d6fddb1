"""Report queries. Each reads a table kept up to date at posting time, never the whole ledger:

* on hand and valuation: `balances` (one row per SKU x location) and open `cost_layers`;
* aging: `aging_points` (per stock point, kept at posting from the open `cost_layers`);
* turnover and days of supply: `daily_stock` (running sums per SKU x location x day);
* slow-moving and dead stock: `balances.last_issue_date`;
* movement history: `ledger_entries` through its (sku, location, effective_date) index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.aging import COLUMNS as AGING_COLUMNS

Row = dict[str, Any]


def _filters(sku: str | None, location: str | None, alias: str) -> tuple[str, Row]:
    clauses, params = [], {}
    if sku is not None:
        clauses.append(f"{alias}.sku = :sku")
        params["sku"] = sku
    if location is not None:
        clauses.append(f"{alias}.location = :location")
        params["location"] = location
    return (" AND " + " AND ".join(clauses) if clauses else ""), params


async def _rows(session: AsyncSession, sql: str, params: Row) -> list[Row]:
    result = await session.execute(text(sql), params)
    return [
        {k: (v.normalize() if isinstance(v, Decimal) else v) for k, v in row.items()}
        for row in result.mappings()
    ]


WORK_MEM = "SET LOCAL work_mem = '64MB'"
"""Reports over every SKU sort and group ~10^5 layers: in memory, not in temporary files."""


@dataclass(frozen=True)
class Query:
    """A report's SQL, its parameters and its row order; read as JSON text or as rows."""

    sql: str
    params: Row
    order: str

    async def json(self, session: AsyncSession) -> str:
        """The rows as a JSON array, built by PostgreSQL (decimals as strings, no Python loop)."""
        await session.execute(text(WORK_MEM))
        wrapped = (
            f"SELECT coalesce(json_agg(r ORDER BY {self.order}), '[]'::json)::text "
            f"FROM ({self.sql}) r"
        )
        return str((await session.execute(text(wrapped), self.params)).scalar_one())

    async def rows(self, session: AsyncSession) -> list[Row]:
        await session.execute(text(WORK_MEM))
        return await _rows(
            session, f"SELECT * FROM ({self.sql}) r ORDER BY {self.order}", self.params
        )


def _text(expression: str) -> str:
    """A numeric as text without trailing zeros (10, 2.5), as the API writes decimals."""
    return f"trim_scale({expression})::text"


def on_hand(sku: str | None, location: str | None, by_lot: bool) -> Query:
    """On hand per SKU x location, or per SKU x location x lot (with expiry) from the layers."""
    where, params = _filters(sku, location, "b" if not by_lot else "l")
    if not by_lot:
        return Query(
            f"SELECT b.sku, b.location, {_text('b.on_hand')} AS on_hand, "
            f"{_text('b.value')} AS value, {_text('b.average_cost')} AS average_cost "
            f"FROM balances b WHERE b.on_hand <> 0{where}",
            params,
            "r.sku, r.location",
        )
    value = (
        "sum(l.remaining * CASE WHEN i.valuation_method = 'fifo' THEN l.unit_cost "
        "ELSE b.average_cost END)"
    )
    return Query(
        f"SELECT l.sku, l.location, l.lot, min(l.expiry_date) AS expiry_date, "
        f"{_text('sum(l.remaining)')} AS on_hand, {_text(value)} AS value FROM cost_layers l "
        "JOIN items i ON i.sku = l.sku JOIN balances b ON b.sku = l.sku AND b.location = "
        f"l.location WHERE l.remaining > 0{where} GROUP BY l.sku, l.location, l.lot",
        params,
        "r.sku, r.location, r.lot NULLS FIRST",
    )


GROUPS = {"item": "b.sku", "category": "i.category", "location": "b.location"}


def valuation(group: str) -> Query:
    """Quantity and value on hand per item, category or location."""
    key = GROUPS[group]
    return Query(
        f"SELECT {key} AS {group}, {_text('sum(b.on_hand)')} AS on_hand, "
        f"{_text('sum(b.value)')} AS value "
        f"FROM balances b JOIN items i ON i.sku = b.sku WHERE b.on_hand <> 0 GROUP BY {key}",
        {},
        f"r.{group}",
    )


def aging(sku: str | None, location: str | None) -> Query:
    """Quantity and value still on hand per SKU in the buckets 0-30 ... over 365 days, from
    `aging_points` (call `aging.ensure_current` first in the same transaction)."""
    where, params = _filters(sku, location, "a")
    columns = ", ".join(f"{_text(f'sum(a.{c})')} AS {c}" for c in AGING_COLUMNS)
    nonzero = " + ".join(f"a.{c}" for c in AGING_COLUMNS if c.startswith("qty_"))
    return Query(
        f"SELECT a.sku, {columns} FROM aging_points a WHERE true{where} GROUP BY a.sku "
        f"HAVING sum({nonzero}) <> 0",
        params,
        "r.sku",
    )


async def turnover(session: AsyncSession, group: str, start: date, end: date) -> list[Row]:
    """COGS / average inventory value over [start, end] per item or category.

    Inventory value at a day's end = today's value minus the value changes dated after it,
    so the average needs only the daily sums from `start` on.
    """
    key = {"item": "b.sku", "category": "i.category"}[group]
    sql = f"""
    WITH moves AS (
      SELECT sku, location,
             sum(cogs) FILTER (WHERE day <= :end) AS cogs,
             sum(value_delta) FILTER (WHERE day > :end) AS after_end,
             sum(value_delta) AS since_start
      FROM daily_stock WHERE day >= :start GROUP BY sku, location
    )
    SELECT {key} AS {group},
           coalesce(sum(m.cogs), 0) AS cogs,
           sum(b.value - coalesce(m.since_start, 0)) AS opening_value,
           sum(b.value - coalesce(m.after_end, 0)) AS closing_value
    FROM balances b JOIN items i ON i.sku = b.sku
    LEFT JOIN moves m ON m.sku = b.sku AND m.location = b.location
    GROUP BY {key} ORDER BY {key}
    """
    rows = await _rows(session, sql, {"start": start, "end": end})
    for row in rows:
        average = (row["opening_value"] + row["closing_value"]) / 2
        row["average_inventory_value"] = average.normalize()
        row["turnover"] = (row["cogs"] / average).quantize(Decimal("0.0001")) if average else None
    return rows


async def days_of_supply(
    session: AsyncSession, sku: str | None, location: str | None, window_days: int, today: date
) -> list[Row]:
    """On hand / average daily issues over the last `window_days` days."""
    where, params = _filters(sku, location, "b")
    sql = f"""
    SELECT b.sku, b.location, b.on_hand,
           coalesce(sum(d.issued_quantity), 0) AS issued_in_window
    FROM balances b
    LEFT JOIN daily_stock d ON d.sku = b.sku AND d.location = b.location
         AND d.day > :since AND d.day <= :today
    WHERE b.on_hand <> 0 {where}
    GROUP BY b.sku, b.location, b.on_hand ORDER BY b.sku, b.location
    """
    since = date.fromordinal(today.toordinal() - window_days)
    rows = await _rows(session, sql, {**params, "since": since, "today": today})
    for row in rows:
        daily = row["issued_in_window"] / window_days
        row["average_daily_issue"] = daily.normalize()
        row["days_of_supply"] = (row["on_hand"] / daily).quantize(Decimal("0.1")) if daily else None
    return rows


async def slow_moving(session: AsyncSession, days: int, today: date) -> list[Row]:
    """Stock with no issue in `days` days (or never issued), with its value."""
    since = date.fromordinal(today.toordinal() - days)
    return await _rows(
        session,
        "SELECT b.sku, b.location, b.on_hand, b.value, b.last_issue_date FROM balances b "
        "WHERE b.on_hand > 0 AND (b.last_issue_date IS NULL OR b.last_issue_date < :since) "
        "ORDER BY b.value DESC, b.sku, b.location",
        {"since": since},
    )


async def movements(
    session: AsyncSession,
    sku: str,
    location: str | None,
    start: date | None,
    end: date | None,
    limit: int,
) -> list[Row]:
    """Ledger entries of one SKU (optionally one location) by business date."""
    where, params = _filters(sku, location, "e")
    if start is not None:
        where += " AND e.effective_date >= :start"
        params["start"] = start
    if end is not None:
        where += " AND e.effective_date <= :end"
        params["end"] = end
    return await _rows(
        session,
        "SELECT e.effective_date, e.posted_at, e.document_id, e.movement_id, e.sku, e.location, "
        "e.movement_type, e.lot, e.quantity_delta, e.unit_cost, e.value, e.on_hand_after, "
        "e.posted_by, e.order_id, e.purchase_order_id FROM ledger_entries e "
        f"WHERE true{where} ORDER BY e.effective_date, e.seq LIMIT :limit",
        {**params, "limit": limit},
    )
