"""Make or buy: a breach of a make item raises a production work order proposal, not a purchase
requisition.

The proposal is a `Requisition` of procurement type ``make``: the same planning sets its
quantity (reorder point, order quantity from lot sizing / EOQ), it has no supplier, its lead
time is the production lead time and its value is at standard cost. It is open like a
requisition (so no second proposal is raised for the stock point) and is approved through its
own flow (subject type ``production_work_order``). Approved, it becomes a released work order,
a `PurchaseOrder` of procurement type ``make`` counted on order; completion receipts against it
(a goods receipt whose order reference is the work order id) close it as they close a PO.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import WorkOrderReleased
from inventory_contracts.events.replenishment import StockBelowThreshold

from replenishment.domain.purchasing import (
    REQUESTED_BY,
    PurchaseOrder,
    Requisition,
    new_document_id,
    open_proposal,
    raise_requisition,
    release_purchase_order,
)
from replenishment.domain.stock import Policy, Position, Terms

WORK_ORDER_SUBJECT_TYPE: Final = "production_work_order"
PROPOSAL_PREFIX: Final = "WOP"
WORK_ORDER_PREFIX: Final = "WO"


def raise_proposal(position: Position, policy: Policy, terms: Terms, now: datetime) -> Requisition:
    """What a breach raises: a production work order proposal when the terms are a make item's,
    else a purchase requisition."""
    if terms.procurement_type == "make":
        return raise_work_order_proposal(position, policy, terms, now)
    return raise_requisition(position, policy, terms, now)


def raise_work_order_proposal(
    position: Position, policy: Policy, terms: Terms, now: datetime
) -> Requisition:
    """The work order proposal for a breach, recording StockBelowThreshold and ApprovalRequested
    (no ReplenishmentProposed: that announces a purchase requisition from a supplier)."""
    proposal = open_proposal(position, policy, terms, now, PROPOSAL_PREFIX)
    proposal.events.extend(_proposal_events(proposal, position, now))
    return proposal


def _proposal_events(wop: Requisition, position: Position, now: datetime) -> list[Event]:
    money = f"{wop.currency} {wop.amount}"
    due = (now + timedelta(days=wop.lead_time_days)).date()
    summary = (
        f"生产工单申请 {wop.requisition_id}：{wop.sku} @ {wop.location} 生产 {wop.quantity}，"
        f"标准成本金额 {money} / Production work order proposal {wop.requisition_id}: make "
        f"{wop.quantity} of {wop.sku} for {wop.location}, {money} at standard cost"
    )
    return [
        StockBelowThreshold(
            sku=wop.sku,
            location=wop.location,
            inventory_position=position.inventory_position,
            on_hand=position.on_hand,
            reserved=position.reserved,
            on_order=position.on_order,
            reorder_point=wop.reorder_point,
        ),
        ApprovalRequested(
            request_id=wop.approval_request_id,
            subject_type=WORK_ORDER_SUBJECT_TYPE,
            subject_id=wop.requisition_id,
            amount=wop.amount,
            currency=wop.currency,
            department=wop.department,
            requested_by=REQUESTED_BY,
            summary=summary,
            details={
                "procurement_type": "make",
                "sku": wop.sku,
                "location": wop.location,
                "quantity": str(wop.quantity),
                "unit_cost": str(wop.unit_cost),
                "production_lead_time_days": wop.lead_time_days,
                "due_date": due.isoformat(),
                "inventory_position": str(position.inventory_position),
                "on_hand": str(position.on_hand),
                "reserved": str(position.reserved),
                "on_order": str(position.on_order),
                "reorder_point": str(wop.reorder_point),
            },
        ),
    ]


def release_work_order(proposal: Requisition, decided_by: str, now: datetime) -> PurchaseOrder:
    """Approve the proposal and turn it into a released work order (the proposal is ordered);
    the work order records WorkOrderReleased."""
    proposal.approve(decided_by, now)
    order = PurchaseOrder(
        purchase_order_id=new_document_id(WORK_ORDER_PREFIX, now),
        requisition_id=proposal.requisition_id,
        supplier_id=None,
        sku=proposal.sku,
        location=proposal.location,
        quantity=proposal.quantity,
        unit_cost=proposal.unit_cost,
        amount=proposal.amount,
        currency=proposal.currency,
        expected_receipt_date=(now + timedelta(days=proposal.lead_time_days)).date(),
        released_at=now,
        procurement_type="make",
    )
    proposal.mark_ordered(order.purchase_order_id)
    order.events.append(
        WorkOrderReleased(
            work_order_id=order.purchase_order_id,
            proposal_id=proposal.requisition_id,
            sku=order.sku,
            location=order.location,
            quantity=order.quantity,
            unit_cost=order.unit_cost,
            total_amount=order.amount,
            currency=order.currency,
            due_date=order.expected_receipt_date,
            released_at=now,
        )
    )
    return order


def release(requisition: Requisition, decided_by: str, now: datetime) -> PurchaseOrder:
    """What an approval releases: a work order for a make proposal, else a purchase order."""
    if requisition.procurement_type == "make":
        return release_work_order(requisition, decided_by, now)
    return release_purchase_order(requisition, decided_by, now)
