"""What the API returns: documents, balances and ledger entries, decimals as strings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from inventory_contracts.events.base import Money, NonNegativeQuantity, Quantity, SignedMoney
from pydantic import BaseModel

from stock_ledger.adapters.queries import BalanceRow, LedgerRow
from stock_ledger.domain import Document


class LineView(BaseModel):
    line_no: int
    sku: str
    location: str
    quantity: NonNegativeQuantity
    unit_cost: Money | None
    lot: str | None = None
    expiry_date: date | None = None
    to_location: str | None = None
    reason_code: str | None = None


class EntryView(BaseModel):
    movement_id: str
    line_no: int
    sku: str
    location: str
    movement_type: str
    quantity_delta: Quantity
    unit_cost: Money
    value: SignedMoney
    on_hand_after: Quantity
    value_after: SignedMoney
    average_cost_after: Money
    lot: str | None = None
    expiry_date: date | None = None
    effective_date: date | None = None
    adjusts_movement_id: str | None = None
    cogs: SignedMoney = Decimal(0)


class BalanceAfter(BaseModel):
    sku: str
    location: str
    on_hand: Quantity
    value: SignedMoney
    average_cost: Money


class DocumentView(BaseModel):
    document_id: str
    document_type: str
    status: str
    external_id: str | None
    order_id: str | None
    purchase_order_id: str | None
    idempotency_key: str | None
    currency: str
    posted_at: datetime | None
    posted_by: str
    document_date: date | None = None
    reverses_document_id: str | None = None
    reversed_by_document_id: str | None = None
    form_version: int | None = None
    fields: dict[str, Any] = {}
    created_by: str | None = None
    lines: list[LineView]
    ledger_entries: list[EntryView]
    balances_after: list[BalanceAfter]


class BalanceView(BaseModel):
    sku: str
    location: str
    on_hand: Quantity
    value: SignedMoney
    average_cost: Money
    updated_at: datetime

    @classmethod
    def from_row(cls, row: BalanceRow) -> BalanceView:
        return cls(
            sku=row.sku,
            location=row.location,
            on_hand=row.on_hand,
            value=row.value,
            average_cost=row.average_cost,
            updated_at=row.updated_at,
        )


class LedgerEntryView(EntryView):
    seq: int
    document_id: str
    order_id: str | None
    purchase_order_id: str | None
    posted_at: datetime
    posted_by: str

    @classmethod
    def from_row(cls, row: LedgerRow) -> LedgerEntryView:
        return cls(
            seq=row.seq,
            document_id=row.document_id,
            order_id=row.order_id,
            purchase_order_id=row.purchase_order_id,
            posted_at=row.posted_at,
            posted_by=row.posted_by,
            **EntryView.model_validate(row.entry, from_attributes=True).model_dump(),
        )


def document_view(document: Document) -> DocumentView:
    """The document with its entries and, per stock point, the balance its last entry left."""
    after: dict[tuple[str, str], BalanceAfter] = {}
    for entry in document.entries:
        after[(entry.sku, entry.location)] = BalanceAfter(
            sku=entry.sku,
            location=entry.location,
            on_hand=entry.on_hand_after,
            value=entry.value_after,
            average_cost=entry.average_cost_after,
        )
    return DocumentView(
        document_id=document.document_id,
        document_type=document.document_type,
        status=document.status,
        external_id=document.external_id,
        order_id=document.order_id,
        purchase_order_id=document.purchase_order_id,
        idempotency_key=document.idempotency_key,
        currency=document.currency,
        posted_at=document.posted_at,
        posted_by=document.posted_by,
        document_date=document.document_date,
        reverses_document_id=document.reverses_document_id,
        reversed_by_document_id=document.reversed_by_document_id,
        form_version=document.form_version,
        fields=document.fields,
        created_by=document.created_by,
        lines=[LineView.model_validate(line, from_attributes=True) for line in document.lines],
        ledger_entries=[
            EntryView.model_validate(entry, from_attributes=True) for entry in document.entries
        ],
        balances_after=list(after.values()),
    )
