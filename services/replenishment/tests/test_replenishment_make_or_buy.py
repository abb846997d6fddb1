"""Make or buy: a make item below its threshold raises a production work order proposal (no
supplier, production lead time, standard cost) that approval releases as a work order; its
completion receipts close it. Domain rules and handlers against the in-memory unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import TYPE_CHECKING

import pytest
from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
)
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased, WorkOrderReleased
from inventory_contracts.events.replenishment import ReplenishmentProposed, StockBelowThreshold
from replenishment import domain
from replenishment.domain import Item, Policy, Position, ProcurementType
from replenishment.handlers.master_data import record_items

from .test_replenishment_handlers import apply, availability, grant, inbound, reject, with_policy

if TYPE_CHECKING:
    from .conftest import FakeReplenishmentUoW

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
CAKE = Item("SKU-1", "Mooncake", "bakery", D("12.50"), procurement_type="make")
POLICY = Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1")


def test_a_make_item_is_made_at_standard_cost_with_no_supplier() -> None:
    terms = domain.resolve_terms(POLICY, replace(CAKE, production_lead_time_days=2), None)
    assert (terms.procurement_type, terms.supplier_id) == ("make", None)
    assert (terms.unit_cost, terms.lead_time_days, terms.department) == (
        D("12.50"), 2, "production"
    )  # fmt: skip


def test_a_make_item_without_a_production_lead_time_takes_the_planning_default() -> None:
    terms = domain.resolve_terms(POLICY, CAKE, None)
    assert terms.lead_time_days == domain.DEFAULT_PRODUCTION_LEAD_TIME_DAYS
    assert domain.resolve_terms(replace(POLICY, lead_time_days=5), CAKE, None).lead_time_days == 5


def test_a_buy_item_still_needs_its_supplier() -> None:
    with pytest.raises(domain.PolicyError):
        domain.resolve_terms(POLICY, replace(CAKE, procurement_type="buy"), None)


@pytest.mark.parametrize(
    ("procurement", "prefix", "events"),
    [
        ("make", "WOP-", [StockBelowThreshold, ApprovalRequested]),
        ("buy", "REQ-", [StockBelowThreshold, ReplenishmentProposed, ApprovalRequested]),
    ],
)
def test_the_breach_raises_a_proposal_of_the_items_procurement_type(
    procurement: ProcurementType, prefix: str, events: list[type]
) -> None:
    item = replace(CAKE, procurement_type=procurement)
    supplier = domain.Supplier("SUP-1", "Acme", 7)
    terms = domain.resolve_terms(POLICY, item, supplier)
    position = Position("SKU-1", "WH-1", on_hand=D(-130))  # 150 short of the reorder point
    proposal = domain.raise_proposal(position, POLICY, terms, NOW)
    assert proposal.requisition_id.startswith(prefix)
    assert proposal.procurement_type == procurement
    # the same planning: whole order quantities lifting the position above the reorder point
    assert (proposal.quantity, proposal.amount) == (D(200), D("2500.00"))
    assert [type(event) for event in proposal.events] == events


def test_a_work_order_proposal_asks_approval_in_its_own_subject_type() -> None:
    terms = domain.production_terms(POLICY, CAKE)
    proposal = domain.raise_proposal(Position("SKU-1", "WH-1", D(5)), POLICY, terms, NOW)
    requested = proposal.events[-1]
    assert isinstance(requested, ApprovalRequested)
    assert requested.subject_type == "production_work_order"
    assert requested.department == "production"
    assert requested.details["procurement_type"] == "make"
    assert "supplier_id" not in requested.details
    assert "生产工单" in requested.summary and "work order" in requested.summary


def test_approval_releases_a_work_order_due_after_the_production_lead_time() -> None:
    terms = domain.production_terms(POLICY, CAKE)
    proposal = domain.raise_proposal(Position("SKU-1", "WH-1", D(5)), POLICY, terms, NOW)
    order = domain.release(proposal, "zhou.production", NOW)
    assert order.purchase_order_id.startswith("WO-") and order.supplier_id is None
    assert (proposal.status, proposal.purchase_order_id) == ("ordered", order.purchase_order_id)
    (released,) = order.events
    assert isinstance(released, WorkOrderReleased)
    assert (released.quantity, released.total_amount, released.due_date) == (
        D(100), D("1250.00"), date(2025, 3, 4)
    )  # fmt: skip


async def make_item(uow: FakeReplenishmentUoW) -> None:
    async with uow:
        event = ItemUpserted(
            sku="SKU-1",
            name="Mooncake",
            unit_of_measure="pcs",
            category="bakery",
            unit_cost=D("12.50"),
            procurement_type="make",
            production_lead_time_days=2,
        )
        await record_items([inbound(event)], uow)
        await uow.commit()


async def test_a_make_item_below_threshold_raises_no_purchase_requisition(
    uow: FakeReplenishmentUoW,
) -> None:
    await make_item(uow)
    await with_policy(uow)
    await apply(uow, availability(10))
    await apply(uow, availability(5))
    (proposal,) = uow.requisitions.rows.values()
    assert proposal.procurement_type == "make" and proposal.supplier_id is None
    published = [type(p.event) for p in uow.published]
    assert published == [StockBelowThreshold, ApprovalRequested]


def _decision(uow: FakeReplenishmentUoW) -> dict[str, str]:
    (proposal,) = uow.requisitions.rows.values()
    return {
        "request_id": proposal.approval_request_id,
        "subject_type": "production_work_order",
        "subject_id": proposal.requisition_id,
        "decided_by": "zhou.production",
    }


async def test_a_granted_proposal_is_a_released_work_order_on_order_closed_by_its_receipts(
    uow: FakeReplenishmentUoW,
) -> None:
    await make_item(uow)
    await with_policy(uow)
    await apply(uow, availability(10))
    await grant(uow, ApprovalGranted(**_decision(uow), decided_at=NOW))
    (order,) = uow.purchase_orders.rows.values()
    assert order.procurement_type == "make" and order.expected_receipt_date == date(2025, 3, 3)
    assert uow.positions.rows[("SKU-1", "WH-1")].on_order == D(100)
    assert isinstance(uow.published[-1].event, WorkOrderReleased)
    assert not any(isinstance(p.event, PurchaseOrderReleased) for p in uow.published)

    wo = order.purchase_order_id
    await apply(uow, availability(50, po=wo, received=D(40)))
    assert uow.purchase_orders.rows[wo].status == "partially_received"
    await apply(uow, availability(110, po=wo, received=D(60)))
    done = uow.purchase_orders.rows[wo]
    assert (done.status, done.received_quantity) == ("closed", D(100))
    position = uow.positions.rows[("SKU-1", "WH-1")]
    assert (position.on_hand, position.on_order) == (D(110), D(0))
    assert len(uow.requisitions.rows) == 1  # completing it raised no new proposal


async def test_a_rejected_proposal_closes_and_a_later_breach_raises_a_new_one(
    uow: FakeReplenishmentUoW,
) -> None:
    await make_item(uow)
    await with_policy(uow)
    await apply(uow, availability(10))
    await reject(uow, ApprovalRejected(**_decision(uow), decided_at=NOW, reason="line busy"))
    (rejected,) = uow.requisitions.rows.values()
    assert rejected.status == "rejected" and uow.purchase_orders.rows == {}
    await apply(uow, availability(9))
    proposals = sorted(uow.requisitions.rows.values(), key=lambda r: r.status)
    assert [(p.status, p.procurement_type) for p in proposals] == [
        ("pending_approval", "make"), ("rejected", "make")
    ]  # fmt: skip
