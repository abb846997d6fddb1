"""HTTP API of the stock ledger: post receipts and issues; read documents, balances, ledger.

Posted documents and ledger entries are immutable: there is no update or delete.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from inventory_contracts.events.base import Identifier, LocationCode, Money, PositiveQuantity, Sku
from inventory_runtime.app import get_uow
from inventory_runtime.uow import UnitOfWorkProtocol
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError

from stock_ledger import handlers, repository
from stock_ledger.domain import (
    Document,
    DocumentLine,
    DocumentType,
    IdempotencyConflict,
    InvalidDocument,
    NegativeStock,
)
from stock_ledger.repository import LedgerUnitOfWork
from stock_ledger.views import BalanceView, DocumentView, LedgerEntryView, document_view

router = APIRouter(prefix="/v1", tags=["stock ledger"])
Responses = dict[int | str, dict[str, Any]]
POST_RESPONSES: Responses = {
    200: {"description": "already posted with this id or idempotency key; the first posting"},
    409: {"description": "stock would go negative, or the key was used for another document"},
    422: {"description": "a field is invalid or names an unknown SKU or location"},
}
MAX_LINES = 1000


def _uow(uow: Annotated[UnitOfWorkProtocol, Depends(get_uow)]) -> LedgerUnitOfWork:
    return cast(LedgerUnitOfWork, uow)


Uow = Annotated[LedgerUnitOfWork, Depends(_uow)]
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReceiptLineIn(_Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    unit_cost: Money


class ReceiptIn(_Strict):
    receipt_id: Identifier | None = Field(None, max_length=200)
    purchase_order_id: Identifier | None = None
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    posted_by: str | None = Field(None, min_length=1, max_length=200)


class IssueLineIn(_Strict):
    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity


class IssueIn(_Strict):
    issue_id: Identifier | None = Field(None, max_length=200)
    order_id: Identifier | None = None
    lines: list[IssueLineIn] = Field(min_length=1, max_length=MAX_LINES)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    posted_by: str | None = Field(None, min_length=1, max_length=200)


def _error(status: int, error: str, detail: Any, message: str | None = None) -> JSONResponse:
    body = {"error": error, "detail": detail}
    if message:
        body["message"] = message
    return JSONResponse(status_code=status, content=body)


async def _post(document: Document, uow: LedgerUnitOfWork) -> JSONResponse:
    # A concurrent request with the same id or key loses on the unique constraint; the retry
    # then finds the winner's document and answers like any repeat.
    for attempt in range(2):
        try:
            async with uow:
                posted = await handlers.post_document(document, uow, datetime.now(UTC))
                await uow.commit()
            break
        except IntegrityError:
            if attempt:
                raise
        except InvalidDocument as exc:
            problems = [{"field": f"body.{p.field}", "problem": p.problem} for p in exc.problems]
            return _error(422, "validation_error", problems)
        except NegativeStock as exc:
            shortfalls: list[dict[str, Any]] = [
                {
                    "line": s.line_no,
                    "field": f"body.lines.{s.line_no - 1}.quantity",
                    "sku": s.sku,
                    "location": s.location,
                    "requested": str(s.requested),
                    "on_hand": str(s.on_hand),
                    "shortfall": str(s.shortfall),
                }
                for s in exc.shortfalls
            ]
            message = "Stock would go negative; nothing was posted. 库存不足，未过账。"
            return _error(409, "insufficient_stock", shortfalls, message)
        except IdempotencyConflict as exc:
            return _error(409, "idempotency_conflict", str(exc))
    view = document_view(posted.document)
    return JSONResponse(
        status_code=201 if posted.created else 200, content=view.model_dump(mode="json")
    )


def _document(
    document_type: DocumentType,
    external_id: str | None,
    lines: list[DocumentLine],
    key: str | None,
    posted_by: str | None,
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
        prefix = "RCV" if document_type == "receipt" else "ISS"
        document_id = f"{prefix}-{uuid.uuid4().hex[:16].upper()}"
    return Document(
        document_id=document_id,
        document_type=document_type,
        lines=lines,
        posted_by=posted_by or "api",
        external_id=external_id,
        idempotency_key=key,
        order_id=order_id,
        purchase_order_id=purchase_order_id,
    )


@router.post("/receipts", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_receipt(body: ReceiptIn, uow: Uow, idempotency_key: IdempotencyHeader = None) -> Any:
    """Post a goods receipt (入库单) at once: stock rises at the given unit cost."""
    lines = [
        DocumentLine(n, line.sku, line.location, line.quantity, line.unit_cost)
        for n, line in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    document = _document(
        "receipt",
        body.receipt_id,
        lines,
        key,
        body.posted_by,
        purchase_order_id=body.purchase_order_id,
    )
    return await _post(document, uow)


@router.post("/issues", status_code=201, response_model=DocumentView, responses=POST_RESPONSES)
async def post_issue(body: IssueIn, uow: Uow, idempotency_key: IdempotencyHeader = None) -> Any:
    """Post a goods issue (出库单) at once, at the moving-average cost; refused below zero."""
    lines = [
        DocumentLine(n, line.sku, line.location, line.quantity)
        for n, line in enumerate(body.lines, start=1)
    ]
    key = body.idempotency_key or idempotency_key
    document = _document("issue", body.issue_id, lines, key, body.posted_by, order_id=body.order_id)
    return await _post(document, uow)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentView,
    responses={404: {"description": "no such document"}},
)
async def get_document(document_id: str, uow: Uow) -> Any:
    """A posted document with its lines and ledger entries."""
    async with uow:
        document = await uow.ledger.get(document_id)
    if document is None:
        return _error(404, "not_found", f"no document {document_id}")
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
        rows = await repository.balances_of(uow.session, sku, location, limit)
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
        rows = await repository.ledger_of(uow.session, sku, location, limit)
    return [LedgerEntryView.from_row(row) for row in rows]
