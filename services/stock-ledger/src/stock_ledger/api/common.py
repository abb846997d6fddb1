"""What every stock-ledger route shares: the unit of work, error bodies, the posting runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, cast

from fastapi import Depends
from fastapi.responses import JSONResponse
from inventory_runtime.app import get_uow
from inventory_runtime.uow import UnitOfWorkProtocol
from sqlalchemy.exc import IntegrityError

from stock_ledger.domain import (
    DocumentStateError,
    IdempotencyConflict,
    InvalidDocument,
    NegativeStock,
    Problem,
)
from stock_ledger.handlers import Posted
from stock_ledger.store import LedgerUnitOfWork
from stock_ledger.views import document_view

Responses = dict[int | str, dict[str, Any]]
POST_RESPONSES: Responses = {
    200: {"description": "already posted with this id or idempotency key; the first posting"},
    404: {"description": "no such document"},
    409: {
        "description": "stock would go negative, the document is not a draft, or the key "
        "was used for another document"
    },
    422: {"description": "a field is invalid or names an unknown SKU or location"},
}


def _uow(uow: Annotated[UnitOfWorkProtocol, Depends(get_uow)]) -> LedgerUnitOfWork:
    return cast(LedgerUnitOfWork, uow)


Uow = Annotated[LedgerUnitOfWork, Depends(_uow)]


def error(status: int, code: str, detail: Any, message: str | None = None) -> JSONResponse:
    body = {"error": code, "detail": detail}
    if message:
        body["message"] = message
    return JSONResponse(status_code=status, content=body)


def problems_response(problems: list[Problem], prefix: str = "body.") -> JSONResponse:
    """422 with one `{"field", "problem"}` per bad field, as a form shows them."""
    detail = [{"field": f"{prefix}{p.field}", "problem": p.problem} for p in problems]
    return error(422, "validation_error", detail)


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
        except InvalidDocument as exc:
            return problems_response(exc.problems)
        except NegativeStock as exc:
            shortfalls: list[dict[str, Any]] = [
                {
                    "line": s.line_no,
                    "field": f"body.lines.{s.line_no - 1}.quantity",
                    "sku": s.sku,
                    "location": s.location,
                    "lot": s.lot,
                    "requested": str(s.requested),
                    "on_hand": str(s.on_hand),
                    "shortfall": str(s.shortfall),
                }
                for s in exc.shortfalls
            ]
            message = "Stock would go negative; nothing was posted. 库存不足，未过账。"
            return error(409, "insufficient_stock", shortfalls, message)
        except IdempotencyConflict as exc:
            return error(409, "idempotency_conflict", str(exc))
        except DocumentStateError as exc:
            return error(409, "document_state", str(exc))
        except LookupError as exc:
            return error(404, "not_found", f"no document {exc.args[0]}")
    view = document_view(posted.document)
    return JSONResponse(
        status_code=201 if posted.created else 200, content=view.model_dump(mode="json")
    )
