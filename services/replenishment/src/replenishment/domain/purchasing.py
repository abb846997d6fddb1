"""Purchasing: requisitions raised on a breach, their approval, purchase orders and receipts.

A requisition is raised for the smallest multiple of the order quantity that lifts the position
above the reorder point (usually exactly one order quantity). Its approval releases a purchase
order; receipts against the purchase order lower on-order while they raise on-hand, so the
position does not dip. Requisitions and purchase orders record the events they cause in
`events`; the unit of work collects them when it stores the aggregate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import PurchaseOrderLine, PurchaseOrderReleased
from inventory_contracts.events.replenishment import ReplenishmentProposed, StockBelowThreshold

from replenishment.domain.stock import (
    ZERO,
    Policy,
    Position,
    ProcurementType,
    Terms,
    reorder_quantity,
)

CENT: Final = Decimal("0.01")
SUBJECT_TYPE: Final = "purchase_requisition"
REQUESTED_BY: Final = "replenishment"

RequisitionStatus = Literal["pending_approval", "approved", "ordered", "rejected", "cancelled"]
REQUISITION_STATUSES: Final[tuple[str, ...]] = (
    "pending_approval",
    "approved",
    "ordered",
    "rejected",
    "cancelled",
)
OPEN_REQUISITION_STATUSES: Final = ("pending_approval", "approved")
PurchaseOrderStatus = Literal["open", "partially_received", "closed", "cancelled"]
PURCHASE_ORDER_STATUSES: Final[tuple[str, ...]] = (
    "open",
    "partially_received",
    "closed",
    "cancelled",
)


def new_document_id(prefix: str, now: datetime) -> str:
    """An id like ``REQ-20250301-3F9A1C2B``: readable, sortable by day, unique."""
    return f"{prefix}-{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


@dataclass
class Requisition:
    """A purchase requisition (a proposal to buy) or, for a make item, a production work order
    proposal (no supplier); either waits for approval."""

    requisition_id: str
    sku: str
    location: str
    supplier_id: str | None
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal
    currency: str
    department: str
    lead_time_days: int
    approval_request_id: str
    inventory_position: Decimal
    reorder_point: Decimal
    reason: str
    created_at: datetime
    status: RequisitionStatus = "pending_approval"
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_comment: str | None = None
    purchase_order_id: str | None = None
    procurement_type: ProcurementType = "buy"
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUISITION_STATUSES

    def reject(self, by: str, at: datetime, reason: str) -> None:
        self.status, self.decided_by, self.decided_at = "rejected", by, at
        self.decision_comment = reason

    def approve(self, by: str, at: datetime) -> None:
        self.status, self.decided_by, self.decided_at = "approved", by, at

    def cancel(self, by: str, at: datetime, reason: str) -> None:
        """The approval request behind it was withdrawn: nothing is ordered."""
        self.status, self.decided_by, self.decided_at = "cancelled", by, at
        self.decision_comment = reason

    def mark_ordered(self, purchase_order_id: str) -> None:
        self.status, self.purchase_order_id = "ordered", purchase_order_id


@dataclass
class PurchaseOrder:
    """A purchase order of one line, released to the supplier, or a production work order
    (make: no supplier; its completion receipts close it as goods receipts close a PO)."""

    purchase_order_id: str
    requisition_id: str
    supplier_id: str | None
    sku: str
    location: str
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal
    currency: str
    expected_receipt_date: date
    released_at: datetime
    status: PurchaseOrderStatus = "open"
    received_quantity: Decimal = ZERO
    last_receipt_at: datetime | None = None
    closed_at: datetime | None = None
    procurement_type: ProcurementType = "buy"
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def open_quantity(self) -> Decimal:
        """Units still coming: none once the order is cancelled."""
        if self.status == "cancelled":
            return ZERO
        return max(ZERO, self.quantity - self.received_quantity)

    def receive(self, quantity: Decimal, at: datetime) -> Decimal:
        """Book a receipt; return how much of it was still on order (the rest is over-receipt;
        all of it once the order is cancelled: nothing was on order any more)."""
        applied = ZERO if self.status == "cancelled" else min(quantity, self.open_quantity)
        self.received_quantity += quantity
        self.last_receipt_at = at
        if self.status == "cancelled":
            return applied
        if self.open_quantity == ZERO:
            self.status, self.closed_at = "closed", at
        else:
            self.status = "partially_received"
        return applied


def raise_requisition(
    position: Position, policy: Policy, terms: Terms, now: datetime
) -> Requisition:
    """The requisition for a breach, recording StockBelowThreshold, ReplenishmentProposed and
    ApprovalRequested (the breach is announced only with the requisition that answers it)."""
    requisition = open_proposal(position, policy, terms, now, "REQ")
    requisition.events.extend(_requisition_events(requisition, position, now))
    return requisition


def open_proposal(
    position: Position, policy: Policy, terms: Terms, now: datetime, prefix: str
) -> Requisition:
    """A proposal answering a breach on `terms`, without its events: the smallest multiple of the
    order quantity lifting the position above the reorder point, valued at the terms' cost."""
    ip = position.inventory_position
    quantity = reorder_quantity(ip, policy.reorder_point, policy.order_quantity)
    amount = (quantity * terms.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    requisition_id = new_document_id(prefix, now)
    reason = (
        f"inventory position {ip} <= reorder point {policy.reorder_point} "
        f"(on hand {position.on_hand}, reserved {position.reserved}, on order {position.on_order})"
    )
    return Requisition(
        requisition_id=requisition_id,
        sku=position.sku,
        location=position.location,
        supplier_id=terms.supplier_id,
        quantity=quantity,
        unit_cost=terms.unit_cost,
        amount=amount,
        currency=terms.currency,
        department=terms.department,
        lead_time_days=terms.lead_time_days,
        approval_request_id=f"APR-{requisition_id}",
        inventory_position=ip,
        reorder_point=policy.reorder_point,
        reason=reason,
        created_at=now,
        procurement_type=terms.procurement_type,
    )


def supplier_of(document: Requisition | PurchaseOrder) -> str:
    """The supplier a bought document names (a make document has none)."""
    if document.supplier_id is None:
        raise ValueError(f"{document.requisition_id}: a purchase needs a supplier")
    return document.supplier_id


def _requisition_events(req: Requisition, position: Position, now: datetime) -> list[Event]:
    money = f"{req.currency} {req.amount}"
    summary = (
        f"采购申请 {req.requisition_id}：{req.sku} @ {req.location} 补货 {req.quantity}，"
        f"金额 {money} / Purchase requisition {req.requisition_id}: restock {req.quantity} of "
        f"{req.sku} at {req.location}, amount {money}"
    )
    return [
        StockBelowThreshold(
            sku=req.sku,
            location=req.location,
            inventory_position=position.inventory_position,
            on_hand=position.on_hand,
            reserved=position.reserved,
            on_order=position.on_order,
            reorder_point=req.reorder_point,
        ),
        ReplenishmentProposed(
            requisition_id=req.requisition_id,
            sku=req.sku,
            location=req.location,
            supplier_id=supplier_of(req),
            quantity=req.quantity,
            unit_cost=req.unit_cost,
            amount=req.amount,
            currency=req.currency,
            reason=req.reason,
            need_by=(now + timedelta(days=req.lead_time_days)).date(),
        ),
        ApprovalRequested(
            request_id=req.approval_request_id,
            subject_type=SUBJECT_TYPE,
            subject_id=req.requisition_id,
            amount=req.amount,
            currency=req.currency,
            department=req.department,
            requested_by=REQUESTED_BY,
            summary=summary,
            details={
                "sku": req.sku,
                "location": req.location,
                "supplier_id": supplier_of(req),
                "quantity": str(req.quantity),
                "unit_cost": str(req.unit_cost),
                "inventory_position": str(position.inventory_position),
                "on_hand": str(position.on_hand),
                "reserved": str(position.reserved),
                "on_order": str(position.on_order),
                "reorder_point": str(req.reorder_point),
            },
        ),
    ]


def release_purchase_order(
    requisition: Requisition, decided_by: str, now: datetime
) -> PurchaseOrder:
    """Approve `requisition` and turn it into a purchase order (the requisition is ordered);
    the order records PurchaseOrderReleased."""
    requisition.approve(decided_by, now)
    order = PurchaseOrder(
        purchase_order_id=new_document_id("PO", now),
        requisition_id=requisition.requisition_id,
        supplier_id=requisition.supplier_id,
        sku=requisition.sku,
        location=requisition.location,
        quantity=requisition.quantity,
        unit_cost=requisition.unit_cost,
        amount=requisition.amount,
        currency=requisition.currency,
        expected_receipt_date=(now + timedelta(days=requisition.lead_time_days)).date(),
        released_at=now,
    )
    requisition.mark_ordered(order.purchase_order_id)
    order.events.append(_released(order, now))
    return order


def _released(order: PurchaseOrder, now: datetime) -> PurchaseOrderReleased:
    return PurchaseOrderReleased(
        purchase_order_id=order.purchase_order_id,
        requisition_id=order.requisition_id,
        supplier_id=supplier_of(order),
        lines=(
            PurchaseOrderLine(
                sku=order.sku,
                location=order.location,
                quantity=order.quantity,
                unit_cost=order.unit_cost,
            ),
        ),
        total_amount=order.amount,
        currency=order.currency,
        expected_receipt_date=order.expected_receipt_date,
        released_at=now,
    )
