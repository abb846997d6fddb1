"""Use cases of documents: post once, keep drafts, reverse; in the caller's transaction.

Each loads through the ports, lets the domain decide and saves what changed; the documents it
posts record their StockMoved events, which the unit of work collects when it commits. They
never commit: the consumer commits with the inbox entry, the API after the call.

Counts and adjustments (`REVIEWED_TYPES`) are checked where every posting passes (`_post`): one
whose variance is worth more than the approval amount (`threshold`; none given: any variance)
is not posted but waits for the approval service, whichever path posted it; only the approval's
outcome (`approved`) posts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from stock_ledger import domain
from stock_ledger.domain import Document, IdempotencyConflict, InvalidDocument
from stock_ledger.domain.counting import (
    REVIEWED_TYPES,
    request_document_approval,
    variance_amount,
)
from stock_ledger.domain.errors import ApprovalRequired
from stock_ledger.domain.forms import validate
from stock_ledger.ports import CountingUoW, DocumentsUoW, LedgerUoW


@dataclass(frozen=True)
class Posted:
    """A posted (or saved) document, and whether this call made it (False: it existed)."""

    document: Document
    created: bool


async def post_document(
    document: Document, uow: LedgerUoW, now: datetime, *, threshold: Decimal | None = None
) -> Posted:
    """Post `document` once: a repeat (same id or idempotency key) returns the first posting.

    Raises `InvalidDocument` (unknown SKU or location, bad field), `NegativeStock` (nothing
    posted), `IdempotencyConflict` (the id or key was used for a different document) or
    `ApprovalRequired` (a count or adjustment worth more than `threshold`: nothing posted).
    """
    earlier = await _earlier_posting(document, uow)
    if earlier is not None:
        return Posted(earlier, created=False)
    await _post(document, uow, now, threshold=threshold)
    return Posted(document, created=True)


async def post_or_hold(
    document: Document, uow: CountingUoW, now: datetime, threshold: Decimal
) -> Posted:
    """Post `document`, or, when its variance needs approval, keep it waiting for the approval
    service (`pending_approval`, an ApprovalRequested recorded)."""
    try:
        return await post_document(document, uow, now, threshold=threshold)
    except ApprovalRequired as required:
        await _hold(document, required, uow)
        return Posted(document, created=True)


async def _hold(document: Document, required: ApprovalRequired, uow: CountingUoW) -> None:
    request = request_document_approval(document, required.amount, required.currency)
    await uow.ledger.save_draft(document)
    await uow.counting.add_approval(document.document_id, request.request_id, required.amount)


async def _post(
    document: Document,
    uow: LedgerUoW,
    now: datetime,
    from_draft: bool = False,
    *,
    threshold: Decimal | None = None,
    approved: bool = False,
) -> None:
    repository = uow.ledger
    keys = [key for line in document.lines for key in line.points()]
    items, locations = await repository.master_data(keys)
    domain.check_master_data(document, items, locations)
    balances = await repository.lock_balances(keys)
    backdated = domain.backdated_points(document, balances, items, now.date())
    state = await repository.cost_state(
        domain.consuming_points(document) | backdated.keys(), backdated=backdated
    )
    if document.document_type in REVIEWED_TYPES and not approved:
        amount = variance_amount(document, balances, state.layers, items)
        if amount > (threshold or 0):
            raise ApprovalRequired(amount, items[document.lines[0].sku].currency)
    posting = domain.post(document, balances, items, locations, now, state.layers, state.later)
    await repository.add(document, from_draft=from_draft)
    await repository.save_posting(document, posting)
    await repository.save_balances(balances.values())
    await repository.refresh_aging(balances.keys(), now.date())


async def fill_form(document: Document, values: dict[str, Any], uow: DocumentsUoW) -> None:
    """Validate the extra fields against the form's latest version; the document keeps it."""
    form = await uow.forms.load_form(document.document_type)
    cleaned, problems = validate(form, values)
    if problems:
        raise InvalidDocument(problems)
    document.form_version = form.version
    document.fields = cleaned


async def create_document(
    document: Document,
    values: dict[str, Any],
    uow: DocumentsUoW,
    now: datetime,
    *,
    post: bool,
    threshold: Decimal,
) -> Posted:
    """A new document with its form's extra fields: posted at once when `post` (a large count
    or adjustment variance waits for approval), else a draft."""
    await fill_form(document, values, uow)
    if post:
        return await post_or_hold(document, uow, now, threshold)
    return Posted(await save_draft(document, uow), created=True)


async def edit_draft(document: Document, values: dict[str, Any], uow: DocumentsUoW) -> Posted:
    """Replace a draft's content and extra fields (a posted document refuses)."""
    await fill_form(document, values, uow)
    return Posted(await save_draft(document, uow), created=False)


async def save_draft(document: Document, uow: LedgerUoW) -> Document:
    """Create or replace a draft: master data is checked now, stock only when it posts."""
    earlier = await uow.ledger.get(document.document_id)
    if earlier is not None:
        earlier.check_editable()
    keys = [key for line in document.lines for key in line.points()]
    items, locations = await uow.ledger.master_data(keys)
    domain.check_master_data(document, items, locations)
    if earlier is not None:
        document.created_by = earlier.created_by
    document.status = "draft"
    await uow.ledger.save_draft(document)
    return document


async def post_draft(
    document_id: str,
    posted_by: str,
    uow: CountingUoW,
    now: datetime,
    *,
    threshold: Decimal | None = None,
    approved: bool = False,
) -> Posted:
    """Post a draft; posting a posted document again answers with its posting.

    A count or adjustment whose variance is worth more than `threshold` waits for approval
    instead; a document waiting for approval posts only `approved` (by the approval's outcome).
    """
    document = await uow.ledger.get(document_id)
    if document is None:
        raise LookupError(document_id)
    if document.status == "posted":
        return Posted(document, created=False)
    document.check_postable(approved=approved)
    document.posted_by = posted_by
    try:
        await _post(document, uow, now, from_draft=True, threshold=threshold, approved=approved)
    except ApprovalRequired as required:
        await _hold(document, required, uow)
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
    return Posted(reversal, created=True)


async def _earlier_posting(document: Document, uow: LedgerUoW) -> Document | None:
    earlier = None
    if document.idempotency_key is not None:
        earlier = await uow.ledger.by_idempotency_key(document.idempotency_key)
    if earlier is None:
        earlier = await uow.ledger.get(document.document_id)
    if earlier is not None and earlier.status not in ("posted", "pending_approval"):
        raise IdempotencyConflict(f"{earlier.document_id} exists as a {earlier.status} document")
    if earlier is not None and earlier.fingerprint != document.fingerprint:
        raise IdempotencyConflict(
            f"{earlier.document_id} was already posted with different content "
            f"(same {'idempotency key' if document.idempotency_key else 'document id'})"
        )
    return earlier
