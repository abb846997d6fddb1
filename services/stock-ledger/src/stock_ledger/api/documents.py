"""Documents over HTTP: drafts, posting, reversal, and reading documents, balances and the
ledger. Posted documents and ledger entries are immutable: there is no update or delete.

Changes need ``stock:write`` and are recorded under the caller's login (the document's
`created_by` and `posted_by`, and the StockMoved events'); reads need ``stock:read``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Query
from inventory_contracts.events.base import Identifier
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import error_response, validation_error

from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork, queries
from stock_ledger.api import Uow
from stock_ledger.api.common import POST_RESPONSES, run_posting, variance_threshold
from stock_ledger.api.schemas import DocumentIn, IdempotencyHeader, PostIn
from stock_ledger.api.views import BalanceView, DocumentView, LedgerEntryView, document_view
from stock_ledger.domain.external import new_document_id

router = secured_router(prefix="/v1", tags=["stock documents"])
Writer = Annotated[Principal, require("stock:write")]
READ = [require("stock:read")]
Filter = Annotated[str | None, Query(min_length=1)]
Threshold = Annotated[Decimal, Depends(variance_threshold)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("/documents", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def create_document(
    body: DocumentIn,
    actor: Writer,
    uow: Uow,
    threshold: Threshold,
    post: Annotated[bool, Query(description="Post at once instead of saving a draft.")] = False,
    idempotency_key: IdempotencyHeader = None,
) -> Any:
    """Create a document (单据) as a draft, or post it at once with `?post=true`.

    A count or adjustment whose variance is worth more than the approval amount is not posted:
    it waits for approval (202, status `pending_approval`) and posts when it is granted.
    Its extra fields are validated against the latest form definition of its type, whose
    version the document keeps. A posted one is immutable: correct it by reversing it.
    """
    document_id = body.document_id or new_document_id(body.document_type)

    async def action(uow: LedgerUnitOfWork) -> handlers.Posted:
        document = body.document(document_id, idempotency_key, actor.id)  # afresh each attempt
        return await handlers.create_document(
            document, body.fields, uow, utc_now(), post=post, threshold=threshold
        )

    return await run_posting(uow, action)


@router.put("/documents/{document_id}", response_model=DocumentView, responses=POST_RESPONSES)
async def edit_draft(document_id: Identifier, body: DocumentIn, actor: Writer, uow: Uow) -> Any:
    """Replace a draft's content; a posted document is refused (409: reverse it instead)."""
    if body.document_id not in (None, document_id):
        return validation_error([("document_id", "differs from the id in the path")])
    return await run_posting(
        uow,
        lambda uow: handlers.edit_draft(
            body.document(document_id, None, actor.id), body.fields, uow
        ),
    )


@router.post("/documents/{document_id}/post", response_model=DocumentView, responses=POST_RESPONSES)
async def post_draft(
    document_id: Identifier,
    actor: Writer,
    uow: Uow,
    threshold: Threshold,
    body: PostIn | None = None,
) -> Any:
    """Post a draft (过账): who (the caller) and when are recorded; posting twice posts once. A
    count or adjustment with a large variance waits for approval instead (202)."""
    return await run_posting(
        uow,
        lambda uow: handlers.post_draft(document_id, actor.id, uow, utc_now(), threshold=threshold),
    )


@router.post(
    "/documents/{document_id}/reverse",
    status_code=201,
    response_model=DocumentView,
    responses=POST_RESPONSES,
)
async def reverse_document(
    document_id: Identifier, actor: Writer, uow: Uow, body: PostIn | None = None
) -> Any:
    """Post the reversal (冲销) of a posted document, which mirrors it at its original cost;
    the caller is who posted it."""
    return await run_posting(
        uow, lambda uow: handlers.reverse(document_id, actor.id, uow, utc_now())
    )


@router.get(
    "/documents/{document_id}",
    response_model=DocumentView,
    responses={404: {"description": "no such document"}},
    dependencies=READ,
)
async def get_document(document_id: str, uow: Uow) -> Any:
    """A document with its lines, extra fields and (once posted) ledger entries."""
    async with uow:
        document = await uow.ledger.get(document_id)
    if document is None:
        return error_response(404, "not_found", f"no document {document_id}")
    return document_view(document)


@router.get("/balances", response_model=list[BalanceView], dependencies=READ)
async def get_balances(
    uow: Uow, sku: Filter = None, location: Filter = None, limit: Limit = 200
) -> Any:
    """On hand, stock value and average cost per SKU x location."""
    async with uow:
        rows = await queries.balances_of(uow.session, sku, location, limit)
    return [BalanceView.from_row(row) for row in rows]


@router.get("/ledger", response_model=list[LedgerEntryView], dependencies=READ)
async def get_ledger(
    uow: Uow, sku: Filter = None, location: Filter = None, limit: Limit = 200
) -> Any:
    """The latest `limit` ledger entries, in posting order (oldest first)."""
    async with uow:
        rows = await queries.ledger_of(uow.session, sku, location, limit)
    return [LedgerEntryView.from_row(row) for row in rows]
