"""Routes of available to promise by date and of quotes with soft holds.

Reading a promise needs ``reservation:read``; opening or cancelling a quote (which may hold
stock) ``reservation:write``. A quote converts by an order naming it (`OrderPlaced.quote_id`,
through the gateway), so there is no convert route here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from inventory_contracts.events.base import LocationCode, PositiveQuantity, Sku
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, error_response, field_problems

from reservation.api import Uow
from reservation.api.promise_schemas import PromiseBody, PromiseView, QuoteBody, QuoteView
from reservation.domain.promise import QuoteLine
from reservation.domain.quotes import FINAL, HoldTooLong, Quote, QuoteClosed, hold_until
from reservation.handlers import quotes as handlers
from reservation.ports import ReservationUoW

router = secured_router(prefix="/v1", tags=["promise"])
Reader = Annotated[Principal, require("reservation:read")]
Writer = Annotated[Principal, require("reservation:write")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no quote with this id"}}


async def _promise(uow: ReservationUoW, lines: list[QuoteLine], own: Quote | None) -> PromiseView:
    today = utc_now().date()
    return PromiseView.of(await handlers.promise_lines(lines, uow, today, own=own), today)


async def _view(uow: ReservationUoW, quote: Quote) -> QuoteView:
    if quote.status in FINAL:
        return QuoteView.of(quote, None)
    lines = [QuoteLine(line.sku, line.location, line.quantity) for line in quote.lines]
    return QuoteView.of(quote, await _promise(uow, lines, quote))


@router.get("/promise", response_model=PromiseView)
async def promise_one(
    uow: Uow,
    _: Reader,
    sku: Annotated[Sku, Query(examples=["TEA-LJ-250G"])],
    location: Annotated[LocationCode, Query(examples=["SH-01"])],
    quantity: Annotated[PositiveQuantity, Query(examples=["15"])],
) -> Any:
    """How many of `quantity` are available now, and by which dates the rest arrives from open
    purchase orders after the backorders ahead are served."""
    async with uow:
        return await _promise(uow, [QuoteLine(sku, location, quantity)], None)


@router.post("/promise", response_model=PromiseView)
async def promise_lines(body: PromiseBody, uow: Uow, _: Reader) -> Any:
    """The promise of several lines (a quote not kept), and when all of them can ship."""
    async with uow:
        return await _promise(uow, [line.line() for line in body.lines], None)


@router.post("/quotes", status_code=201, response_model=QuoteView)
async def open_quote(body: QuoteBody, request: Request, uow: Uow, who: Writer) -> Any:
    """Keep a quote, optionally holding what is free now; the same quote id again answers the
    quote already kept (200), whatever the body."""
    default_seconds, maximum_seconds = request.app.state.quote_hold_seconds
    now = utc_now()
    expires_at = None
    if body.hold:
        try:
            expires_at = hold_until(now, body.hold_seconds, default_seconds, maximum_seconds)
        except HoldTooLong as exc:
            problems = field_problems([("hold_seconds", str(exc))])
            raise ApiError(422, "validation_error", problems) from None
    lines = [line.line() for line in body.lines]
    command = handlers.OpenQuote(body.quote_id, lines, body.customer_id, expires_at)
    async with uow:
        existing = await uow.quotes.get(body.quote_id)
        quote = await handlers.open_quote(command, uow, now, actor=who)
        await uow.commit()
        view = await _view(uow, quote)
    status = 200 if existing is not None else 201
    return JSONResponse(view.model_dump(mode="json"), status_code=status)


@router.get("/quotes/{quote_id}", response_model=QuoteView, responses=NOT_FOUND)
async def get_quote(quote_id: str, uow: Uow, _: Reader) -> Any:
    """The quote, what it holds and until when, and its promise now."""
    async with uow:
        quote = await uow.quotes.get(quote_id)
        if quote is None:
            return error_response(404, "not_found", f"no quote {quote_id}")
        return await _view(uow, quote)


@router.delete("/quotes/{quote_id}", response_model=QuoteView, responses=NOT_FOUND)
async def cancel_quote(quote_id: str, uow: Uow, who: Writer) -> Any:
    """Cancel the quote; what it holds is free again (409 once converted, expired or
    cancelled)."""
    async with uow:
        try:
            quote = await handlers.cancel_quote(quote_id, uow, utc_now(), actor=who)
        except handlers.UnknownQuote:
            return error_response(404, "not_found", f"no quote {quote_id}")
        except QuoteClosed:
            return error_response(409, "quote_closed", f"quote {quote_id} is already closed")
        await uow.commit()
    return QuoteView.of(quote, None)
