"""Business gauges read from a service's own database on a schedule.

A service's KPIs (value on hand, fill rate, approvals pending...) are facts of its tables, not
of the messages one process happened to handle: each instance re-reads them every
`KPI_REFRESH_SECONDS` with one read-only query per gauge family and publishes the result. Every
instance of a service therefore exports the same values; dashboards aggregate them with `max`,
never `sum` (docs/conventions.md). A failed round is logged and counted; the gauges keep their
last values and the next round tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from inventory_runtime.app import BackgroundJob, ServiceRuntime

log = logging.getLogger(__name__)

KPI_REFRESH_SECONDS = 30.0

KPI_REFRESH_FAILURES = Counter(
    "inventory_kpi_refresh_failures_total",
    "Rounds of reading the business gauges from the database that failed.",
)
KPI_REFRESHED = Gauge(
    "inventory_kpi_refreshed_timestamp_seconds",
    "Unix time of the last successful read of the business gauges.",
)

Sessions = async_sessionmaker[AsyncSession]
Refresh = Callable[[Sessions], Awaitable[None]]
"""Reads the service's gauges through a session of its database and publishes them."""

_published: dict[int, set[tuple[str, ...]]] = {}


def publish(gauge: Gauge, values: Mapping[tuple[str, ...], Decimal | float | int | None]) -> None:
    """Set `gauge` to exactly `values` (label values -> value): series not in `values` any more
    (a location emptied, a reason gone quiet) are removed; a None value removes its series
    (undefined, e.g. days of supply without consumption)."""
    keep = {labels for labels, value in values.items() if value is not None}
    for labels in _published.get(id(gauge), set()) - keep:
        gauge.remove(*labels)
    for labels, value in values.items():
        if value is not None:
            (gauge.labels(*labels) if labels else gauge).set(float(value))
    _published[id(gauge)] = keep


async def refresh_once(refresh: Refresh, sessions: Sessions) -> bool:
    try:
        await refresh(sessions)
    except Exception:  # the next round tries again; the gauges keep their last values
        log.exception("reading the business gauges failed")
        KPI_REFRESH_FAILURES.inc()
        return False
    KPI_REFRESHED.set_to_current_time()
    return True


def kpi_job(refresh: Refresh, interval_seconds: float = KPI_REFRESH_SECONDS) -> BackgroundJob:
    """A background job that calls `refresh` now and then every `interval_seconds`."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            await refresh_once(refresh, runtime.session_factory)
            await asyncio.sleep(interval_seconds)

    return BackgroundJob("kpi-gauges", run)
