"""The aging table (`aging_points`): kept at posting for the points a document touched, and
rewritten for every point once a day, when bucket boundaries move (by the first report of the
day, or the background job). The all-SKU report then reads one row per stock point instead of
every open cost layer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.tables import AGING_BUCKETS
from stock_ledger.domain import PointKey

STARTS = "ARRAY[31, 91, 181, 366]"
"""width_bucket(age, starts): 0 for 0-30 days, 1 for 31-90, ... 4 for over 365."""
COLUMNS = [f"qty_{b}" for b in AGING_BUCKETS] + [f"value_{b}" for b in AGING_BUCKETS]


def _upsert(points: str) -> str:
    """INSERT the aging of the stock points `points` (a FROM item giving b, i) as of :today."""
    bucket = f"width_bucket(CAST(:today AS date) - l.receipt_date, {STARTS})"
    quantities = [
        f"coalesce(sum(l.remaining) FILTER (WHERE {bucket} = {n}), 0)"
        for n in range(len(AGING_BUCKETS))
    ]
    values = [
        f"CASE WHEN i.valuation_method = 'fifo' "
        f"THEN coalesce(sum(l.remaining * l.unit_cost) FILTER (WHERE {bucket} = {n}), 0) "
        f"ELSE coalesce(sum(l.remaining) FILTER (WHERE {bucket} = {n}), 0) * b.average_cost END"
        for n in range(len(AGING_BUCKETS))
    ]
    return f"""
    INSERT INTO aging_points (sku, location, as_of, {", ".join(COLUMNS)})
    SELECT b.sku, b.location, :today, {", ".join(quantities + values)}
    FROM {points}
    LEFT JOIN cost_layers l
      ON l.sku = b.sku AND l.location = b.location AND l.remaining > 0
    GROUP BY b.sku, b.location, i.valuation_method, b.average_cost
    ON CONFLICT (sku, location) DO UPDATE SET as_of = EXCLUDED.as_of,
      {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS)}
    """


TOUCHED = _upsert(
    "unnest(CAST(:skus AS text[]), CAST(:locations AS text[])) AS k(sku, location) "
    "JOIN balances b ON b.sku = k.sku AND b.location = k.location "
    "JOIN items i ON i.sku = b.sku"
)
EVERY = _upsert("balances b JOIN items i ON i.sku = b.sku")


async def refresh_points(session: AsyncSession, keys: Iterable[PointKey], today: date) -> None:
    """Rewrite the aging of the stock points a posting touched (after its layers and balances)."""
    ordered = sorted(set(keys))
    if ordered:
        await session.execute(
            text(TOUCHED),
            {
                "today": today,
                "skus": [sku for sku, _ in ordered],
                "locations": [location for _, location in ordered],
            },
        )


async def ensure_current(session: AsyncSession, today: date) -> None:
    """Rewrite every row once a day: the buckets are ages, and ages grow overnight."""
    refreshed = (
        await session.execute(text("SELECT as_of FROM aging_refreshed"))
    ).scalar_one_or_none()
    if refreshed == today:
        return
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('aging_points'))"))
    refreshed = (
        await session.execute(text("SELECT as_of FROM aging_refreshed"))
    ).scalar_one_or_none()
    if refreshed == today:
        return  # another report rewrote it while this one waited
    await session.execute(text("SET LOCAL work_mem = '64MB'"))
    await session.execute(text("DELETE FROM aging_points"))
    await session.execute(text(EVERY), {"today": today})
    await session.execute(
        text(
            "INSERT INTO aging_refreshed (singleton, as_of) VALUES (true, :today) "
            "ON CONFLICT (singleton) DO UPDATE SET as_of = EXCLUDED.as_of"
        ),
        {"today": today},
    )
