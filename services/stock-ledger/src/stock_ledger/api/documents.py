"""Documents over HTTP: drafts, posting, reversal; the one-step receipt and issue of the core
chain. Posted documents and ledger entries are immutable: there is no update or delete."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from inventory_contracts.events.base import (
    Identifier,
    LocationCode,
    Money,
    NonNegativeQuantity,
    PositiveQuantity,
    Sku,
)
from pydantic import BaseModel, ConfigDict, Field

from stock_ledger import handlers
from stock_ledger.api.common import POST_RESPONSES, Uow, error, problems_response, run_posting
from stock_ledger.domain import Document, DocumentLine, DocumentType, InvalidDocument, Problem
from stock_ledger.domain.forms import validate
from stock_ledger.store import LedgerUnitOfWork, queries
from stock_ledger.store.forms import load_form
from stock_ledger.views import BalanceView, DocumentView, LedgerEntryView, document_view

router = APIRouter(prefix="/v1", tags=["stock documents"])
MAX_LINES = 1000
PREFIX: dict[str, str] = {
    "receipt": "RCV",
    "issue": "ISS",
    "transfer": "TRF",
    "stock_count": "CNT",
    "adjustment": "ADJ",
}
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
Person = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReceiptLineIn(_Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    unit_cost: Money
    lot: str | None = Field(None, min_length=1, max_length=100)
    expiry_date: date | None = None


class ReceiptIn(_Strict):
    receipt_id: Identifier | None = Field(None, max_length=200)
    purchase_order_id: Identifier | None = None
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    posted_by: Person | None = None
    document_date: date | None = None


class IssueLineIn(_Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    lot: str | None = Field(None, min_length=1, max_length=100)


class IssueIn(_Strict):
    issue_id: Identifier | None = Field(None, max_length=200)
    order_id: Identifier | None = None
    lines: list[IssueLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    posted_by: Person | None = None
    document_date: date | None = None


class LineIn(_Strict):
    sku: Sku
    location: LocationCode = Field(description="Where stock is taken or counted (transfer: from).")
    quantity: NonNegativeQuantity = Field(description="Stock count: the counted quantity.")
    unit_cost: Money | None = None
    lot: str | None = Field(None, min_length=1, max_length=100)
    expiry_date: date | None = None
    to_location: LocationCode | None = Field(None, description="Transfers: the destination.")
    reason_code: str | None = Field(None, description="Adjustments: scrap, damage, found, ...")


class DocumentIn(_Strict):
    document_type: DocumentType
    document_id: Identifier | None = None
    document_date: date | None = Field(None, description="Business date; earlier = back-dated.")
    order_id: Identifier | None = None
    purchase_order_id: Identifier | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    fields: dict[str, Any] = Field(default_factory=dict, description="The form's extra fields.")
    created_by: Person = "api"


class PostIn(_Strict):
    posted_by: Person = "api"


def _new_id(document_type: str) -> str:
    return f"{PREFIX[document_type]}-{uuid.uuid4().hex[:16].upper()}"


async def _with_form(uow: LedgerUnitOfWork, document: Document, values: dict[str, Any]) -> None:
    """Validate the extra fields against the form's latest version; the document keeps it."""
    form = await load_form(uow.session, document.document_type)
    cleaned, problems = validate(form, values)
    if problems:
        raise InvalidDocument(problems)
    document.form_version = form.version
    document.fields = cleaned


def _from_body(body: DocumentIn, document_id: str, key: str | None) -> Document:
    return Document(
        document_id=document_id,
        document_type=body.document_type,
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
            for n, line in enumerate(body.lines, start=1)
        ],
        posted_by=body.created_by,
        order_id=body.order_id,
        purchase_order_id=body.purchase_order_id,
        idempotency_key=key,
        document_date=body.document_date,
        created_by=body.created_by,
    )


@router.post("/documents", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def create_document(
    body: DocumentIn,
    uow: Uow,
    post: Annotated[bool, Query(description="Post at once instead of saving a draft.")] = False,
    idempotency_key: IdempotencyHeader = None,
) -> Any:
    """Create a document (单据) as a draft, or post it at once with `?post=true`.

    Its extra fields are validated against the latest form definition of its type, whose
    version the document keeps. A posted one is immutable: correct it by reversing it.
    """
    document = _from_body(body, body.document_id or _new_id(body.document_type), idempotency_key)

    async def action(uow: LedgerUnitOfWork) -> handlers.Posted:
        await _with_form(uow, document, body.fields)
        if post:
            return await handlers.post_document(document, uow, datetime.now(UTC))
        return handlers.Posted(await handlers.save_draft(document, uow), created=True)

    return await run_posting(uow, action)


@router.put("/documents/{document_id}", response_model=DocumentView, responses=POST_RESPONSES)
async def edit_draft(document_id: Identifier, body: DocumentIn, uow: Uow) -> Any:
    """Replace a draft's content; a posted document is refused (409: reverse it instead)."""
    if body.document_id not in (None, document_id):
        return problems_response([Problem("document_id", "differs from the id in the path")])
    document = _from_body(body, document_id, None)

    async def action(uow: LedgerUnitOfWork) -> handlers.Posted:
        await _with_form(uow, document, body.fields)
        return handlers.Posted(await handlers.save_draft(document, uow), created=False)

    return await run_posting(uow, action)


@router.post("/documents/{document_id}/post", response_model=DocumentView, responses=POST_RESPONSES)
async def post_draft(document_id: Identifier, uow: Uow, body: PostIn | None = None) -> Any:
    """Post a draft (过账): who and when are recorded; posting twice posts once."""
    posted_by = (body or PostIn()).posted_by
    return await run_posting(
        uow, lambda uow: handlers.post_draft(document_id, posted_by, uow, datetime.now(UTC))
    )


@router.post(
    "/documents/{document_id}/reverse",
    status_code=201,
    response_model=DocumentView,
    responses=POST_RESPONSES,
)
async def reverse_document(document_id: Identifier, uow: Uow, body: PostIn | None = None) -> Any:
    """Post the reversal (冲销) of a posted document, which mirrors it at its original cost."""
    posted_by = (body or PostIn()).posted_by
    return await run_posting(
        uow, lambda uow: handlers.reverse(document_id, posted_by, uow, datetime.now(UTC))
    )


def _legacy(
    document_type: DocumentType,
    external_id: str | None,
    lines: list[DocumentLine],
    key: str | None,
    posted_by: str | None,
    document_date: date | None,
    *,
    order_id: str | None = None,
    purchase_order_id: str | None = None,
) -> Document:
    if external_id is not None:
        document_id = (
            handlers.receipt_document_id(external_id)
            if document_type == "receipt"
            else handlers.issue_document_id(external_id)
        )
    else:
        document_id = _new_id(document_type)
    return Document(
        document_id=document_id,
        document_type=document_type,
        lines=lines,
        posted_by=posted_by or "api",
        external_id=external_id,
        idempotency_key=key,
        order_id=order_id,
        purchase_order_id=purchase_order_id,
        document_date=document_date,
    )


@router.post("/receipts", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_receipt(body: ReceiptIn, uow: Uow, idempotency_key: IdempotencyHeader = None) -> Any:
    """Post a goods receipt (入库单) at once: stock rises at the given unit cost."""
    lines = [
        DocumentLine(n, x.sku, x.location, x.quantity, x.unit_cost, x.lot, x.expiry_date)
        for n, x in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    document = _legacy(
        "receipt",
        body.receipt_id,
        lines,
        key,
        body.posted_by,
        body.document_date,
        purchase_order_id=body.purchase_order_id,
    )
    return await run_posting(
        uow, lambda uow: handlers.post_document(document, uow, datetime.now(UTC))
    )


@router.post("/issues", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_issue(body: IssueIn, uow: Uow, idempotency_key: IdempotencyHeader = None) -> Any:
    """Post a goods issue (出库单) at once, at cost (FIFO or average); refused below zero."""
    lines = [
        DocumentLine(n, x.sku, x.location, x.quantity, lot=x.lot)
        for n, x in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    document = _legacy(
        "issue",
        body.issue_id,
        lines,
        key,
        body.posted_by,
        body.document_date,
        order_id=body.order_id,
    )
    return await run_posting(
        uow, lambda uow: handlers.post_document(document, uow, datetime.now(UTC))
    )


@router.get(
    "/documents/{document_id}",
    response_model=DocumentView,
    responses={404: {"description": "no such document"}},
)
async def get_document(document_id: str, uow: Uow) -> Any:
    """A document with its lines, extra fields and (once posted) ledger entries."""
    async with uow:
        document = await uow.ledger.get(document_id)
    if document is None:
        return error(404, "not_found", f"no document {document_id}")
    return document_view(document)


@router.get("/balances", response_model=list[BalanceView])
async def get_balances(
    uow: Uow,
    sku: Annotated[str | None, Query(min_length=1)] = None,
    location: Annotated[str | None, Query(min_length=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """On hand, stock value and average cost per SKU x location."""
    async with uow:
        rows = await queries.balances_of(uow.session, sku, location, limit)
    return [BalanceView.from_row(row) for row in rows]


@router.get("/ledger", response_model=list[LedgerEntryView])
async def get_ledger(
    uow: Uow,
    sku: Annotated[str | None, Query(min_length=1)] = None,
    location: Annotated[str | None, Query(min_length=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """The latest `limit` ledger entries, in posting order (oldest first)."""
    async with uow:
        rows = await queries.ledger_of(uow.session, sku, location, limit)
    return [LedgerEntryView.from_row(row) for row in rows]
