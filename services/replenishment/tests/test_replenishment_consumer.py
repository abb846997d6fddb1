"""The consumer's handler registry against the in-memory unit of work (fixtures in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import TYPE_CHECKING

from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.approvals import ApprovalRejected
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_runtime.inbound import InboundEvent
from replenishment import consumer
from replenishment.domain import Policy

if TYPE_CHECKING:
    from .conftest import FakeReplenishmentUoW

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def inbound(data: Event) -> InboundEvent:
    cloud_event = new_event(data, source="/services/test")
    value = encode(cloud_event)
    key = data.key()
    record = ConsumerRecord(data.topic, 0, 0, 0, 0, key.encode(), value, None, 1, len(value), [])
    return InboundEvent(cloud_event, data, data.topic, 0, 0, key, record=record)


def availability(on_hand: int, second: int) -> InboundEvent:
    return inbound(
        AvailabilityChanged(
            sku="SKU-1",
            location="WH-1",
            on_hand=D(on_hand),
            reserved=D(0),
            available_to_promise=D(on_hand),
            as_of=NOW + timedelta(seconds=second),
        )
    )


async def handle(uow: FakeReplenishmentUoW, events: list[InboundEvent]) -> None:
    async with uow:
        await consumer.registry(lambda: NOW).dispatch(events, uow)
        await uow.commit()


async def test_a_batch_of_mixed_events_is_applied_in_partition_order(
    uow: FakeReplenishmentUoW,
) -> None:
    """A rejection between two availability runs frees the stock point for the second run."""
    await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1"))
    await handle(uow, [availability(10, second=1)])
    (first,) = uow.requisitions.rows.values()
    rejected = ApprovalRejected(
        request_id=first.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=first.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
        reason="wait for the promotion",
    )
    await handle(uow, [availability(11, second=2), inbound(rejected), availability(9, second=3)])
    statuses = sorted((r.status, r.inventory_position) for r in uow.requisitions.rows.values())
    assert statuses == [("pending_approval", D(9)), ("rejected", D(10))]
    assert uow.positions.rows[("SKU-1", "WH-1")].on_hand == D(9)


async def test_imported_master_data_lands_for_planning(uow: FakeReplenishmentUoW) -> None:
    """Supplier terms, a unit's conversion, a category and an item's purchase unit (bulk
    import, issue 19) are kept where planning reads them."""
    from inventory_contracts.events.master_data import (
        CategoryUpserted,
        ItemUpserted,
        SupplierTermsUpserted,
        UnitOfMeasureUpserted,
    )

    terms = SupplierTermsUpserted(
        supplier_id="SUP-1", sku="SKU-1", price=D("9.90"), lead_time_days=5,
        minimum_order_quantity=D(10), pack_size=6,
    )  # fmt: skip
    unit = UnitOfMeasureUpserted(unit="box", name="Box", base_unit="pcs", factor=D(12))
    item = ItemUpserted(
        sku="SKU-1", name="Tea", unit_of_measure="pcs", category="tea", unit_cost=D(1),
        purchase_unit="box", purchase_unit_factor=D(12),
    )  # fmt: skip
    category = CategoryUpserted(category="tea", name="Tea", name_zh="茶叶")
    await handle(uow, [inbound(terms), inbound(unit), inbound(item), inbound(category)])
    records = uow.master_data.records
    assert records[("supplier-terms", "SUP-1/SKU-1")]["minimum_order_quantity"] == "10"
    assert records[("supplier-terms", "SUP-1/SKU-1")]["pack_size"] == 6
    assert records[("units", "box")]["factor"] == "12"
    assert records[("purchase-units", "SKU-1")] == {"purchase_unit": "box", "factor": "12"}
    assert records[("categories", "tea")]["name_zh"] == "茶叶"
    assert uow.master_data.items["SKU-1"].unit_of_measure == "pcs"
