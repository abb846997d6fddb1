"""What the posting routes share: their documented answers and the posting runner, which
answers with the document or turns a domain error into the platform's error shape."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from inventory_runtime.errors import error_response, validation_error
from sqlalchemy.exc import IntegrityError

from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.api.views import document_view
from stock_ledger.domain import (
    DocumentStateError,
    IdempotencyConflict,
    InvalidDocument,
    NegativeStock,
    Shortfall,
)
from stock_ledger.handlers import Posted

Responses = dict[int | str, dict[str, Any]]
POST_RESPONSES: Responses = {
    200: {"description": "already posted with this id or idempotency key; the first posting"},
    202: {
        "description": "a count or adjustment whose variance is worth more than the approval "
        "amount: it waits for approval (status pending_approval) and posts when granted"
    },
    404: {"description": "no such document"},
    409: {
        "description": "stock would go negative, the document is not a draft, or the key "
        "was used for another document"
    },
    422: {"description": "a field is invalid or names an unknown SKU or location"},
}
INSUFFICIENT_STOCK = "Stock would go negative; nothing was posted. 库存不足，未过账。"


def _shortfall(s: Shortfall) -> dict[str, Any]:
    return {
        "line": s.line_no,
        "field": f"body.lines.{s.line_no - 1}.quantity",
        "sku": s.sku,
        "location": s.location,
        "lot": s.lot,
        "requested": str(s.requested),
        "on_hand": str(s.on_hand),
        "shortfall": str(s.shortfall),
    }


def variance_threshold(request: Request) -> Decimal:
    """The configured approval amount of count and adjustment variances (`create_app` puts
    it on the app; a dependency, so tests can set their own)."""
    amount: Decimal = request.app.state.count_variance_approval_amount
    return amount


REFUSALS = (InvalidDocument, NegativeStock, IdempotencyConflict, DocumentStateError, LookupError)
"""What posting refuses with a 4xx (`LookupError`: no such document)."""


def refusal(exc: Exception) -> JSONResponse:
    """The answer to one of the `REFUSALS`."""
    if isinstance(exc, InvalidDocument):
        return validation_error(exc.problems)
    if isinstance(exc, NegativeStock):
        detail = [_shortfall(s) for s in exc.shortfalls]
        return error_response(409, "insufficient_stock", detail, INSUFFICIENT_STOCK)
    if isinstance(exc, IdempotencyConflict):
        return error_response(409, "idempotency_conflict", str(exc))
    if isinstance(exc, DocumentStateError):
        return error_response(409, "document_state", str(exc))
    return error_response(404, "not_found", f"no document {exc.args[0]}")


async def run_posting(
    uow: LedgerUnitOfWork, action: Callable[[LedgerUnitOfWork], Awaitable[Posted]]
) -> JSONResponse:
    """Run `action` in one transaction and answer with the document, or a clear 4xx.

    A concurrent request with the same id or key loses on the unique constraint; the retry
    then finds the winner's document and answers like any repeat.
    """
    for attempt in range(2):
        try:
            async with uow:
                posted = await action(uow)
                await uow.commit()
            break
        except IntegrityError:
            if attempt:
                raise
        except REFUSALS as exc:
            return refusal(exc)
    view = document_view(posted.document)
    status = 201 if posted.created else 200
    if posted.document.status == "pending_approval":
        status = 202  # accepted, not posted: the approval's outcome posts it
    return JSONResponse(status_code=status, content=view.model_dump(mode="json"))
