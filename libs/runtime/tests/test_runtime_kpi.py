"""The business-gauge plumbing: publishing a read's rows, and a failing read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from inventory_runtime import kpi
from prometheus_client import CollectorRegistry, Gauge


def gauge() -> tuple[Gauge, CollectorRegistry]:
    registry = CollectorRegistry()
    return Gauge("kpi_test_value", "A test gauge.", ["location"], registry=registry), registry


def series(registry: CollectorRegistry) -> dict[str, float]:
    return {
        sample.labels["location"]: sample.value
        for family in registry.collect()
        for sample in family.samples
    }


def test_publish_sets_the_rows_and_drops_series_no_longer_read() -> None:
    value, registry = gauge()
    kpi.publish(value, {("WH-1",): Decimal("12.5"), ("WH-2",): 3})
    assert series(registry) == {"WH-1": 12.5, "WH-2": 3}

    kpi.publish(value, {("WH-2",): 4, ("WH-3",): None})

    assert series(registry) == {"WH-2": 4}  # WH-1 gone, WH-3 undefined


async def test_a_failed_read_is_counted_and_keeps_the_last_values() -> None:
    value, registry = gauge()
    kpi.publish(value, {("WH-1",): 1})
    failures = kpi.KPI_REFRESH_FAILURES._value.get()

    async def broken(_: Any) -> None:
        raise ConnectionError("database down")

    async def fine(_: Any) -> None:
        kpi.publish(value, {("WH-1",): 2})

    assert await kpi.refresh_once(broken, None) is False  # type: ignore[arg-type]
    assert kpi.KPI_REFRESH_FAILURES._value.get() == failures + 1
    assert series(registry) == {"WH-1": 1}
    assert await kpi.refresh_once(fine, None) is True  # type: ignore[arg-type]
    assert series(registry) == {"WH-1": 2}
