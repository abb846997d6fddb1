"""ABC classes leave replenishment: a planning run publishes `StockPointClassified` for each
stock point it classifies for the first time or moves to another class, and for no other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from inventory_contracts.envelope import decode
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_contracts.events.replenishment import StockPointClassified
from inventory_runtime.db import outbox_table
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.domain.planning_runs import PolicyPlanning, reclassified
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.handlers.scheduling import Planner
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .test_replenishment_planning_integration import NOW, consume, seed
from .test_replenishment_planning_integration import clean as clean  # autouse: empty tables

pytestmark = pytest.mark.integration

CLASSIFIED = "inventory.stock-point.classified.v1"
UowFactory = Callable[[], ReplenishmentUnitOfWork]


@pytest.fixture
def planner() -> Planner:
    return Planner(PlanningConfig(period="week"), "thread", now=lambda: NOW)


async def published(
    session_factory: async_sessionmaker[AsyncSession], event_type: str
) -> list[dict[str, Any]]:
    """The data of the `event_type` events in the outbox, then the outbox emptied."""
    async with session_factory() as session:
        rows = (await session.execute(select(outbox_table).order_by(outbox_table.c.id))).all()
        await session.execute(delete(outbox_table))
        await session.commit()
    return [decode(r.payload).data for r in rows if r.event_type == event_type]


async def classified(session_factory: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    return await published(session_factory, CLASSIFIED)


async def measured(session_factory: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    return await published(session_factory, "inventory.forecast.accuracy-measured.v1")


async def test_a_run_publishes_the_classes_it_changed_and_only_those(
    make_uow: UowFactory, planner: Planner, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(make_uow)  # SKU-1 and SKU-M at WH-1: the same demand at the same unit cost
    await classified(session_factory)
    first = await planner.run(make_uow, "test")
    published = await classified(session_factory)
    assert sorted((e["sku"], e["abc_class"], e["previous_abc_class"]) for e in published) == [
        ("SKU-1", "A", None),
        ("SKU-M", "A", None),
    ]
    assert {e["planning_run_id"] for e in published} == {first.run_id}

    await planner.run(make_uow, "test")  # nothing changed: nothing published
    assert await classified(session_factory) == []

    # SKU-M now costs 80 times more: it alone makes the value, SKU-1 falls to C.
    dearer = ItemUpserted(
        sku="SKU-M", name="SKU-M", unit_of_measure="pcs", category="parts", unit_cost=D(1000)
    )
    await consume(make_uow, dearer)
    await planner.run(make_uow, "test")
    [moved] = await classified(session_factory)
    assert (moved["sku"], moved["location"]) == ("SKU-1", "WH-1")
    assert (moved["previous_abc_class"], moved["abc_class"]) == ("A", "C")


def planned(sku: str, abc_class: str) -> PolicyPlanning:
    zero = D(0)
    return PolicyPlanning(
        sku, "WH-1", "PLAN-1", NOW, "week", abc_class, "X", "smooth", "ses", D(10), None, None,
        None, zero, zero, zero, 0, zero, zero, zero, zero, True,
    )  # fmt: skip


def test_reclassified_names_new_and_changed_classes_only() -> None:
    results = [planned("NEW", "B"), planned("SAME", "A"), planned("UP", "A")]
    changed = reclassified(results, {("SAME", "WH-1"): "A", ("UP", "WH-1"): "B"})
    events = [e for e in changed.events if isinstance(e, StockPointClassified)]
    assert [(e.sku, e.previous_abc_class, e.abc_class) for e in events] == [
        ("NEW", None, "B"),
        ("UP", "B", "A"),
    ]
    assert events[0].key() == "NEW@WH-1" and events[0].classified_at == NOW


async def test_the_next_run_measures_the_forecast_against_the_demand_that_came(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(make_uow)  # ~10 a week
    config = PlanningConfig(period="week")
    first = await Planner(config, "thread", now=lambda: NOW).run(make_uow, "test")
    async with make_uow() as uow:
        forecast = await uow.planning.result("SKU-1", "WH-1")
    assert forecast is not None
    assert await measured(session_factory) == []  # nothing forecast before: nothing measured
    # The week after the run, SKU-1 sells 14 and SKU-M nothing.
    week = NOW + timedelta(days=7 - NOW.weekday())
    order = OrderPlaced(order_id="SO-NEXT", lines=(OrderLine(sku="SKU-1", location="WH-1",
                                                             quantity=D(14)),))  # fmt: skip
    await consume(make_uow, order, time=week + timedelta(hours=10))
    later = week + timedelta(days=9)  # the Wednesday after that week
    await Planner(config, "thread", now=lambda: later).run(make_uow, "test")
    found = {(e["sku"], e["period_start"], e["forecast"], e["actual"], e["forecast_run_id"])
             for e in await measured(session_factory)}  # fmt: skip
    assert found == {
        ("SKU-1", week.date().isoformat(), str(forecast.forecast_per_period), "14", first.run_id),
        ("SKU-M", week.date().isoformat(), str(forecast.forecast_per_period), "0", first.run_id),
    }
    # A second run in the same week measures that week no more (its forecast came after it).
    await Planner(config, "thread", now=lambda: later + timedelta(hours=1)).run(make_uow, "test")
    assert await measured(session_factory) == []
