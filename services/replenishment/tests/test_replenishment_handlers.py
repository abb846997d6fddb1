"""Replenishment handlers against the in-memory unit of work (fixtures in conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from typing import TYPE_CHECKING, TypeVar

import pytest
from aiokafka.structs import ConsumerRecord
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.replenishment import ReplenishmentProposed, StockBelowThreshold
from inventory_runtime.auth.principal import Principal
from inventory_runtime.inbound import InboundEvent
from replenishment.domain import Policy, PolicyError, Requisition
from replenishment.handlers.approvals import (
    apply_approval_granted,
    apply_approval_rejected,
    apply_approval_withdrawn,
)
from replenishment.handlers.availability import apply_availability_changes
from replenishment.handlers.master_data import record_demands
from replenishment.handlers.policies import set_policy

if TYPE_CHECKING:
    from .conftest import FakeReplenishmentUoW

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
PLANNER = Principal(id="sun.planner", subject="s-sun", roles=frozenset({"planner"}))
_sequence = iter(range(1, 10**6))
E = TypeVar("E", bound=Event)


def availability(
    on_hand: D | int,
    reserved: D | int = 0,
    *,
    po: str | None = None,
    received: D | int = 0,
    movement_id: str | None = None,
) -> AvailabilityChanged:
    movement = None
    if po is not None:
        movement = MovementReference(
            movement_id=movement_id or f"MV-{next(_sequence)}",
            movement_type="receipt",
            quantity_delta=D(received),
            purchase_order_id=po,
        )
    return AvailabilityChanged(
        sku="SKU-1",
        location="WH-1",
        on_hand=D(on_hand),
        reserved=D(reserved),
        available_to_promise=D(on_hand) - D(reserved),
        as_of=NOW + timedelta(seconds=next(_sequence)),
        movement=movement,
    )


def inbound(data: E, *, time: datetime = NOW) -> InboundEvent[E]:
    """`data` as the consumer hands it to a handler."""
    cloud_event = new_event(data, source="/services/test", time=time)
    value = encode(cloud_event)
    key = data.key()
    record = ConsumerRecord(data.topic, 0, 0, 0, 0, key.encode(), value, None, 1, len(value), [])
    return InboundEvent(cloud_event, data, data.topic, 0, 0, key, record=record)


async def apply(uow: FakeReplenishmentUoW, *changes: AvailabilityChanged) -> None:
    """Apply a run of availability changes in a transaction, as the consumer loop does."""
    async with uow:
        await apply_availability_changes([inbound(change) for change in changes], uow, lambda: NOW)
        await uow.commit()


async def grant(uow: FakeReplenishmentUoW, granted: ApprovalGranted) -> None:
    async with uow:
        await apply_approval_granted(inbound(granted), uow, lambda: NOW)
        await uow.commit()


async def reject(uow: FakeReplenishmentUoW, rejected: ApprovalRejected) -> None:
    async with uow:
        await apply_approval_rejected(inbound(rejected), uow)
        await uow.commit()


async def with_policy(
    uow: FakeReplenishmentUoW, reorder_point: int = 20, order_quantity: int = 100
) -> None:
    policy = Policy("SKU-1", "WH-1", D(reorder_point), D(order_quantity), "SUP-1")
    await uow.policies.save(policy)


def types_published(uow: FakeReplenishmentUoW) -> list[type[Event]]:
    return [type(p.event) for p in uow.published]


async def test_position_at_reorder_point_raises_one_requisition_with_three_events(
    uow: FakeReplenishmentUoW,
) -> None:
    await with_policy(uow)
    await apply(uow, availability(25, 5))  # position 20
    assert types_published(uow) == [StockBelowThreshold, ReplenishmentProposed, ApprovalRequested]
    (requisition,) = uow.requisitions.rows.values()
    assert (requisition.quantity, requisition.amount) == (D(100), D("1250.00"))
    requested = uow.published[2].event
    assert isinstance(requested, ApprovalRequested)
    assert requested.subject_id == requisition.requisition_id
    assert uow.published[2].key == requisition.requisition_id


async def test_position_above_reorder_point_raises_nothing(uow: FakeReplenishmentUoW) -> None:
    await with_policy(uow)
    await apply(uow, availability(21))
    assert uow.published == []
    assert uow.requisitions.rows == {}


async def test_open_requisition_blocks_a_second_one(uow: FakeReplenishmentUoW) -> None:
    await with_policy(uow)
    await apply(uow, availability(10))
    await apply(uow, availability(5))
    await apply(uow, availability(0))
    assert len(uow.requisitions.rows) == 1
    assert types_published(uow).count(StockBelowThreshold) == 1


async def test_no_policy_no_requisition(uow: FakeReplenishmentUoW) -> None:
    await apply(uow, availability(0))
    assert uow.published == []
    assert uow.positions.rows[("SKU-1", "WH-1")].on_hand == D(0)


async def _breach_and_grant(uow: FakeReplenishmentUoW) -> tuple[Requisition, ApprovalGranted]:
    await with_policy(uow)
    await apply(uow, availability(10))
    (requisition,) = uow.requisitions.rows.values()
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await grant(uow, granted)
    return requisition, granted


async def test_grant_releases_a_purchase_order_and_raises_on_order(
    uow: FakeReplenishmentUoW,
) -> None:
    requisition, _ = await _breach_and_grant(uow)
    (order,) = uow.purchase_orders.rows.values()
    assert order.purchase_order_id.startswith("PO-")
    assert (order.quantity, order.status) == (D(100), "open")
    assert order.expected_receipt_date == date(2025, 3, 8)  # supplier lead time 7 days
    stored = uow.requisitions.rows[requisition.requisition_id]
    assert (stored.status, stored.purchase_order_id) == ("ordered", order.purchase_order_id)
    position = uow.positions.rows[("SKU-1", "WH-1")]
    assert (position.on_order, position.inventory_position) == (D(100), D(110))
    released = uow.published[-1].event
    assert isinstance(released, PurchaseOrderReleased)
    assert released.requisition_id == requisition.requisition_id


async def test_duplicate_or_late_grant_changes_nothing(uow: FakeReplenishmentUoW) -> None:
    _, granted = await _breach_and_grant(uow)
    published = len(uow.published)
    await grant(uow, granted)
    assert len(uow.purchase_orders.rows) == 1
    assert len(uow.published) == published
    assert uow.positions.rows[("SKU-1", "WH-1")].on_order == D(100)


async def test_rejection_closes_the_requisition_and_a_later_breach_raises_a_new_one(
    uow: FakeReplenishmentUoW,
) -> None:
    await with_policy(uow)
    await apply(uow, availability(10))
    (requisition,) = uow.requisitions.rows.values()
    rejected = ApprovalRejected(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
        reason="budget frozen",
    )
    await reject(uow, rejected)
    stored = uow.requisitions.rows[requisition.requisition_id]
    assert (stored.status, stored.decision_comment) == ("rejected", "budget frozen")
    assert uow.purchase_orders.rows == {}
    await grant(uow, _grant_of(stored))  # late grant
    assert uow.purchase_orders.rows == {}
    await apply(uow, availability(9))
    assert len(uow.requisitions.rows) == 2


async def test_withdrawal_cancels_the_requisition_and_a_later_grant_orders_nothing(
    uow: FakeReplenishmentUoW,
) -> None:
    await with_policy(uow)
    await apply(uow, availability(10))
    (requisition,) = uow.requisitions.rows.values()
    withdrawn = ApprovalWithdrawn(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        withdrawn_by="chen.planner",
        withdrawn_at=NOW,
        reason="supplier discontinued the item",
    )
    async with uow:
        await apply_approval_withdrawn(inbound(withdrawn), uow)
        await uow.commit()
    stored = uow.requisitions.rows[requisition.requisition_id]
    assert (stored.status, stored.decided_by, stored.decision_comment) == (
        "cancelled",
        "chen.planner",
        "supplier discontinued the item",
    )
    await grant(uow, _grant_of(stored))  # a grant racing the withdrawal
    assert uow.purchase_orders.rows == {}
    assert uow.positions.rows[("SKU-1", "WH-1")].on_order == D(0)
    await apply(uow, availability(9))
    assert len(uow.requisitions.rows) == 2


def _grant_of(requisition: Requisition) -> ApprovalGranted:
    return ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="x",
        decided_at=NOW,
    )


async def test_decision_about_another_subject_type_is_ignored(uow: FakeReplenishmentUoW) -> None:
    await with_policy(uow)
    await apply(uow, availability(10))
    (requisition,) = uow.requisitions.rows.values()
    other = _grant_of(requisition).model_copy(update={"subject_type": "expense_claim"})
    await grant(uow, other)
    assert uow.purchase_orders.rows == {}


async def test_receipt_closes_po_and_position_does_not_dip(uow: FakeReplenishmentUoW) -> None:
    await _breach_and_grant(uow)
    (order,) = uow.purchase_orders.rows.values()
    before = uow.positions.rows[("SKU-1", "WH-1")].inventory_position
    published = len(uow.published)
    receipt = availability(110, po=order.purchase_order_id, received=100)
    await apply(uow, receipt)
    position = uow.positions.rows[("SKU-1", "WH-1")]
    assert (position.on_hand, position.on_order) == (D(110), D(0))
    assert position.inventory_position == before == D(110)
    closed = uow.purchase_orders.rows[order.purchase_order_id]
    assert (closed.status, closed.closed_at) == ("closed", receipt.as_of)
    assert len(uow.published) == published  # no false requisition
    # the same movement delivered again (new event id) is not booked twice
    again = availability(110, po=order.purchase_order_id, received=100)
    again = again.model_copy(update={"movement": receipt.movement})
    await apply(uow, again)
    assert uow.purchase_orders.rows[order.purchase_order_id].received_quantity == D(100)


async def test_partial_receipt_keeps_po_open(uow: FakeReplenishmentUoW) -> None:
    await _breach_and_grant(uow)
    (order,) = uow.purchase_orders.rows.values()
    await apply(uow, availability(50, po=order.purchase_order_id, received=40))
    stored = uow.purchase_orders.rows[order.purchase_order_id]
    assert (stored.status, stored.open_quantity) == ("partially_received", D(60))
    assert uow.positions.rows[("SKU-1", "WH-1")].on_order == D(60)


async def test_receipt_closing_po_while_still_below_raises_a_new_requisition(
    uow: FakeReplenishmentUoW,
) -> None:
    await _breach_and_grant(uow)
    (order,) = uow.purchase_orders.rows.values()
    # meanwhile 95 were reserved: after the receipt the position is 110 - 95 = 15 <= 20
    await apply(uow, availability(110, 95, po=order.purchase_order_id, received=100))
    assert uow.purchase_orders.rows[order.purchase_order_id].status == "closed"
    assert len(uow.requisitions.rows) == 2


async def test_receipt_naming_an_unknown_po_still_updates_on_hand(
    uow: FakeReplenishmentUoW,
) -> None:
    await apply(uow, availability(7, po="PO-NOPE", received=7))
    position = uow.positions.rows[("SKU-1", "WH-1")]
    assert (position.on_hand, position.on_order) == (D(7), D(0))


async def test_setting_a_policy_checks_the_threshold_at_once(uow: FakeReplenishmentUoW) -> None:
    await apply(uow, availability(5))
    policy = Policy("SKU-1", "WH-1", D(10), D(50), "SUP-1")
    outcome = await set_policy(policy, PLANNER, uow, lambda: NOW)
    assert outcome.requisition_raised is not None
    assert outcome.open_requisition_id == outcome.requisition_raised.requisition_id
    assert outcome.terms.unit_cost == D("12.50")
    assert types_published(uow) == [StockBelowThreshold, ReplenishmentProposed, ApprovalRequested]


async def test_policy_changes_are_audited_under_the_actor_with_before_and_after(
    uow: FakeReplenishmentUoW,
) -> None:
    first = Policy("SKU-1", "WH-1", D(10), D(50), "SUP-1")
    await set_policy(first, PLANNER, uow, lambda: NOW)
    await set_policy(first, PLANNER, uow, lambda: NOW)  # the same policy again: no change
    await set_policy(replace(first, reorder_point=D(4), manual=True), PLANNER, uow, lambda: NOW)
    created, updated = uow.audited
    assert (created["actor"], created["action"], created["entity_type"]) == (
        "sun.planner",
        "create",
        "policy",
    )
    assert (created["entity_id"], created["before"]) == ("SKU-1@WH-1", None)
    assert created["after"]["reorder_point"] == "10"
    assert (updated["action"], updated["before"]["reorder_point"]) == ("update", "10")
    assert (updated["after"]["reorder_point"], updated["after"]["manual"]) == ("4", True)


async def test_policy_with_unknown_supplier_is_refused_and_not_stored(
    uow: FakeReplenishmentUoW,
) -> None:
    with pytest.raises(PolicyError) as refused:
        await set_policy(Policy("SKU-1", "WH-1", D(10), D(50), "SUP-X"), PLANNER, uow)
    assert refused.value.field == "supplier_id"
    assert uow.policies.rows == {}


async def test_demand_counts_an_order_once_even_if_placed_twice(uow: FakeReplenishmentUoW) -> None:
    order = OrderPlaced(
        order_id="SO-1",
        lines=(
            OrderLine(sku="SKU-1", location="WH-1", quantity=D(2)),
            OrderLine(sku="SKU-1", location="WH-1", quantity=D(3)),
        ),
    )
    for _ in range(2):
        async with uow:
            await record_demands([inbound(order)], uow)
            await uow.commit()
    assert uow.demand.daily == {("SKU-1", "WH-1", date(2025, 3, 1)): (D(5), 1)}
