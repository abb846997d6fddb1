"""Vouchers of ledger movements (pure): roles per movement type, signs, units, settings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from integration_gateway.domain.vouchers import ErpUnit, Posting, parse_postings, voucher
from inventory_contracts.events.stock import StockMoved

POSTED = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)


def moved(movement_type: str, quantity: str, value: str, **extra: Any) -> StockMoved:
    return StockMoved(
        movement_id="LE-1", sku="TEA-1", location="SH-01", quantity_delta=D(quantity),
        movement_type=movement_type, unit_cost=D("8.50"), value=D(value),
        on_hand_after=D(100), document_id="GR-7", document_type="receipt",
        posted_at=POSTED, posted_by="zhao.op", **extra,
    )  # fmt: skip


def roles(data: dict[str, Any]) -> tuple[str, str, str]:
    debit, credit = data["lines"]
    assert debit["amount"] == credit["amount"]
    return debit["role"], credit["role"], debit["amount"]


@pytest.mark.parametrize(
    ("movement_type", "quantity", "value", "expected"),
    [
        ("receipt", "24", "204.00", ("inventory", "gr_ir", "204.00")),
        ("issue", "-12", "-102.00", ("cogs", "inventory", "102.00")),
        ("transfer_out", "-12", "-102.00", ("inventory", "inventory", "102.00")),
        ("count_adjustment", "-2", "-17.00", ("inventory_difference", "inventory", "17.00")),
        ("count_adjustment", "3", "25.50", ("inventory", "inventory_difference", "25.50")),
        ("adjustment", "0", "12.00", ("inventory", "inventory_difference", "12.00")),
        ("reversal", "-24", "-204.00", ("gr_ir", "inventory", "204.00")),
    ],
)
def test_each_movement_type_books_its_roles_for_the_value(
    movement_type: str, quantity: str, value: str, expected: tuple[str, str, str]
) -> None:
    assert roles(voucher(moved(movement_type, quantity, value), "pcs", None)) == expected


def test_the_voucher_carries_document_date_item_and_both_units() -> None:
    data = voucher(moved("receipt", "24", "204.00", purchase_order_id="PO-9"), "pcs",
                   ErpUnit("case", D(12)))  # fmt: skip
    assert data["document_reference"] == "receipt/GR-7"
    assert data["posting_date"] == "2026-03-31" and data["sku"] == "TEA-1"
    assert data["quantity"] == {"stock": "24", "stock_unit": "pcs"}
    assert data["quantity_erp"] == {"quantity": "2", "unit": "case"}
    assert (data["value"], data["unit_cost"], data["currency"]) == ("204.00", "8.50", "CNY")
    assert data["purchase_order_id"] == "PO-9"
    without = voucher(moved("receipt", "5", "42.50"), "pcs", None)
    assert without["quantity_erp"] == {"quantity": "5", "unit": "pcs"}


def test_configured_roles_replace_the_defaults_and_bad_ones_are_named() -> None:
    configured = parse_postings({"issue": {"debit": "inventory_difference", "credit": "inventory"}})
    assert configured == {"issue": Posting("inventory_difference", "inventory")}
    issue = voucher(moved("issue", "-1", "-8.50"), "pcs", None, configured)
    assert roles(issue)[:2] == ("inventory_difference", "inventory")
    with pytest.raises(ValueError, match="unknown account role 'cash'"):
        parse_postings({"receipt": {"debit": "cash", "credit": "gr_ir"}})
    with pytest.raises(ValueError, match="unknown movement type 'gift'"):
        parse_postings({"gift": {"debit": "inventory", "credit": "gr_ir"}})
