"""Document ids, and the documents of what other services report: a shipment is an issue, a
goods receipt a receipt. Their ids follow from the report, so a report that arrives twice posts
once."""

from __future__ import annotations

import uuid

from inventory_contracts import GoodsReceived, OrderShipped

from stock_ledger.domain.model import Document, DocumentLine, DocumentType

PREFIX: dict[DocumentType, str] = {
    "receipt": "RCV",
    "issue": "ISS",
    "transfer": "TRF",
    "stock_count": "CNT",
    "adjustment": "ADJ",
}


def new_document_id(document_type: DocumentType) -> str:
    """A fresh id for a document nobody named (RCV-1A2B...)."""
    return f"{PREFIX[document_type]}-{uuid.uuid4().hex[:16].upper()}"


def receipt_document_id(receipt_id: str) -> str:
    return f"RCV-{receipt_id}"


def issue_document_id(issue_id: str) -> str:
    return f"ISS-{issue_id}"


def shipment_issue(shipped: OrderShipped, posted_by: str) -> Document:
    """The issue document of a shipment; its id follows from the shipment (or the order)."""
    reference = f"SHP-{shipped.shipment_id}" if shipped.shipment_id else f"ORD-{shipped.order_id}"
    return Document(
        document_id=issue_document_id(reference),
        document_type="issue",
        lines=[
            DocumentLine(n, line.sku, line.location, line.quantity)
            for n, line in enumerate(shipped.lines, start=1)
        ],
        posted_by=posted_by,
        order_id=shipped.order_id,
        external_id=shipped.shipment_id,
    )


def goods_receipt(received: GoodsReceived, posted_by: str) -> Document:
    """The receipt document of a goods receipt; same id as `POST /v1/receipts` with it."""
    return Document(
        document_id=receipt_document_id(received.receipt_id),
        document_type="receipt",
        lines=[
            DocumentLine(n, line.sku, line.location, line.quantity, line.unit_cost)
            for n, line in enumerate(received.lines, start=1)
        ],
        posted_by=posted_by,
        purchase_order_id=received.purchase_order_id,
        external_id=received.receipt_id,
    )
