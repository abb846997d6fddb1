"""Available to promise and quotes for the CRM, answered by the reservation service.

``promise:read`` reads promises and quotes, ``quotes:write`` keeps, cancels and converts them
(or a token whose roles grant ``reservation:read`` / ``reservation:write``). Converting a
quote publishes the order (``OrderPlaced`` naming the quote, like ``POST /v1/orders``, with an
``Idempotency-Key`` if given); reservation answers it on ``inventory.reservations`` and the
order takes over what the quote holds in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_runtime.app import runtime_of
from inventory_runtime.errors import ApiError
from pydantic import BaseModel, Field, ValidationError

from integration_gateway.adapters.reservation_api import (
    Answer,
    ReservationApi,
    ReservationUnavailable,
    signed_token,
)
from integration_gateway.api import Uow
from integration_gateway.api.auth import AuthenticatedRoute, requires
from integration_gateway.api.inbound import RESPONSES, IdempotencyKeyDep, _event, _submit
from integration_gateway.api.issuer_support import gateway_settings, token_policy
from integration_gateway.api.promise_examples import (
    CONVERT_EXAMPLES,
    PROMISE_BODY_EXAMPLES,
    PROMISE_EXAMPLE,
    QUOTE_CANCELLED_EXAMPLE,
    QUOTE_EXAMPLE,
    QUOTE_EXAMPLES,
)
from integration_gateway.api.promise_views import Promise, Quote
from integration_gateway.api.schemas import Accepted
from integration_gateway.domain import ApiClient

Reader = Annotated[ApiClient, requires("promise:read")]
Writer = Annotated[ApiClient, requires("quotes:write")]
router = APIRouter(prefix="/v1", tags=["promise"], route_class=AuthenticatedRoute)
FROM_RESERVATION: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    404: {"description": "no quote with this id"},
    503: {"description": "the reservation service did not answer; try again"},
}


class LineBody(BaseModel):
    model_config = {"extra": "forbid"}
    sku: str = Field(min_length=1, examples=["TEA-LJ-250G"])
    location: str = Field(min_length=1, examples=["SH-01"])
    quantity: Decimal = Field(gt=0, examples=["15"])


class PromiseBody(BaseModel):
    """Lines promised together; lines at one stock point queue in the order given."""

    model_config = {"extra": "forbid"}
    lines: list[LineBody] = Field(min_length=1, max_length=200)


class QuoteBody(PromiseBody):
    """A quote to keep; ``hold: true`` soft-reserves what is free now for ``hold_seconds``."""

    quote_id: str = Field(min_length=1, max_length=64, examples=["QT-2026-0042"])
    customer_id: str | None = Field(None, min_length=1, examples=["C-88"])
    hold: bool = Field(False, examples=[True])
    hold_seconds: int | None = Field(None, gt=0, examples=[3600])


class ConvertBody(BaseModel):
    """The order the quote becomes (its lines are the quote's)."""

    model_config = {"extra": "forbid"}
    order_id: str = Field(min_length=1, examples=["SO-2026-0815"])
    priority: int = Field(0, examples=[0])
    allow_partial: bool = Field(False, examples=[False])
    reservation_ttl_seconds: int | None = Field(None, gt=0, examples=[86400])


def reservation_api(request: Request) -> ReservationApi:
    """The client of reservation, made on first use (tests put their own on app.state)."""
    api: ReservationApi | None = getattr(request.app.state, "reservation_api", None)
    if api is None:
        settings = gateway_settings(request)
        http = httpx.AsyncClient(timeout=settings.reservation_timeout_seconds)
        token = signed_token(runtime_of(request), token_policy(settings))
        api = request.app.state.reservation_api = ReservationApi(
            settings.reservation_url, http, token
        )
    return api


def _segment(quote_id: str) -> str:
    """The quote id as one path segment (any character the CRM used, percent-encoded)."""
    return quote(quote_id, safe="")


async def _ask(request: Request, method: str, path: str, **kwargs: Any) -> Answer:
    try:
        return await reservation_api(request).call(method, path, **kwargs)
    except ReservationUnavailable as exc:
        raise ApiError(503, "reservation_unavailable", str(exc)) from None


async def _relay(
    request: Request, method: str, path: str, model: type[BaseModel], **kwargs: Any
) -> JSONResponse:
    """Reservation's answer as the CRM's: a success checked against `model` (the documented
    answer; 502 if reservation answered something else), its 4xx as they are (they name the
    field or the problem)."""
    answer = await _ask(request, method, path, **kwargs)
    if answer.status_code >= 300:
        return JSONResponse(answer.body, status_code=answer.status_code)
    try:
        checked = model.model_validate(answer.body)
    except ValidationError as exc:
        problem = f"reservation answered an unexpected {model.__name__}: {exc.errors()[:1]}"
        raise ApiError(502, "bad_upstream_answer", problem) from None
    return JSONResponse(checked.model_dump(mode="json"), status_code=answer.status_code)


@router.get(
    "/promise", response_model=Promise, responses={**FROM_RESERVATION, 200: PROMISE_EXAMPLE}
)
async def promise_one(
    request: Request,
    _: Reader,
    sku: Annotated[str, Query(min_length=1, examples=["TEA-LJ-250G"])],
    location: Annotated[str, Query(min_length=1, examples=["SH-01"])],
    quantity: Annotated[Decimal, Query(gt=0, examples=["15"])],
) -> JSONResponse:
    """How many are available now, and on which dates the rest arrives from open purchase
    orders after the backorders ahead in the queue."""
    params = {"sku": sku, "location": location, "quantity": str(quantity)}
    return await _relay(request, "GET", "/v1/promise", Promise, params=params)


@router.post(
    "/promise", response_model=Promise, responses={**FROM_RESERVATION, 200: PROMISE_EXAMPLE}
)
async def promise_lines(
    body: Annotated[PromiseBody, PROMISE_BODY_EXAMPLES], request: Request, _: Reader
) -> JSONResponse:
    """The promise of several lines, and the date all of them can ship."""
    payload = body.model_dump(mode="json")
    return await _relay(request, "POST", "/v1/promise", Promise, json=payload)


@router.post(
    "/quotes",
    status_code=201,
    response_model=Quote,
    responses={**FROM_RESERVATION, 201: QUOTE_EXAMPLE},
)
async def open_quote(
    body: Annotated[QuoteBody, QUOTE_EXAMPLES],
    request: Request,
    _: Writer,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Keep a quote (with a soft hold if asked); the same ``quote_id`` again answers the quote
    already kept (200), so a retry never holds twice."""
    payload = body.model_dump(mode="json", exclude_none=True)
    return await _relay(request, "POST", "/v1/quotes", Quote, json=payload)


@router.get(
    "/quotes/{quote_id}", response_model=Quote, responses={**FROM_RESERVATION, 200: QUOTE_EXAMPLE}
)
async def get_quote(quote_id: str, request: Request, _: Reader) -> JSONResponse:
    """The quote, what it holds until when, and its promise now."""
    return await _relay(request, "GET", f"/v1/quotes/{_segment(quote_id)}", Quote)


@router.delete(
    "/quotes/{quote_id}",
    response_model=Quote,
    responses={**FROM_RESERVATION, 200: QUOTE_CANCELLED_EXAMPLE},
)
async def cancel_quote(quote_id: str, request: Request, _: Writer) -> JSONResponse:
    """Cancel the quote; what it holds is free again (409 once it is closed)."""
    return await _relay(request, "DELETE", f"/v1/quotes/{_segment(quote_id)}", Quote)


@router.post(
    "/quotes/{quote_id}/convert",
    status_code=202,
    response_model=Accepted,
    responses={**FROM_RESERVATION, 409: {"description": "the quote is closed"}},
)
async def convert_quote(
    quote_id: str,
    body: Annotated[ConvertBody, CONVERT_EXAMPLES],
    request: Request,
    uow: Uow,
    client: Writer,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Place the quote's order: it takes over what the quote holds, atomically; the outcome
    comes as for any order (``StockReserved`` or ``ReservationRejected``)."""
    found = await _ask(request, "GET", f"/v1/quotes/{_segment(quote_id)}")
    if found.status_code != 200:
        return JSONResponse(found.body, status_code=found.status_code)
    quote: dict[str, Any] = found.body
    if quote["status"] not in ("open", "held"):
        detail = f"quote {quote_id} is {quote['status']}; it cannot become an order"
        raise ApiError(409, "quote_closed", detail)
    lines = [
        OrderLine(sku=line["sku"], location=line["location"], quantity=line["quantity"])
        for line in quote["lines"]
    ]
    fields = {**body.model_dump(), "quote_id": quote_id, "customer_id": quote["customer_id"]}
    event = _event(OrderPlaced, lines=tuple(lines), **fields)
    return await _submit(request, uow, client, key, body, event, body.order_id)
