"""The read behind the stock-ledger's business gauges (stock_ledger.metrics): one row per
location x category x ABC class, summed from the tables kept at posting (`balances`,
`daily_stock`, `aging_points`), never per SKU."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.tables import AGING_BUCKETS

DEAD_AFTER_DAYS = 180
"""Stock is dead when its point had no issue for this long and the stock is older than that."""
DEAD_BUCKETS = ("181_365", "over_365")

_AGING = ", ".join(f"coalesce(sum(a.value_{b}), 0) AS value_{b}" for b in AGING_BUCKETS)
_DEAD = " + ".join(f"coalesce(a.value_{b}, 0)" for b in DEAD_BUCKETS)

SQL = f"""
WITH points AS (
  SELECT b.sku, b.location, b.value,
         coalesce(nullif(i.category, ''), 'none') AS category,
         coalesce(nullif(i.abc_class, ''), 'none') AS class,
         (b.last_issue_date IS NULL OR b.last_issue_date < :dead_since) AS idle
  FROM balances b JOIN items i ON i.sku = b.sku
), moves AS (
  SELECT sku, location,
         sum(cogs) AS cogs_year,
         sum(value_delta) AS change_year,
         sum(cogs) FILTER (WHERE day > :month_start) AS cogs_month,
         sum(cogs) FILTER (WHERE day > :week_start) AS cogs_week
  FROM daily_stock WHERE day > :year_start AND day <= :today GROUP BY sku, location
)
SELECT p.location, p.category, p.class,
       sum(p.value) AS on_hand_value,
       coalesce(sum(m.cogs_year), 0) AS cogs_year,
       sum(p.value - coalesce(m.change_year, 0)) AS value_year_ago,
       coalesce(sum(m.cogs_month), 0) AS cogs_month,
       coalesce(sum(m.cogs_week), 0) AS cogs_week,
       coalesce(sum({_DEAD}) FILTER (WHERE p.idle), 0) AS dead_value,
       {_AGING}
FROM points p
LEFT JOIN moves m ON m.sku = p.sku AND m.location = p.location
LEFT JOIN aging_points a ON a.sku = p.sku AND a.location = p.location
GROUP BY p.location, p.category, p.class
"""


async def stock_figures(session: AsyncSession, today: date) -> list[dict[str, Any]]:
    """Per location x category x class: value on hand, COGS of the last 365, 30 and 7 days,
    the value a year ago, the dead stock value and the value per aging bucket."""
    params = {
        "today": today,
        "year_start": today - timedelta(days=365),
        "month_start": today - timedelta(days=30),
        "week_start": today - timedelta(days=7),
        "dead_since": today - timedelta(days=DEAD_AFTER_DAYS),
    }
    rows = (await session.execute(text(SQL), params)).mappings()
    return [
        {k: (Decimal(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in rows
    ]
