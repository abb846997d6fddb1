"""Handlers: post documents and keep master data, in the caller's transaction.

They never commit: the consumer loop commits with the inbox entry, the API after the call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from inventory_contracts import GoodsReceived, ItemUpserted, LocationUpserted, OrderShipped

from stock_ledger import domain
from stock_ledger.domain import Document, DocumentLine, IdempotencyConflict
from stock_ledger.repository import LedgerUoW

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    """A posted document, and whether this call posted it (False: it was posted before)."""

    document: Document
    created: bool


async def post_document(document: Document, uow: LedgerUoW, now: datetime) -> Posted:
    """Post `document` once: a repeat (same id or idempotency key) returns the first posting.

    Raises `InvalidDocument` (unknown SKU or location), `NegativeStock` (nothing posted) or
    `IdempotencyConflict` (the id or key was used for a different document).
    """
    repository = uow.ledger
    earlier = await _earlier_posting(document, uow)
    if earlier is not None:
        return Posted(earlier, created=False)
    keys = [line.key for line in document.lines]
    items, locations = await repository.master_data(keys)
    domain.check_master_data(document, items, locations)
    balances = await repository.lock_balances(keys)
    domain.post(document, balances, items, locations, now)
    await repository.add(document)
    await repository.save_balances(balances.values())
    for event in document.stock_moved():
        uow.publish(event)
    return Posted(document, created=True)


async def _earlier_posting(document: Document, uow: LedgerUoW) -> Document | None:
    earlier = None
    if document.idempotency_key is not None:
        earlier = await uow.ledger.by_idempotency_key(document.idempotency_key)
    if earlier is None:
        earlier = await uow.ledger.get(document.document_id)
    if earlier is not None and earlier.fingerprint != document.fingerprint:
        raise IdempotencyConflict(
            f"{earlier.document_id} was already posted with different content "
            f"(same {'idempotency key' if document.idempotency_key else 'document id'})"
        )
    return earlier


def shipment_issue(shipped: OrderShipped, posted_by: str) -> Document:
    """The issue document of a shipment; its id follows from the shipment (or the order)."""
    reference = f"SHP-{shipped.shipment_id}" if shipped.shipment_id else f"ORD-{shipped.order_id}"
    return Document(
        document_id=f"ISS-{reference}",
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


def receipt_document_id(receipt_id: str) -> str:
    return f"RCV-{receipt_id}"


def issue_document_id(issue_id: str) -> str:
    return f"ISS-{issue_id}"


async def upsert_item(item: ItemUpserted, uow: LedgerUoW) -> None:
    await uow.ledger.upsert_item(item)


async def upsert_location(location: LocationUpserted, uow: LedgerUoW) -> None:
    await uow.ledger.upsert_location(location)
