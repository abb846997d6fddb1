"""Routes of the reservation API: reservations and available-to-promise (read only).

Every route reads, so the router declares ``reservation:read`` once for all of them;
reservations are placed and cancelled by order events on Kafka, not over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import error_response

from reservation.adapters import queries
from reservation.api import Uow
from reservation.api.schemas import Availability, Backorders, ReservationView
from reservation.domain import StockPoint

router = secured_router(
    prefix="/v1", tags=["reservations"], dependencies=[require("reservation:read")]
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "not known to the reservation service"}
}


@router.get("/reservations/{order_id}", response_model=ReservationView, responses=NOT_FOUND)
async def get_reservation(order_id: str, uow: Uow) -> Any:
    """The order's reservation: status, lines (held, waiting), backorder fills and its outcome."""
    async with uow:
        reservation = await uow.reservations.get(order_id)
        if reservation is None:
            if await uow.reservations.was_cancelled_early(order_id):
                detail = f"order {order_id} was cancelled before it was placed"
                return error_response(404, "not_found", detail)
            return error_response(404, "not_found", f"no reservation for order {order_id}")
        return ReservationView.of(reservation, await queries.fills_of(uow.session, order_id))


@router.get("/availability/{sku}/{location}", response_model=Availability, responses=NOT_FOUND)
async def get_availability(sku: str, location: str, uow: Uow) -> Any:
    """On hand, reserved and available to promise of one SKU at one location."""
    async with uow:
        point = await queries.stock_point(uow.session, sku, location)
        if point is None:
            if not await queries.is_known(uow.session, sku, location):
                return error_response(404, "not_found", f"unknown stock point {sku}@{location}")
            point = StockPoint(sku, location)
        return Availability.of(point)


@router.get("/availability", response_model=list[Availability])
async def list_availability(
    uow: Uow,
    sku: Annotated[str | None, Query(min_length=1)] = None,
    location: Annotated[str | None, Query(min_length=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    """Availability of the stock points with this SKU and/or location (sorted)."""
    async with uow:
        points = await queries.stock_points_of(uow.session, sku, location, limit)
        return [Availability.of(point) for point in points]


@router.get("/backorders/{sku}/{location}", response_model=Backorders, responses=NOT_FOUND)
async def get_backorders(sku: str, location: str, uow: Uow) -> Any:
    """How much the open orders wait for at one stock point (backordered), in how many lines."""
    async with uow:
        backordered, lines = await queries.backordered_at(uow.session, sku, location)
        if not lines and not await queries.is_known(uow.session, sku, location):
            return error_response(404, "not_found", f"unknown stock point {sku}@{location}")
    return Backorders(sku=sku, location=location, backordered=backordered, lines=lines)
