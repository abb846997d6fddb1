"""The stock-ledger's business gauges (docs/conventions.md), read from its tables every
`REFRESH_SECONDS` by `kpi_job(refresh, REFRESH_SECONDS)`: labelled by location, category and
ABC class (`none` when unset), never by SKU. Every instance exports the same values: aggregate
with max."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import Sessions, publish
from prometheus_client import Gauge

from stock_ledger.adapters import kpis
from stock_ledger.adapters.parking import SqlParking
from stock_ledger.adapters.tables import AGING_BUCKETS

POINT = ["location", "category", "class"]
REFRESH_SECONDS = 120.0
"""Less often than the other services: the read sums a year of `daily_stock`, and turnover,
aging and dead stock move by the day."""

ON_HAND_VALUE = Gauge(
    "inventory_stock_on_hand_value", "Value of the stock on hand (at cost).", POINT
)
TURNOVER = Gauge(
    "inventory_stock_turnover_ratio",
    "COGS of the last 365 days / average of the stock value a year ago and now.",
    POINT,
)
DAYS_OF_SUPPLY = Gauge(
    "inventory_stock_days_of_supply",
    "Value on hand / average daily COGS of the last 30 days (absent without consumption).",
    POINT,
)
CONSUMPTION_VALUE = Gauge(
    "inventory_stock_consumption_value",
    "COGS of the issues of the last 7 days (the consumption trend, read over time).",
    POINT,
)
AGING_VALUE = Gauge(
    "inventory_stock_aging_value",
    "Value on hand by age since receipt (bucket: 0_30, 31_90, 91_180, 181_365, over_365 days).",
    [*POINT, "bucket"],
)
DEAD_VALUE = Gauge(
    "inventory_stock_dead_value",
    "Value older than 180 days at stock points without an issue in 180 days.",
    POINT,
)


def turnover(cogs: Decimal, value_before: Decimal, value_now: Decimal) -> Decimal | None:
    """COGS / average inventory value; None without inventory."""
    average = (value_before + value_now) / 2
    return cogs / average if average > 0 else None


def days_of_supply(value: Decimal, cogs_30_days: Decimal) -> Decimal | None:
    """Days the value on hand lasts at the last 30 days' consumption; None without any."""
    return value / (cogs_30_days / 30) if cogs_30_days > 0 else None


def publish_figures(rows: list[dict[str, Any]]) -> None:
    def key(row: dict[str, Any]) -> tuple[str, str, str]:
        return (row["location"], row["category"], row["class"])

    publish(ON_HAND_VALUE, {key(r): r["on_hand_value"] for r in rows})
    publish(
        TURNOVER,
        {key(r): turnover(r["cogs_year"], r["value_year_ago"], r["on_hand_value"]) for r in rows},
    )
    publish(
        DAYS_OF_SUPPLY, {key(r): days_of_supply(r["on_hand_value"], r["cogs_month"]) for r in rows}
    )
    publish(CONSUMPTION_VALUE, {key(r): r["cogs_week"] for r in rows})
    publish(DEAD_VALUE, {key(r): r["dead_value"] for r in rows})
    publish(
        AGING_VALUE,
        {(*key(r), bucket): r[f"value_{bucket}"] for r in rows for bucket in AGING_BUCKETS},
    )


PARKED = Gauge(
    "inventory_ledger_parked_messages",
    "Goods receipts and shipments waiting for their item or location (status waiting), or "
    "that could not post once it came (failed).",
    ["status"],
)


async def refresh(sessions: Sessions) -> None:
    """Read the figures (one query) and publish every gauge; then the parked messages."""
    async with sessions() as session:
        rows = await kpis.stock_figures(session, utc_now().date())
        parked = await SqlParking(session).counts()
    publish_figures(rows)
    publish(PARKED, {(status,): parked.get(status, 0) for status in ("waiting", "failed")})
