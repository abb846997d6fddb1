"""Row <-> domain conversions shared by the repository and the read queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stock_ledger.domain import Balance, CostLayer, Document, DocumentLine, LedgerEntry


def n(amount: Decimal) -> Decimal:
    """NUMERIC(38, 12) comes back as 4.000000000000; people and events want 4."""
    return amount.normalize()


def balance(row: Any) -> Balance:
    return Balance(
        row.sku,
        row.location,
        n(row.on_hand),
        n(row.value),
        n(row.average_cost),
        row.last_effective_date,
        row.last_issue_date,
        row.last_movement_id,
    )


def layer(row: Any) -> CostLayer:
    return CostLayer(
        row.layer_id,
        row.sku,
        row.location,
        row.lot,
        row.expiry_date,
        row.receipt_date,
        n(row.quantity),
        n(row.remaining),
        n(row.unit_cost),
        row.movement_id,
        seq=row.layer_id,
    )


def entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        movement_id=row.movement_id,
        line_no=row.line_no,
        sku=row.sku,
        location=row.location,
        movement_type=row.movement_type,
        quantity_delta=n(row.quantity_delta),
        unit_cost=n(row.unit_cost),
        value=n(row.value),
        on_hand_after=n(row.on_hand_after),
        value_after=n(row.value_after),
        average_cost_after=n(row.average_cost_after),
        lot=row.lot,
        expiry_date=row.expiry_date,
        effective_date=row.effective_date,
        adjusts_movement_id=row.adjusts_movement_id,
        cogs=n(row.cogs),
    )


def entry_values(document: Document, entry: LedgerEntry) -> dict[str, Any]:
    return {
        "movement_id": entry.movement_id,
        "document_id": document.document_id,
        "line_no": entry.line_no,
        "sku": entry.sku,
        "location": entry.location,
        "movement_type": entry.movement_type,
        "quantity_delta": entry.quantity_delta,
        "unit_cost": entry.unit_cost,
        "value": entry.value,
        "on_hand_after": entry.on_hand_after,
        "value_after": entry.value_after,
        "average_cost_after": entry.average_cost_after,
        "order_id": document.order_id,
        "purchase_order_id": document.purchase_order_id,
        "posted_at": document.posted_at,
        "posted_by": document.posted_by,
        "lot": entry.lot,
        "expiry_date": entry.expiry_date,
        "effective_date": entry.effective_date,
        "adjusts_movement_id": entry.adjusts_movement_id,
        "cogs": entry.cogs,
    }


def line(row: Any) -> DocumentLine:
    return DocumentLine(
        line_no=row.line_no,
        sku=row.sku,
        location=row.location,
        quantity=n(row.quantity),
        unit_cost=None if row.unit_cost is None else n(row.unit_cost),
        lot=row.lot,
        expiry_date=row.expiry_date,
        to_location=row.to_location,
        reason_code=row.reason_code,
    )


def line_values(document_id: str, line: DocumentLine) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "line_no": line.line_no,
        "sku": line.sku,
        "location": line.location,
        "quantity": line.quantity,
        "unit_cost": line.unit_cost,
        "lot": line.lot,
        "expiry_date": line.expiry_date,
        "to_location": line.to_location,
        "reason_code": line.reason_code,
    }
