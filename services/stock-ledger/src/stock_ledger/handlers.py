"""Handlers: post documents and keep master data, in the caller's transaction.

They never commit: the consumer loop commits with the inbox entry, the API after the call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from inventory_contracts import GoodsReceived, ItemUpserted, LocationUpserted, OrderShipped

from stock_ledger import domain
from stock_ledger.domain import Document, DocumentLine, DocumentStateError, IdempotencyConflict
from stock_ledger.store import LedgerUoW

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    """A posted document, and whether this call posted it (False: it was posted before)."""

    document: Document
    created: bool


async def post_document(document: Document, uow: LedgerUoW, now: datetime) -> Posted:
    """Post `document` once: a repeat (same id or idempotency key) returns the first posting.

    Raises `InvalidDocument` (unknown SKU or location, bad field), `NegativeStock` (nothing
    posted) or `IdempotencyConflict` (the id or key was used for a different document).
    """
    earlier = await _earlier_posting(document, uow)
    if earlier is not None:
        return Posted(earlier, created=False)
    await _post(document, uow, now)
    return Posted(document, created=True)


async def _post(
    document: Document, uow: LedgerUoW, now: datetime, from_draft: bool = False
) -> None:
    repository = uow.ledger
    keys = [key for line in document.lines for key in line.points()]
    items, locations = await repository.master_data(keys)
    domain.check_master_data(document, items, locations)
    balances = await repository.lock_balances(keys)
    day = document.document_date or now.date()
    backdated = {
        key: day
        for key, balance in balances.items()
        if items[key[0]].fifo and balance.last_effective_date and day < balance.last_effective_date
    }
    state = await repository.cost_state(
        domain.consuming_points(document) | backdated.keys(), backdated=backdated
    )
    posting = domain.post(document, balances, items, locations, now, state.layers, state.later)
    await repository.add(document, from_draft=from_draft)
    await repository.save_posting(document, posting)
    await repository.save_balances(balances.values())
    await repository.refresh_aging(balances.keys(), now.date())
    for event in document.stock_moved():
        uow.publish(event)


async def save_draft(document: Document, uow: LedgerUoW) -> Document:
    """Create or replace a draft: master data is checked now, stock only when it posts."""
    earlier = await uow.ledger.get(document.document_id)
    if earlier is not None and earlier.status != "draft":
        raise DocumentStateError(
            f"{document.document_id} is {earlier.status}: only a draft can be changed "
            "(已过账单据不可修改，请做冲销)"
        )
    keys = [key for line in document.lines for key in line.points()]
    items, locations = await uow.ledger.master_data(keys)
    domain.check_master_data(document, items, locations)
    if earlier is not None:
        document.created_by = earlier.created_by
    document.status = "draft"
    await uow.ledger.save_draft(document)
    return document


async def post_draft(
    document_id: str, posted_by: str, uow: LedgerUoW, now: datetime, *, approved: bool = False
) -> Posted:
    """Post a draft; posting a posted document again answers with its posting.

    A document waiting for approval posts only `approved` (by the approval's outcome).
    """
    document = await uow.ledger.get(document_id)
    if document is None:
        raise LookupError(document_id)
    if document.status == "posted":
        return Posted(document, created=False)
    if document.status != "draft" and not (approved and document.status == "pending_approval"):
        raise DocumentStateError(f"{document_id} is {document.status}, not a draft")
    document.posted_by = posted_by
    await _post(document, uow, now, from_draft=True)
    return Posted(document, created=True)


async def reverse(document_id: str, posted_by: str, uow: LedgerUoW, now: datetime) -> Posted:
    """Post the reversal of a posted document (once: a repeat returns the same reversal)."""
    original = await uow.ledger.get(document_id)
    if original is None:
        raise LookupError(document_id)
    if original.reversed_by_document_id is not None:
        earlier = await uow.ledger.get(original.reversed_by_document_id)
        assert earlier is not None
        return Posted(earlier, created=False)
    reversal = domain.reversal_of(original, f"REV-{document_id}", posted_by)
    keys = [(e.sku, e.location) for e in original.entries]
    _, locations = await uow.ledger.master_data(keys)
    balances = await uow.ledger.lock_balances(keys)
    movements = [e.movement_id for e in original.entries]
    state = await uow.ledger.cost_state(keys, movements=movements)
    posting = domain.post_reversal(
        reversal, original, balances, state.layers, state.consumed, locations, now
    )
    await uow.ledger.add(reversal)
    await uow.ledger.save_posting(reversal, posting)
    await uow.ledger.save_balances(balances.values())
    await uow.ledger.refresh_aging(balances.keys(), now.date())
    for event in reversal.stock_moved():
        uow.publish(event)
    return Posted(reversal, created=True)


async def _earlier_posting(document: Document, uow: LedgerUoW) -> Document | None:
    earlier = None
    if document.idempotency_key is not None:
        earlier = await uow.ledger.by_idempotency_key(document.idempotency_key)
    if earlier is None:
        earlier = await uow.ledger.get(document.document_id)
    if earlier is not None and earlier.status != "posted":
        raise IdempotencyConflict(f"{earlier.document_id} exists as a {earlier.status} document")
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
