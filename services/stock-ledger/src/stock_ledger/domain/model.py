"""Stock ledger model: master data, documents and their lines, ledger entries, balances.

Pure: no database, no Kafka.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any, Literal

from inventory_contracts import StockMoved
from inventory_contracts.events.base import Event
from inventory_contracts.events.stock import MovementType

from stock_ledger.domain.errors import DocumentStateError

ZERO = Decimal(0)
SCALE = Decimal("1e-12")
"""Costs and values keep 12 decimal places, the most the contracts carry."""
PointKey = tuple[str, str]
DocumentType = Literal["receipt", "issue", "transfer", "stock_count", "adjustment"]
DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    "receipt",
    "issue",
    "transfer",
    "stock_count",
    "adjustment",
)
EntryType = MovementType | Literal["cost_adjustment"]
"""`cost_adjustment` (value only, no quantity) is internal: a back-dated posting re-costing a
later issue. It is not published as StockMoved (the contract has no such movement type)."""

ADJUSTMENT_REASONS: dict[str, int] = {
    "scrap": -1,
    "damage": -1,
    "expired": -1,
    "theft": -1,
    "sample": -1,
    "correction_out": -1,
    "found": 1,
    "correction_in": 1,
}
"""Reason codes of adjustments (调整原因) and the direction each moves stock."""


def round_money(amount: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return amount.quantize(SCALE).normalize() if amount else ZERO


@dataclass(frozen=True)
class Item:
    sku: str
    unit_cost: Decimal
    currency: str
    active: bool = True
    valuation_method: str = "moving_average"
    lot_tracked: bool = False
    expiry_managed: bool = False
    category: str = ""

    @property
    def fifo(self) -> bool:
        return self.valuation_method == "fifo"


@dataclass(frozen=True)
class Location:
    location: str
    allow_negative_stock: bool = False
    active: bool = True


@dataclass(frozen=True)
class DocumentLine:
    line_no: int
    sku: str
    location: str
    quantity: Decimal
    unit_cost: Decimal | None = None
    """Given on receipts (and optionally on inbound adjustments); issues go out at cost."""
    lot: str | None = None
    expiry_date: date | None = None
    to_location: str | None = None
    """Transfers: where the stock goes."""
    reason_code: str | None = None
    """Adjustments: why (scrap, damage, found, ...)."""

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    def points(self) -> list[PointKey]:
        keys = [self.key]
        if self.to_location is not None:
            keys.append((self.sku, self.to_location))
        return keys


@dataclass
class Balance:
    """On hand and stock value of one SKU at one location."""

    sku: str
    location: str
    on_hand: Decimal = ZERO
    value: Decimal = ZERO
    average_cost: Decimal = ZERO
    last_effective_date: date | None = None
    last_issue_date: date | None = None
    last_movement_id: str | None = None

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)


@dataclass(frozen=True)
class LedgerEntry:
    """One posted movement; never changed afterwards (a correction is a reversal entry)."""

    movement_id: str
    line_no: int
    sku: str
    location: str
    movement_type: EntryType
    quantity_delta: Decimal
    unit_cost: Decimal
    value: Decimal
    on_hand_after: Decimal
    value_after: Decimal
    average_cost_after: Decimal
    lot: str | None = None
    expiry_date: date | None = None
    effective_date: date | None = None
    adjusts_movement_id: str | None = None
    """For `cost_adjustment` entries: the issue whose cost a back-dated posting changed."""
    cogs: Decimal = ZERO
    """Cost of goods issued this entry adds (issues; their reversals and re-costings)."""


@dataclass
class Document:
    """A stock document (form): a draft until posted, then immutable."""

    document_id: str
    document_type: DocumentType
    lines: list[DocumentLine]
    posted_by: str
    order_id: str | None = None
    purchase_order_id: str | None = None
    external_id: str | None = None
    idempotency_key: str | None = None
    currency: str = "CNY"
    posted_at: datetime | None = None
    entries: list[LedgerEntry] = field(default_factory=list)
    document_date: date | None = None
    """The business date (过账日期) the stock moved; earlier than today for back-dating."""
    reverses_document_id: str | None = None
    reversed_by_document_id: str | None = None
    status: str = "draft"
    form_version: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    created_by: str | None = None
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """What happened to the document since it was loaded (StockMoved when it posts), for the
    unit of work to collect."""

    @property
    def fingerprint(self) -> str:
        """What the document asks for, so a repeated request can be told from a different one."""
        content: dict[str, Any] = {
            "type": self.document_type,
            "order_id": self.order_id,
            "purchase_order_id": self.purchase_order_id,
            "lines": [
                [line.sku, line.location, str(line.quantity.normalize()), _cost(line.unit_cost)]
                for line in self.lines
            ],
        }
        extra = [
            [line.lot, str(line.expiry_date or ""), line.to_location, line.reason_code]
            for line in self.lines
        ]
        if any(any(x for x in row) for row in extra) or self.reverses_document_id:
            content["extra"] = extra
            content["reverses"] = self.reverses_document_id
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def check_editable(self) -> None:
        """Only a draft can be changed: a posted document is corrected by its reversal."""
        if self.status != "draft":
            raise DocumentStateError(
                f"{self.document_id} is {self.status}: only a draft can be changed "
                "(已过账单据不可修改，请做冲销)"
            )

    def check_postable(self, *, approved: bool = False) -> None:
        """A draft posts; a document waiting for approval posts only once `approved`."""
        if self.status != "draft" and not (approved and self.status == "pending_approval"):
            raise DocumentStateError(f"{self.document_id} is {self.status}, not a draft")

    def reject(self) -> None:
        """The approval it waited for was refused: it never posts."""
        self.status = "rejected"

    def record_posting(self, entries: list[LedgerEntry], now: datetime, day: date) -> None:
        """The document is posted with `entries` on business date `day`: it records the
        StockMoved of every quantity entry, in line order."""
        self.entries = entries
        self.created_by = self.created_by or self.posted_by
        self.posted_at = now
        self.status = "posted"
        self.document_date = day
        self.events.extend(self._stock_moved(now))

    def _stock_moved(self, posted_at: datetime) -> list[StockMoved]:
        return [
            StockMoved(
                sku=entry.sku,
                location=entry.location,
                movement_id=entry.movement_id,
                quantity_delta=entry.quantity_delta,
                movement_type=entry.movement_type,
                lot=entry.lot,
                expiry_date=entry.expiry_date,
                unit_cost=entry.unit_cost,
                value=entry.value,
                currency=self.currency,
                on_hand_after=entry.on_hand_after,
                document_id=self.document_id,
                document_type=self.document_type,
                order_id=self.order_id,
                purchase_order_id=self.purchase_order_id,
                posted_at=posted_at,
                posted_by=self.posted_by,
            )
            for entry in self.entries
            if entry.movement_type != "cost_adjustment"
        ]


def _cost(cost: Decimal | None) -> str | None:
    return None if cost is None else str(cost.normalize())
