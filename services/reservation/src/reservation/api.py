"""HTTP API of the reservation service: reservations and available-to-promise (read only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from inventory_contracts import ReservationRejected, StockReserved
from inventory_contracts.events.base import NonNegativeQuantity, PositiveQuantity, Quantity
from inventory_runtime.app import get_uow
from inventory_runtime.uow import UnitOfWorkProtocol
from pydantic import BaseModel

from reservation import queries
from reservation.domain import Reservation, StockPoint
from reservation.unit_of_work import ReservationUnitOfWork

router = APIRouter(prefix="/v1", tags=["reservations"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "not known to the reservation service"}
}


def _uow(uow: Annotated[UnitOfWorkProtocol, Depends(get_uow)]) -> ReservationUnitOfWork:
    return cast(ReservationUnitOfWork, uow)


Uow = Annotated[ReservationUnitOfWork, Depends(_uow)]


class Availability(BaseModel):
    sku: str
    location: str
    on_hand: Quantity
    reserved: NonNegativeQuantity
    available_to_promise: Quantity


class LineView(BaseModel):
    line_no: int
    sku: str
    location: str
    requested: PositiveQuantity
    reserved: NonNegativeQuantity
    released: NonNegativeQuantity
    fulfilled: NonNegativeQuantity
    outstanding: NonNegativeQuantity
    backordered: NonNegativeQuantity


class FillView(BaseModel):
    line_no: int
    quantity: PositiveQuantity
    filled_at: datetime


class ShortLineView(BaseModel):
    sku: str
    location: str
    requested: PositiveQuantity
    available: Quantity


class Outcome(BaseModel):
    type: str
    reason: str | None
    message: str | None
    short_lines: list[ShortLineView]


class ReservationView(BaseModel):
    order_id: str
    reservation_id: str
    status: str
    priority: int
    customer_id: str | None
    expires_at: datetime | None
    allow_partial: bool
    lines: list[LineView]
    backorder_fills: list[FillView]
    outcome: Outcome


def _not_found(detail: str) -> JSONResponse:
    return JSONResponse(status_code=404, content={"error": "not_found", "detail": detail})


def _availability(point: StockPoint) -> Availability:
    return Availability(
        sku=point.sku,
        location=point.location,
        on_hand=point.on_hand,
        reserved=point.reserved,
        available_to_promise=point.available_to_promise,
    )


def _view(reservation: Reservation, fills: list[queries.FillRecord]) -> ReservationView:
    rejected = reservation.status == "rejected"
    outcome = Outcome(
        type=(ReservationRejected if rejected else StockReserved).event_type,
        reason=reservation.reason,
        message=reservation.message,
        short_lines=[ShortLineView(**s.model_dump()) for s in reservation.short_lines],
    )
    return ReservationView(
        order_id=reservation.order_id,
        reservation_id=reservation.reservation_id,
        status=reservation.status,
        priority=reservation.priority,
        customer_id=reservation.customer_id,
        expires_at=reservation.expires_at,
        allow_partial=reservation.allow_partial,
        backorder_fills=[FillView(**fill._asdict()) for fill in fills],
        lines=[
            LineView(
                line_no=line.line_no,
                sku=line.sku,
                location=line.location,
                requested=line.requested,
                reserved=line.reserved,
                released=line.released,
                fulfilled=line.fulfilled,
                outstanding=line.outstanding,
                backordered=line.backordered,
            )
            for line in reservation.lines
        ],
        outcome=outcome,
    )


@router.get("/reservations/{order_id}", response_model=ReservationView, responses=NOT_FOUND)
async def get_reservation(order_id: str, uow: Uow) -> Any:
    """The order's reservation: status, lines (held, waiting), backorder fills and its outcome."""
    async with uow:
        reservation = await uow.reservations.get(order_id)
        if reservation is None:
            if await uow.reservations.was_cancelled_early(order_id):
                return _not_found(f"order {order_id} was cancelled before it was placed")
            return _not_found(f"no reservation for order {order_id}")
        return _view(reservation, await queries.fills_of(uow.session, order_id))


@router.get("/availability/{sku}/{location}", response_model=Availability, responses=NOT_FOUND)
async def get_availability(sku: str, location: str, uow: Uow) -> Any:
    """On hand, reserved and available to promise of one SKU at one location."""
    async with uow:
        point = await queries.stock_point(uow.session, sku, location)
        if point is None:
            if not await queries.is_known(uow.session, sku, location):
                return _not_found(f"unknown stock point {sku}@{location}")
            point = StockPoint(sku, location)
        return _availability(point)


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
        return [_availability(point) for point in points]
