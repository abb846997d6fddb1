"""The replenishment rules on their own: threshold, quantities, terms, receipts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.orders import OrderLine
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.replenishment import ReplenishmentProposed, StockBelowThreshold
from replenishment import domain
from replenishment.domain import Item, Policy, Position, Supplier

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
ITEM = Item("SKU-1", "Widget", "parts", D("12.50"), currency="CNY")
SUPPLIER = Supplier("SUP-1", "Acme", 7, currency="USD")


def policy(**overrides: object) -> Policy:
    values: dict[str, object] = {
        "sku": "SKU-1",
        "location": "WH-1",
        "reorder_point": D(20),
        "order_quantity": D(100),
        "supplier_id": "SUP-1",
    }
    return Policy(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("on_hand", "reserved", "on_order", "below"),
    [
        (D(20), D(0), D(0), True),  # exactly at the reorder point triggers
        (D("20.001"), D(0), D(0), False),
        (D(30), D(15), D(0), True),  # reserved stock is not available
        (D(5), D(0), D(16), False),  # on order counts
        (D(-3), D(0), D(0), True),
    ],
)
def test_threshold_is_position_at_or_below_reorder_point(
    on_hand: D, reserved: D, on_order: D, below: bool
) -> None:
    position = Position("SKU-1", "WH-1", on_hand, reserved, on_order)
    assert domain.is_below_threshold(position, D(20)) is below


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (D(20), D(100)),  # at the reorder point: one order quantity
        (D(0), D(100)),
        (D(-80), D(200)),  # 100 would leave it exactly at 20, not above
        (D(-250), D(300)),
    ],
)
def test_quantity_is_smallest_multiple_lifting_position_above_reorder_point(
    position: D, expected: D
) -> None:
    quantity = domain.reorder_quantity(position, D(20), D(100))
    assert quantity == expected
    assert position + quantity > D(20)


def test_terms_default_from_item_and_supplier() -> None:
    terms = domain.resolve_terms(policy(), ITEM, SUPPLIER)
    assert (terms.unit_cost, terms.currency, terms.lead_time_days) == (D("12.50"), "CNY", 7)
    assert terms.department == "purchasing"


def test_terms_overrides_win() -> None:
    overridden = policy(unit_cost=D(9), lead_time_days=3, currency="EUR", department="ops")
    terms = domain.resolve_terms(overridden, ITEM, SUPPLIER)
    assert (terms.unit_cost, terms.currency, terms.lead_time_days) == (D(9), "EUR", 3)
    assert terms.department == "ops"


def test_explicit_cost_without_currency_takes_the_suppliers_currency() -> None:
    assert domain.resolve_terms(policy(unit_cost=D(9)), None, SUPPLIER).currency == "USD"


def test_unknown_supplier_is_refused_naming_the_field() -> None:
    with pytest.raises(domain.PolicyError) as refused:
        domain.resolve_terms(policy(), ITEM, None)
    assert refused.value.field == "supplier_id"


def test_unknown_item_without_cost_is_refused_naming_unit_cost() -> None:
    with pytest.raises(domain.PolicyError) as refused:
        domain.resolve_terms(policy(), None, SUPPLIER)
    assert refused.value.field == "unit_cost"


def test_raised_requisition_and_its_three_events() -> None:
    position = Position("SKU-1", "WH-1", D(30), D(15), D(0))
    requisition = domain.raise_requisition(
        position, policy(), domain.resolve_terms(policy(), ITEM, SUPPLIER), NOW
    )
    assert requisition.requisition_id.startswith("REQ-20250301-")
    assert (requisition.quantity, requisition.amount) == (D(100), D("1250.00"))
    assert requisition.status == "pending_approval"
    below, proposed, requested = requisition.events
    assert isinstance(below, StockBelowThreshold)
    assert (below.inventory_position, below.reorder_point) == (D(15), D(20))
    assert isinstance(proposed, ReplenishmentProposed)
    assert proposed.need_by == date(2025, 3, 8)
    assert isinstance(requested, ApprovalRequested)
    assert requested.subject_type == "purchase_requisition"
    assert requested.subject_id == requisition.requisition_id
    assert requested.request_id == requisition.approval_request_id
    assert (requested.amount, requested.currency, requested.department) == (
        D("1250.00"),
        "CNY",
        "purchasing",
    )
    assert "采购申请" in requested.summary and "Purchase requisition" in requested.summary
    assert requested.details["quantity"] == "100"


def test_amount_is_rounded_to_cents() -> None:
    terms = domain.resolve_terms(policy(unit_cost=D("0.333")), ITEM, SUPPLIER)
    requisition = domain.raise_requisition(Position("SKU-1", "WH-1"), policy(), terms, NOW)
    assert requisition.amount == D("33.30")


def test_release_orders_the_requisition_with_expected_date_from_lead_time() -> None:
    terms = domain.resolve_terms(policy(), ITEM, SUPPLIER)
    requisition = domain.raise_requisition(Position("SKU-1", "WH-1"), policy(), terms, NOW)
    order = domain.release_purchase_order(requisition, "wang.manager", NOW + timedelta(hours=1))
    (released,) = order.events
    assert isinstance(released, PurchaseOrderReleased)
    assert requisition.status == "ordered"
    assert requisition.purchase_order_id == order.purchase_order_id
    assert order.expected_receipt_date == date(2025, 3, 8)
    assert released.total_amount == D("1250.00")
    assert [(line.sku, line.quantity) for line in released.lines] == [("SKU-1", D(100))]


def test_purchase_order_closes_when_fully_received_and_caps_over_receipt() -> None:
    terms = domain.resolve_terms(policy(), ITEM, SUPPLIER)
    requisition = domain.raise_requisition(Position("SKU-1", "WH-1"), policy(), terms, NOW)
    order = domain.release_purchase_order(requisition, "x", NOW)
    assert order.receive(D(40), NOW) == D(40)
    assert (order.status, order.open_quantity) == ("partially_received", D(60))
    assert order.receive(D(70), NOW + timedelta(days=1)) == D(60)
    assert (order.status, order.received_quantity) == ("closed", D(110))
    assert order.closed_at == NOW + timedelta(days=1)


def test_older_snapshot_is_ignored() -> None:
    position = Position("SKU-1", "WH-1")
    assert position.apply_snapshot(D(10), D(1), NOW)
    assert not position.apply_snapshot(D(99), D(0), NOW - timedelta(seconds=1))
    assert (position.on_hand, position.reserved) == (D(10), D(1))


def test_demand_adds_repeated_lines_of_a_stock_point() -> None:
    lines = [
        OrderLine(sku="A", location="W", quantity=D(2)),
        OrderLine(sku="A", location="W", quantity=D(3)),
        OrderLine(sku="B", location="W", quantity=D(1)),
    ]
    assert domain.demand_by_stock_point(lines) == {("A", "W"): D(5), ("B", "W"): D(1)}


def test_a_requisition_is_due_at_the_reorder_point_with_a_policy_and_none_open() -> None:
    at_point = Position("SKU-1", "WH-1", D(25), D(5))  # position 20
    above = Position("SKU-1", "WH-1", D(21))
    assert domain.ReorderWatch(at_point, policy(), requisition_open=False).due() == policy()
    assert domain.ReorderWatch(above, policy(), requisition_open=False).due() is None
    assert domain.ReorderWatch(at_point, policy(), requisition_open=True).due() is None
    assert domain.ReorderWatch(at_point, None, requisition_open=False).due() is None


def test_raising_the_due_requisition_records_its_events_and_counts_as_open() -> None:
    watch = domain.ReorderWatch(Position("SKU-1", "WH-1", D(10)), policy(), requisition_open=False)
    requisition = watch.raise_requisition(domain.resolve_terms(policy(), ITEM, SUPPLIER), NOW)
    assert [type(e) for e in requisition.events] == [
        StockBelowThreshold,
        ReplenishmentProposed,
        ApprovalRequested,
    ]
    assert watch.requisition_open and watch.due() is None
    with pytest.raises(domain.NoRequisitionDue):
        watch.raise_requisition(domain.resolve_terms(policy(), ITEM, SUPPLIER), NOW)
