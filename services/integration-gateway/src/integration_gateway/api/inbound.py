"""Inbound REST API: orders, shipments, master data and receipts become events.

Every route answers 202 with the event it published (through the outbox). With an
``Idempotency-Key`` header the first answer is stored with the event, and a repeat of the same
request gets it again (``Idempotent-Replayed: true``) without publishing anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import JSONResponse
from inventory_contracts.errors import describe_validation_error
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted, LocationUpserted, SupplierUpserted
from inventory_contracts.events.orders import OrderCancelled, OrderPlaced, OrderShipped
from inventory_contracts.events.purchase_orders import GoodsReceived
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ValidationError

from integration_gateway import domain, handlers, metrics
from integration_gateway.api import Uow, examples
from integration_gateway.api.auth import AuthenticatedRoute, requires
from integration_gateway.api.schemas import (
    Accepted,
    CancelOrderBody,
    ItemBody,
    LocationBody,
    ReceiptBody,
    ShipmentBody,
    SupplierBody,
    path_agrees,
)
from integration_gateway.domain import ApiClient, IdempotencyKeyReused

REPLAYED_HEADER = "Idempotent-Replayed"


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Makes retries safe: a repeat of the same request is answered, not redone.",
        ),
    ] = None,
) -> str | None:
    if key is not None and not domain.valid_idempotency_key(key):
        raise ApiError(
            400,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1-255 printable ASCII characters without spaces",
        )
    return key


IdempotencyKeyDep = Annotated[str | None, Depends(idempotency_key)]
OrdersClient = Annotated[ApiClient, requires("orders:write")]
MasterDataClient = Annotated[ApiClient, requires("master-data:write")]
ReceiptsClient = Annotated[ApiClient, requires("receipts:write")]

router = APIRouter(prefix="/v1", tags=["inbound"], route_class=AuthenticatedRoute)
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "malformed JSON or Idempotency-Key"},
    401: {"description": "missing, unknown or inactive API key"},
    403: {"description": "the API client lacks the scope"},
    422: {"description": "invalid field(s), or an Idempotency-Key reused for another request"},
    429: {"description": "the API client is over its rate limit (see Retry-After)"},
}


def responses(event_type: str) -> dict[int | str, dict[str, Any]]:
    """The answers of an inbound route publishing `event_type`, with examples."""
    return {202: examples.accepted(event_type), **RESPONSES}


def _event(model: type[Event], **fields: Any) -> Event:
    try:
        return model(**fields)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", describe_validation_error(exc)) from None


def _mismatch(field: str, path_value: str) -> ApiError:
    problem = f"does not match {path_value!r} in the path"
    return ApiError(422, "validation_error", field_problems([(field, problem)]))


async def _submit(
    request: Request,
    uow: Uow,
    client: ApiClient,
    key: str | None,
    body: BaseModel,
    event: Event,
    subject: str,
) -> JSONResponse:
    inbound = handlers.InboundRequest(
        client_id=client.id,
        method=request.method,
        path=request.url.path,
        body=body.model_dump(mode="json", exclude_none=True),
        event=event,
        subject=subject,
        idempotency_key=key,
    )
    try:
        answer = await handlers.accept(inbound, uow)
    except IdempotencyKeyReused:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a different request; use a new key",
        ) from None
    outcome = "replayed" if answer.replayed else "accepted"
    metrics.INBOUND_REQUESTS.labels(event.event_type, outcome).inc()
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else None
    return JSONResponse(status_code=answer.status_code, content=answer.body, headers=headers)


@router.post(
    "/orders", status_code=202, response_model=Accepted, responses=responses(OrderPlaced.event_type)
)
async def place_order(
    order: Annotated[OrderPlaced, Body(openapi_examples=examples.ORDER)],
    request: Request,
    uow: Uow,
    client: OrdersClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """An order placed in the CRM/ERP; reservation answers on ``inventory.reservations``."""
    return await _submit(request, uow, client, key, order, order, order.order_id)


@router.post(
    "/orders/{order_id}/cancel",
    status_code=202,
    response_model=Accepted,
    responses=responses(OrderCancelled.event_type),
)
async def cancel_order(
    order_id: str,
    request: Request,
    uow: Uow,
    client: OrdersClient,
    key: IdempotencyKeyDep,
    body: CancelOrderBody | None = None,
) -> JSONResponse:
    """Cancel the whole order (empty body) or some of its quantities."""
    body = body or CancelOrderBody()
    event = _event(OrderCancelled, order_id=order_id, lines=body.lines, reason=body.reason)
    return await _submit(request, uow, client, key, body, event, order_id)


@router.post(
    "/orders/{order_id}/shipments",
    status_code=202,
    response_model=Accepted,
    responses=responses(OrderShipped.event_type),
)
async def ship_order(
    order_id: str,
    body: ShipmentBody,
    request: Request,
    uow: Uow,
    client: OrdersClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Goods of the order shipped; stock-ledger issues them and the reservation is fulfilled."""
    event = _event(OrderShipped, order_id=order_id, **body.model_dump())
    return await _submit(request, uow, client, key, body, event, order_id)


@router.put(
    "/items/{sku}",
    status_code=202,
    response_model=Accepted,
    responses=responses(ItemUpserted.event_type),
)
async def upsert_item(
    sku: str,
    body: ItemBody,
    request: Request,
    uow: Uow,
    client: MasterDataClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Create or replace an item (its full current state)."""
    if not path_agrees(sku, body.sku):
        raise _mismatch("sku", sku)
    event = _event(ItemUpserted, **{**body.model_dump(), "sku": sku})
    return await _submit(request, uow, client, key, body, event, sku)


@router.put(
    "/locations/{location}",
    status_code=202,
    response_model=Accepted,
    responses=responses(LocationUpserted.event_type),
)
async def upsert_location(
    location: str,
    body: LocationBody,
    request: Request,
    uow: Uow,
    client: MasterDataClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Create or replace a stock location."""
    if not path_agrees(location, body.location):
        raise _mismatch("location", location)
    event = _event(LocationUpserted, **{**body.model_dump(), "location": location})
    return await _submit(request, uow, client, key, body, event, location)


@router.put(
    "/suppliers/{supplier_id}",
    status_code=202,
    response_model=Accepted,
    responses=responses(SupplierUpserted.event_type),
)
async def upsert_supplier(
    supplier_id: str,
    body: SupplierBody,
    request: Request,
    uow: Uow,
    client: MasterDataClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """Create or replace a supplier."""
    if not path_agrees(supplier_id, body.supplier_id):
        raise _mismatch("supplier_id", supplier_id)
    event = _event(SupplierUpserted, **{**body.model_dump(), "supplier_id": supplier_id})
    return await _submit(request, uow, client, key, body, event, supplier_id)


@router.post(
    "/receipts",
    status_code=202,
    response_model=Accepted,
    responses=responses(GoodsReceived.event_type),
)
async def receive_goods(
    body: ReceiptBody,
    request: Request,
    uow: Uow,
    client: ReceiptsClient,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    """A goods receipt from the ERP (with the PO id when it is against one)."""
    fields = body.model_dump()
    fields["received_at"] = body.received_at or datetime.now(UTC)
    event = _event(GoodsReceived, **fields)
    return await _submit(request, uow, client, key, body, event, body.receipt_id)
