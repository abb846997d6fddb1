"""What the promise and quote routes answer (reservation's answers, checked and typed here so
the OpenAPI document and the generated client describe them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class PromiseStep(BaseModel):
    on: date = Field(description="A date an open purchase order is due.")
    cumulative: Decimal = Field(description="Units promised by then, available now included.")


class PromiseLine(BaseModel):
    sku: str
    location: str
    requested: Decimal
    available_now: Decimal = Field(description="Units free to ship now.")
    steps: list[PromiseStep] = Field(
        description="Later dates, from open purchase orders after the backorders ahead."
    )
    unscheduled: Decimal = Field(description="Units no open purchase order covers yet.")
    complete_on: date | None = Field(description="When the line is complete; null: not yet known.")


class Promise(BaseModel):
    as_of: date
    lines: list[PromiseLine]
    complete_now: bool
    ships_complete_on: date | None = Field(
        description="When every line can ship in full; null when some quantity has no open "
        "purchase order."
    )


class QuoteLine(BaseModel):
    line_no: int
    sku: str
    location: str
    quantity: Decimal
    held: Decimal = Field(description="Units the quote's soft hold keeps.")


class Quote(BaseModel):
    quote_id: str
    status: Literal["open", "held", "converted", "expired", "cancelled"]
    customer_id: str | None
    expires_at: datetime | None = Field(description="When the hold ends by itself.")
    order_id: str | None = Field(description="The order it became, once converted.")
    lines: list[QuoteLine]
    promise: Promise | None = Field(
        description="The promise now (what the quote holds counts as its own); null once closed."
    )
