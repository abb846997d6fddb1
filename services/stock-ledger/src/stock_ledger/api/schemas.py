"""Request bodies of the document routes (unknown fields are refused).

Who creates, posts or counts is the caller's token, never a body field: a body that still
names one (`created_by`, `posted_by`, `counted_by`) is refused as an unknown field (422)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Header
from inventory_contracts.events.base import (
    Identifier,
    LocationCode,
    Money,
    NonNegativeQuantity,
    PositiveQuantity,
    Sku,
)
from pydantic import BaseModel, ConfigDict, Field

from stock_ledger.domain import Document, DocumentLine, DocumentType

MAX_LINES = 1000
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReceiptLineIn(Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    unit_cost: Money
    lot: str | None = Field(None, min_length=1, max_length=100)
    expiry_date: date | None = None


class ReceiptIn(Strict):
    receipt_id: Identifier | None = Field(None, max_length=200)
    purchase_order_id: Identifier | None = None
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    document_date: date | None = None


class IssueLineIn(Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    lot: str | None = Field(None, min_length=1, max_length=100)


class IssueIn(Strict):
    issue_id: Identifier | None = Field(None, max_length=200)
    order_id: Identifier | None = None
    lines: list[IssueLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    document_date: date | None = None


class LineIn(Strict):
    sku: Sku
    location: LocationCode = Field(description="Where stock is taken or counted (transfer: from).")
    quantity: NonNegativeQuantity = Field(description="Stock count: the counted quantity.")
    unit_cost: Money | None = None
    lot: str | None = Field(None, min_length=1, max_length=100)
    expiry_date: date | None = None
    to_location: LocationCode | None = Field(None, description="Transfers: the destination.")
    reason_code: str | None = Field(None, description="Adjustments: scrap, damage, found, ...")


class DocumentIn(Strict):
    document_type: DocumentType
    document_id: Identifier | None = None
    document_date: date | None = Field(None, description="Business date; earlier = back-dated.")
    order_id: Identifier | None = None
    purchase_order_id: Identifier | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    fields: dict[str, Any] = Field(default_factory=dict, description="The form's extra fields.")

    def document(self, document_id: str, key: str | None, author: str) -> Document:
        """The document this body describes, under `document_id`, made by `author` (the
        caller's login)."""
        return Document(
            document_id=document_id,
            document_type=self.document_type,
            lines=[
                DocumentLine(
                    n,
                    line.sku,
                    line.location,
                    line.quantity,
                    line.unit_cost,
                    line.lot,
                    line.expiry_date,
                    line.to_location,
                    line.reason_code,
                )
                for n, line in enumerate(self.lines, start=1)
            ],
            posted_by=author,
            order_id=self.order_id,
            purchase_order_id=self.purchase_order_id,
            idempotency_key=key,
            document_date=self.document_date,
            created_by=author,
        )


class PostIn(Strict):
    """Posting or reversing takes no fields (who posts is the token's login); an empty object
    or no body at all is accepted, anything else refused."""
