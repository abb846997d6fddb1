"""Stock ledger context: posted stock movements."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    Currency,
    Identifier,
    Money,
    Quantity,
    SignedMoney,
    StockPointEvent,
)
from inventory_contracts.topics import Topics

MovementType = Literal[
    "receipt",
    "issue",
    "transfer_in",
    "transfer_out",
    "count_adjustment",
    "adjustment",
    "reversal",
]


class StockMoved(StockPointEvent):
    """A ledger entry was posted: on-hand stock of one SKU at one location changed.

    Published by stock-ledger, one per ledger entry (a transfer posts a transfer_out at the
    source and a transfer_in at the destination). Entries are immutable; a correction is a
    reversal entry.
    """

    event_type = "inventory.stock.moved.v1"
    topic = Topics.STOCK_MOVEMENTS

    movement_id: Identifier = Field(description="Id of the ledger entry.")
    quantity_delta: Quantity = Field(description="Signed change of on-hand stock.")
    movement_type: MovementType
    lot: str | None = None
    expiry_date: date | None = None
    unit_cost: Money
    value: SignedMoney = Field(description="Signed change of stock value.")
    currency: Currency = DEFAULT_CURRENCY
    on_hand_after: Quantity = Field(description="On hand at this SKU x location after posting.")
    document_id: Identifier = Field(description="The document (form) that was posted.")
    document_type: str = Field(
        min_length=1,
        description="receipt | issue | transfer | stock_count | adjustment (see the glossary).",
    )
    order_id: Identifier | None = None
    purchase_order_id: Identifier | None = None
    posted_at: AwareDatetime
    posted_by: str = Field(min_length=1)
