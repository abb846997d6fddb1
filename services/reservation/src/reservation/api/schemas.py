"""Response bodies of the reservation API, and how domain objects become them."""

from __future__ import annotations

from datetime import datetime

from inventory_contracts import ReservationRejected, StockReserved
from inventory_contracts.events.base import NonNegativeQuantity, PositiveQuantity, Quantity
from pydantic import BaseModel

from reservation.adapters.queries import FillRecord
from reservation.domain import Reservation, StockPoint


class Backorders(BaseModel):
    sku: str
    location: str
    backordered: NonNegativeQuantity
    lines: int


class Availability(BaseModel):
    sku: str
    location: str
    on_hand: Quantity
    reserved: NonNegativeQuantity
    available_to_promise: Quantity

    @classmethod
    def of(cls, point: StockPoint) -> Availability:
        return cls(
            sku=point.sku,
            location=point.location,
            on_hand=point.on_hand,
            reserved=point.reserved,
            available_to_promise=point.available_to_promise,
        )


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

    @classmethod
    def of(cls, reservation: Reservation, fills: list[FillRecord]) -> ReservationView:
        rejected = reservation.status == "rejected"
        outcome = Outcome(
            type=(ReservationRejected if rejected else StockReserved).event_type,
            reason=reservation.reason,
            message=reservation.message,
            short_lines=[ShortLineView(**s.model_dump()) for s in reservation.short_lines],
        )
        return cls(
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
