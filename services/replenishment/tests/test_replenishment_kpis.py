"""Replenishment's business gauges on the real PostgreSQL: a breach, its approval, the
purchase order's receipt and a planning result, then one refresh and the in-process app's
/metrics read as Prometheus reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted, SupplierUpserted
from prometheus_client.parser import text_string_to_metric_families
from replenishment import consumer, metrics
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.config import ReplenishmentSettings
from replenishment.domain import Policy
from replenishment.handlers.advice import AdviceSettings
from replenishment.main import create_app
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import _client_of
from .test_replenishment_integration import inbound

pytestmark = pytest.mark.integration
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UowFactory = Callable[[], ReplenishmentUnitOfWork]
Sessions = async_sessionmaker[AsyncSession]
Seen = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def consume(make_uow: UowFactory, *events: Event) -> None:
    async with make_uow() as uow:
        await consumer.registry(lambda: NOW).dispatch([inbound(e) for e in events], uow)
        await uow.commit()


def stock(on_hand: int, seconds: int, **movement: Any) -> AvailabilityChanged:
    return AvailabilityChanged(
        sku="SKU-1",
        location="WH-1",
        on_hand=D(on_hand),
        reserved=D(0),
        available_to_promise=D(on_hand),
        as_of=NOW + timedelta(seconds=seconds),
        movement=MovementReference(**movement) if movement else None,
    )


async def scrape(sessions: Sessions) -> Seen:
    await metrics.refresher(AdviceSettings())(sessions)
    async with _client_of(create_app(ReplenishmentSettings())) as client:
        body = (await client.get("/metrics")).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name.startswith(("inventory_forecast", "inventory_supplier", "inventory_repl"))
        or sample.name.startswith("inventory_purchase_orders")
    }


PLANNED = """
INSERT INTO policy_planning VALUES (
  :sku, 'WH-1', 'RUN-1', now(), 'week', :cls, 'X', 'smooth', 'ses', :forecast, 1, :mase,
  :bias, 0.95, 0.97, 7, 3, 10, 20, 100, 120, true)
"""


async def test_planning_and_supply_gauges(make_uow: UowFactory, session_factory: Sessions) -> None:
    item = ItemUpserted(
        sku="SKU-1", name="Widget", unit_of_measure="pcs", category="parts", unit_cost=D("12.5")
    )
    await consume(
        make_uow, item, SupplierUpserted(supplier_id="SUP-1", name="Acme", lead_time_days=7)
    )
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1"))
        await uow.commit()
    await consume(make_uow, stock(10, 1))  # below the reorder point: a requisition
    async with session_factory.begin() as session:
        for sku, cls, forecast, mase, bias in (
            ("SKU-1", "A", 10, 0.8, 2),
            ("SKU-9", "A", 30, 1.2, -6),
        ):
            params = {"sku": sku, "cls": cls, "forecast": forecast, "mase": mase, "bias": bias}
            await session.execute(text(PLANNED), params)

    seen = await scrape(session_factory)

    wh1 = (("location", "WH-1"),)
    assert seen[("inventory_replenishment_suggestions_open", wh1)] == 1
    pending = (("location", "WH-1"), ("status", "pending_approval"))
    assert seen[("inventory_replenishment_requisitions_open", pending)] == 1
    class_a = (("class", "A"), ("location", "WH-1"))
    assert seen[("inventory_forecast_error", class_a)] == pytest.approx(1.0)  # mean of 0.8, 1.2
    assert seen[("inventory_forecast_bias", class_a)] == pytest.approx(-4 / 40)
    assert seen[("inventory_purchase_orders_open", wh1)] == 0

    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await consume(make_uow, granted)
    async with session_factory.begin() as session:  # the order fell due yesterday
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        await session.execute(
            text("UPDATE purchase_orders SET expected_receipt_date = :d"), {"d": yesterday}
        )

    seen = await scrape(session_factory)

    assert seen[("inventory_purchase_orders_open", wh1)] == 1
    assert seen[("inventory_purchase_orders_open_amount", wh1)] == 1250
    assert seen[("inventory_replenishment_requisitions_open", pending)] == 0  # now ordered
    assert seen[("inventory_replenishment_suggestions_open", wh1)] == 0  # on order covers it
    assert seen[("inventory_supplier_on_time_rate", (("supplier", "SUP-1"),))] == 0  # not here

    async with make_uow() as uow:
        (order,) = await uow.purchase_orders.find(status="open")
    receipt = stock(
        110,
        5,
        movement_id="MV-1",
        movement_type="receipt",
        quantity_delta=D(100),
        purchase_order_id=order.purchase_order_id,
    )
    await consume(make_uow, receipt)

    seen = await scrape(session_factory)

    assert seen[("inventory_supplier_on_time_rate", (("supplier", "SUP-1"),))] == 1
    assert seen[("inventory_purchase_orders_open", wh1)] == 0  # closed by the receipt
