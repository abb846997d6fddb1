"""Request and response bodies of the promise and quote routes."""

from __future__ import annotations

from datetime import date, datetime

from inventory_contracts.events.base import (
    Identifier,
    LocationCode,
    NonNegativeQuantity,
    PositiveQuantity,
    Sku,
)
from pydantic import BaseModel, Field

from reservation.domain.promise import Promise, QuoteLine, QuotePromise
from reservation.domain.quotes import Quote

MAX_LINES = 200


class LineBody(BaseModel):
    model_config = {"extra": "forbid"}
    sku: Sku = Field(examples=["TEA-LJ-250G"])
    location: LocationCode = Field(examples=["SH-01"])
    quantity: PositiveQuantity = Field(examples=["15"])

    def line(self) -> QuoteLine:
        return QuoteLine(self.sku, self.location, self.quantity)


class PromiseBody(BaseModel):
    """Lines to promise together (a quote not kept): lines at one point queue in order."""

    model_config = {"extra": "forbid"}
    lines: list[LineBody] = Field(min_length=1, max_length=MAX_LINES)


class QuoteBody(BaseModel):
    """A quote to keep; `hold: true` soft-reserves what is free now for `hold_seconds` (the
    service default when absent, at most its maximum)."""

    model_config = {"extra": "forbid"}
    quote_id: Identifier = Field(max_length=64, examples=["QT-2026-0042"])
    customer_id: Identifier | None = Field(None, examples=["C-88"])
    lines: list[LineBody] = Field(min_length=1, max_length=MAX_LINES)
    hold: bool = Field(False, examples=[True])
    hold_seconds: int | None = Field(None, gt=0, examples=[3600])


class StepView(BaseModel):
    on: date
    cumulative: PositiveQuantity


class PromiseLineView(BaseModel):
    sku: str
    location: str
    requested: PositiveQuantity
    available_now: NonNegativeQuantity
    steps: list[StepView]
    """Later dates from open purchase orders, each with the cumulative quantity by then."""
    unscheduled: NonNegativeQuantity
    complete_on: date | None

    @classmethod
    def of(cls, promise: Promise) -> PromiseLineView:
        return cls(
            sku=promise.sku,
            location=promise.location,
            requested=promise.requested,
            available_now=promise.available_now,
            steps=[StepView(on=s.on, cumulative=s.cumulative) for s in promise.steps],
            unscheduled=promise.unscheduled,
            complete_on=promise.complete_on,
        )


class PromiseView(BaseModel):
    as_of: date
    lines: list[PromiseLineView]
    complete_now: bool
    ships_complete_on: date | None
    """When every line can ship in full; null when some quantity has no open purchase order."""

    @classmethod
    def of(cls, promise: QuotePromise, as_of: date) -> PromiseView:
        return cls(
            as_of=as_of,
            lines=[PromiseLineView.of(line) for line in promise.lines],
            complete_now=promise.complete_now,
            ships_complete_on=promise.ships_complete_on,
        )


class QuoteLineView(BaseModel):
    line_no: int
    sku: str
    location: str
    quantity: PositiveQuantity
    held: NonNegativeQuantity


class QuoteView(BaseModel):
    quote_id: str
    status: str
    customer_id: str | None
    expires_at: datetime | None
    order_id: str | None
    lines: list[QuoteLineView]
    promise: PromiseView | None
    """The promise now (what the quote holds counts as its own); null once it is closed."""

    @classmethod
    def of(cls, quote: Quote, promise: PromiseView | None) -> QuoteView:
        return cls(
            quote_id=quote.quote_id,
            status=quote.status,
            customer_id=quote.customer_id,
            expires_at=quote.expires_at,
            order_id=quote.order_id,
            lines=[
                QuoteLineView(
                    line_no=line.line_no,
                    sku=line.sku,
                    location=line.location,
                    quantity=line.quantity,
                    held=line.held,
                )
                for line in quote.lines
            ],
            promise=promise,
        )
