"""One realistic example of every event, following one order and one requisition: for the
AsyncAPI document, the tests, docs and e2e. `example_event(event_type)` wraps one in a CloudEvent
with a fixed id and time, so the generated documents stay stable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final
from uuid import NAMESPACE_URL, uuid5

from inventory_contracts.envelope import CloudEvent, new_event
from inventory_contracts.events import (
    alerts,
    approvals,
    availability,
    identity,
    master_data,
    orders,
    reservations,
    stock,
)
from inventory_contracts.events.base import Event
from inventory_contracts.examples_master_data import MASTER_DATA_EXAMPLES
from inventory_contracts.examples_purchase_orders import PURCHASE_ORDER_EXAMPLES
from inventory_contracts.examples_quotes import QUOTE_EXAMPLES
from inventory_contracts.examples_replenishment import REPLENISHMENT_EXAMPLES
from inventory_contracts.services import publisher_of

_T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
_SKU, _LOC, _PR = "TEA-LJ-250G", "SH-01", "PR-2025-0042"
_LINE = orders.OrderLine(sku=_SKU, location=_LOC, quantity=Decimal("12"))
_KG_LINE = orders.OrderLine(sku="RICE-5KG", location=_LOC, quantity=Decimal("2.5"))


def _at(hour: int, minute: int = 0) -> datetime:
    return _T0.replace(hour=hour, minute=minute)


_STEPS = (
    approvals.ApprovalStep(
        role="department_manager", approver="li.na", decision="approved", decided_at=_at(10)
    ),
    approvals.ApprovalStep(
        role="finance_director",
        approver="wang.wei",
        decision="approved",
        decided_at=_at(11),
        comment="Within budget.",
    ),
)
_APPROVAL = dict(request_id="AR-2025-0042", subject_type="purchase_requisition", subject_id=_PR)

EXAMPLES: Final[tuple[Event, ...]] = (
    orders.OrderPlaced(
        order_id="SO-1001",
        lines=(_LINE, _KG_LINE),
        customer_id="C-88",
        priority=5,
        reservation_ttl_seconds=3600,
        allow_partial=True,
    ),
    orders.OrderCancelled(order_id="SO-1001", lines=(_KG_LINE,), reason="Customer changed mind"),
    orders.OrderShipped(
        order_id="SO-1001", lines=(_LINE,), shipment_id="SHP-77", shipped_at=_at(15)
    ),
    master_data.ItemUpserted(
        sku=_SKU,
        name="Longjing green tea 250 g",
        name_zh="龙井绿茶 250克",
        unit_of_measure="box",
        category="tea",
        unit_cost=Decimal("86.50"),
        valuation_method="fifo",
        lot_tracked=True,
        expiry_managed=True,
    ),
    *MASTER_DATA_EXAMPLES,
    *QUOTE_EXAMPLES,
    master_data.LocationUpserted(location=_LOC, name="Shanghai central warehouse"),
    master_data.SupplierUpserted(
        supplier_id="SUP-HZ-03", name="Hangzhou Tea Co.", lead_time_days=7
    ),
    stock.StockMoved(
        movement_id="LE-500231",
        sku=_SKU,
        location=_LOC,
        quantity_delta=Decimal("-12"),
        movement_type="issue",
        lot="L2501",
        expiry_date=date(2026, 1, 31),
        unit_cost=Decimal("86.50"),
        value=Decimal("-1038.00"),
        on_hand_after=Decimal("28"),
        document_id="GI-2025-0310",
        document_type="issue",
        order_id="SO-1001",
        posted_at=_at(15, 5),
        posted_by="system:shipments",
    ),
    *PURCHASE_ORDER_EXAMPLES,
    reservations.StockReserved(
        order_id="SO-1001",
        reservation_id="RSV-9001",
        lines=(
            reservations.ReservedLine(
                sku=_SKU, location=_LOC, requested=Decimal("12"), reserved=Decimal("12")
            ),
            reservations.ReservedLine(
                sku="RICE-5KG", location=_LOC, requested=Decimal("2.5"), reserved=Decimal("2")
            ),
        ),
        expires_at=_at(9),
        partial=True,
        backordered_lines=(
            orders.OrderLine(sku="RICE-5KG", location=_LOC, quantity=Decimal("0.5")),
        ),
    ),
    reservations.ReservationRejected(
        order_id="SO-1002",
        reason="insufficient_stock",
        message="Not enough TEA-LJ-250G at SH-01: 40 requested, 28 available.",
        short_lines=(
            reservations.ShortLine(
                sku=_SKU, location=_LOC, requested=Decimal("40"), available=Decimal("28")
            ),
        ),
    ),
    reservations.ReservationReleased(
        order_id="SO-1001",
        reservation_id="RSV-9001",
        lines=(orders.OrderLine(sku="RICE-5KG", location=_LOC, quantity=Decimal("2")),),
        reason="partial_cancel",
    ),
    reservations.ReservationExpired(
        order_id="SO-1003", reservation_id="RSV-9002", lines=(_LINE,), expired_at=_at(12)
    ),
    reservations.ReservationFulfilled(
        order_id="SO-1001", reservation_id="RSV-9001", lines=(_LINE,), shipment_id="SHP-77"
    ),
    reservations.BackorderFilled(
        order_id="SO-1004",
        reservation_id="RSV-SO-1004",
        lines=(
            reservations.FilledLine(
                sku=_SKU, location=_LOC, quantity=Decimal("6"), still_backordered=Decimal("4")
            ),
        ),
    ),
    reservations.StockOvercommitted(
        sku=_SKU, location=_LOC, on_hand=Decimal(10), reserved=Decimal(12), shortfall=Decimal(2)
    ),
    availability.AvailabilityChanged(
        sku=_SKU,
        location=_LOC,
        on_hand=Decimal("40"),
        reserved=Decimal("12"),
        available_to_promise=Decimal("28"),
        as_of=_at(8, 1),
        cause="stock_movement",
        movement=availability.MovementReference(
            movement_id="MOV-20261126-0001",
            movement_type="receipt",
            quantity_delta=Decimal("40"),
            purchase_order_id="PO-2026-0042",
        ),
    ),
    *REPLENISHMENT_EXAMPLES,
    approvals.ApprovalRequested(
        **_APPROVAL,
        amount=Decimal("10080.00"),
        department="purchasing",
        requested_by="system:replenishment",
        summary="Restock TEA-LJ-250G at SH-01: 120 boxes from Hangzhou Tea Co.",
        details={"sku": _SKU, "location": _LOC, "quantity": "120"},
    ),
    approvals.ApprovalGranted(**_APPROVAL, decided_by="wang.wei", decided_at=_at(11), steps=_STEPS),
    approvals.ApprovalRejected(
        **_APPROVAL,
        decided_by="li.na",
        decided_at=_at(10),
        steps=(_STEPS[0].model_copy(update={"decision": "rejected"}),),
        reason="Dead stock of the same tea in HZ-02; transfer instead.",
    ),
    approvals.ApprovalEscalated(
        **_APPROVAL,
        step_role="department_manager",
        from_approver="li.na",
        to_role="finance_director",
        overdue_since=_at(9),
    ),
    approvals.ApprovalReminderDue(
        **_APPROVAL,
        step_no=1,
        step_role="department_manager",
        assignees=("li.na",),
        due_at=_at(9),
    ),
    approvals.ApprovalWithdrawn(
        **_APPROVAL, withdrawn_by="system:replenishment", withdrawn_at=_at(9), reason="Demand fell."
    ),
    alerts.AlertRaised(
        alert_id="AL-3001",
        rule_id="low-stock-default",
        rule_kind="low_stock",
        severity="warning",
        subject=f"{_SKU}@{_LOC}",
        title="Low stock: TEA-LJ-250G at SH-01",
        message="Available to promise 28 is below the reorder point 35.",
        raised_at=_at(8, 2),
        details={"available_to_promise": "28", "reorder_point": "35"},
    ),
    alerts.AlertResolved(
        alert_id="AL-3001",
        rule_id="low-stock-default",
        subject=f"{_SKU}@{_LOC}",
        resolved_at=datetime(2025, 3, 10, 9, 41, tzinfo=UTC),
    ),
    identity.PersonChanged(
        person_id="3f2b8c1e-5d4a-4c6e-9b7a-2e1f0d9c8b7a",
        login="chen.planner",
        change="updated",
        changed_fields=("department", "roles"),
        display_name="陈计划 / Chen (planner)",
        department="purchasing",
        roles=("planner",),
        changed_at=_at(7, 30),
    ),
)
"""One example per event type, in registry order."""

_BY_TYPE: Final = {example.event_type: example for example in EXAMPLES}


def example_for(event_type: str) -> Event:
    """The example event of `event_type`; KeyError if there is none."""
    return _BY_TYPE[event_type]


def example_event(event_type: str) -> CloudEvent:
    """The example of `event_type` in a CloudEvent from its publisher, with a fixed id and time."""
    example = example_for(event_type)
    return new_event(
        example,
        source=publisher_of(event_type).source,
        subject=example.key(),
        correlation_id="corr-SO-1001",
        event_id=str(uuid5(NAMESPACE_URL, f"urn:inventory-example:{event_type}")),
        time=_T0,
    )
