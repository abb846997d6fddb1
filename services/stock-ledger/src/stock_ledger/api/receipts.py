"""The one-step receipt and issue of the core chain: a document posted at once, its id from
the caller's receipt or issue id (so a repeat posts once), or a new one. Both need
``stock:write``; the caller's login is who posted them."""

from __future__ import annotations

from typing import Annotated, Any

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now

from stock_ledger import handlers
from stock_ledger.api import Uow
from stock_ledger.api.common import POST_RESPONSES, run_posting
from stock_ledger.api.schemas import IdempotencyHeader, IssueIn, ReceiptIn
from stock_ledger.api.views import DocumentView
from stock_ledger.domain import Document, DocumentLine, DocumentType
from stock_ledger.domain.external import (
    issue_document_id,
    new_document_id,
    receipt_document_id,
)

router = secured_router(prefix="/v1", tags=["stock documents"])
Writer = Annotated[Principal, require("stock:write")]


def _document_id(document_type: DocumentType, external_id: str | None) -> str:
    if external_id is None:
        return new_document_id(document_type)
    if document_type == "receipt":
        return receipt_document_id(external_id)
    return issue_document_id(external_id)


async def _post_at_once(
    uow: Uow,
    document_type: DocumentType,
    body: ReceiptIn | IssueIn,
    external_id: str | None,
    lines: list[DocumentLine],
    key: str | None,
    posted_by: str,
) -> Any:
    """Post the document of `body` in one transaction (a new document for each attempt)."""
    document_id = _document_id(document_type, external_id)

    def document() -> Document:
        return Document(
            document_id=document_id,
            document_type=document_type,
            lines=list(lines),  # lines are frozen: only the list is new
            posted_by=posted_by,
            external_id=external_id,
            idempotency_key=key,
            order_id=body.order_id if isinstance(body, IssueIn) else None,
            purchase_order_id=body.purchase_order_id if isinstance(body, ReceiptIn) else None,
            document_date=body.document_date,
        )

    return await run_posting(uow, lambda uow: handlers.post_document(document(), uow, utc_now()))


@router.post("/receipts", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_receipt(
    body: ReceiptIn, actor: Writer, uow: Uow, idempotency_key: IdempotencyHeader = None
) -> Any:
    """Post a goods receipt (入库单) at once: stock rises at the given unit cost."""
    lines = [
        DocumentLine(n, x.sku, x.location, x.quantity, x.unit_cost, x.lot, x.expiry_date)
        for n, x in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    return await _post_at_once(uow, "receipt", body, body.receipt_id, lines, key, actor.id)


@router.post("/issues", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_issue(
    body: IssueIn, actor: Writer, uow: Uow, idempotency_key: IdempotencyHeader = None
) -> Any:
    """Post a goods issue (出库单) at once, at cost (FIFO or average); refused below zero."""
    lines = [
        DocumentLine(n, x.sku, x.location, x.quantity, lot=x.lot)
        for n, x in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    return await _post_at_once(uow, "issue", body, body.issue_id, lines, key, actor.id)
