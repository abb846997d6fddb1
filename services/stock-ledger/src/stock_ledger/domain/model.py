"""Stock ledger domain: documents, immutable ledger entries, balances at moving-average cost.

Pure: no database, no Kafka. `post` takes a document and the balances the handler locked,
moves them, and returns the ledger entries (one per line) with the StockMoved events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, localcontext
from typing import Literal

from inventory_contracts import StockMoved
from inventory_contracts.events.stock import MovementType

ZERO = Decimal(0)
SCALE = Decimal("1e-12")
"""Costs and values keep 12 decimal places, the most the contracts carry."""
PointKey = tuple[str, str]
DocumentType = Literal["receipt", "issue"]
MOVEMENT_OF: dict[DocumentType, MovementType] = {"receipt": "receipt", "issue": "issue"}


def _round(amount: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return amount.quantize(SCALE).normalize() if amount else ZERO


@dataclass(frozen=True)
class Item:
    sku: str
    unit_cost: Decimal
    currency: str
    active: bool = True


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
    """Given on receipts; issues go out at the current average cost."""

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)


@dataclass
class Balance:
    """On hand and stock value of one SKU at one location."""

    sku: str
    location: str
    on_hand: Decimal = ZERO
    value: Decimal = ZERO
    average_cost: Decimal = ZERO

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
    movement_type: MovementType
    quantity_delta: Decimal
    unit_cost: Decimal
    value: Decimal
    on_hand_after: Decimal
    value_after: Decimal
    average_cost_after: Decimal


@dataclass
class Document:
    """A stock document (form); posted means its ledger entries exist."""

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

    @property
    def fingerprint(self) -> str:
        """What the document asks for, so a repeated request can be told from a different one."""
        content = {
            "type": self.document_type,
            "order_id": self.order_id,
            "purchase_order_id": self.purchase_order_id,
            "lines": [
                [line.sku, line.location, str(line.quantity.normalize()), _cost(line.unit_cost)]
                for line in self.lines
            ],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def stock_moved(self) -> list[StockMoved]:
        """The StockMoved of every entry, in line order."""
        assert self.posted_at is not None, "document not posted"
        return [
            StockMoved(
                sku=entry.sku,
                location=entry.location,
                movement_id=entry.movement_id,
                quantity_delta=entry.quantity_delta,
                movement_type=entry.movement_type,
                unit_cost=entry.unit_cost,
                value=entry.value,
                currency=self.currency,
                on_hand_after=entry.on_hand_after,
                document_id=self.document_id,
                document_type=self.document_type,
                order_id=self.order_id,
                purchase_order_id=self.purchase_order_id,
                posted_at=self.posted_at,
                posted_by=self.posted_by,
            )
            for entry in self.entries
        ]


def _cost(cost: Decimal | None) -> str | None:
    return None if cost is None else str(cost.normalize())


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a request, as the API reports it."""

    field: str
    problem: str


class InvalidDocument(Exception):
    """The document names things the ledger does not know; nothing was posted."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.problem}" for p in self.problems))


@dataclass(frozen=True)
class Shortfall:
    line_no: int
    sku: str
    location: str
    requested: Decimal
    on_hand: Decimal
    shortfall: Decimal


class NegativeStock(Exception):
    """Posting would take stock below zero where the location does not allow it."""

    def __init__(self, document_id: str, shortfalls: Sequence[Shortfall]) -> None:
        self.shortfalls = list(shortfalls)
        detail = "; ".join(
            f"line {s.line_no} {s.sku}@{s.location}: issue {s.requested}, on hand {s.on_hand}, "
            f"short {s.shortfall}"
            for s in self.shortfalls
        )
        super().__init__(f"{document_id} refused, stock would go negative: {detail}")


class IdempotencyConflict(Exception):
    """The same document id or idempotency key was used for a different document."""


def check_master_data(
    document: Document, items: Mapping[str, Item], locations: Mapping[str, Location]
) -> None:
    """Raise `InvalidDocument` naming each line whose SKU or location is unknown."""
    problems = []
    for index, line in enumerate(document.lines):
        if line.sku not in items:
            problems.append(
                Problem(f"lines.{index}.sku", f"unknown SKU {line.sku!r} (未知物料编码)")
            )
        if line.location not in locations:
            problems.append(
                Problem(f"lines.{index}.location", f"unknown location {line.location!r} (未知库位)")
            )
        if document.document_type == "receipt" and line.unit_cost is None:
            problems.append(Problem(f"lines.{index}.unit_cost", "a receipt line needs a unit cost"))
    if problems:
        raise InvalidDocument(problems)


def post(
    document: Document,
    balances: Mapping[PointKey, Balance],
    items: Mapping[str, Item],
    locations: Mapping[str, Location],
    now: datetime,
) -> None:
    """Post every line of `document` against `balances` (changed in place), or none.

    Receipts add at their unit cost and re-average; issues leave at the current average cost
    (the item's standard cost while a stock point has never had any).
    """
    check_master_data(document, items, locations)
    entries = []
    shortfalls = []
    for line in document.lines:
        balance = balances[line.key]
        if document.document_type == "receipt":
            assert line.unit_cost is not None
            entries.append(_receive(document, line, balance, line.unit_cost))
            continue
        if (
            balance.on_hand - line.quantity < 0
            and not locations[line.location].allow_negative_stock
        ):
            shortfalls.append(
                Shortfall(
                    line_no=line.line_no,
                    sku=line.sku,
                    location=line.location,
                    requested=line.quantity,
                    on_hand=balance.on_hand,
                    shortfall=line.quantity - max(balance.on_hand, ZERO),
                )
            )
        cost = balance.average_cost or items[line.sku].unit_cost
        entries.append(_issue(document, line, balance, cost))
    if shortfalls:
        raise NegativeStock(document.document_id, shortfalls)
    document.entries = entries
    document.posted_at = now
    document.currency = items[document.lines[0].sku].currency


def _receive(
    document: Document, line: DocumentLine, balance: Balance, cost: Decimal
) -> LedgerEntry:
    before = balance.value
    balance.on_hand += line.quantity
    if balance.on_hand - line.quantity < 0 or balance.on_hand <= 0:
        # Stock was negative: what was missing is now valued at this receipt's cost.
        balance.value = _round(balance.on_hand * cost)
        balance.average_cost = cost
    else:
        balance.value = _round(before + line.quantity * cost)
        balance.average_cost = _round(balance.value / balance.on_hand)
    return _entry(document, line, balance, cost, balance.value - before)


def _issue(document: Document, line: DocumentLine, balance: Balance, cost: Decimal) -> LedgerEntry:
    before = balance.value
    balance.on_hand -= line.quantity
    # The last unit out takes the remaining value with it, so no rounding dust stays behind.
    balance.value = ZERO if balance.on_hand == 0 else _round(before - line.quantity * cost)
    if balance.average_cost == 0:
        balance.average_cost = cost
    return _entry(document, line, balance, cost, balance.value - before, sign=-1)


def _entry(
    document: Document,
    line: DocumentLine,
    balance: Balance,
    cost: Decimal,
    value: Decimal,
    sign: int = 1,
) -> LedgerEntry:
    return LedgerEntry(
        movement_id=f"{document.document_id}-{line.line_no}",
        line_no=line.line_no,
        sku=line.sku,
        location=line.location,
        movement_type=MOVEMENT_OF[document.document_type],
        quantity_delta=line.quantity * sign,
        unit_cost=cost,
        value=value,
        on_hand_after=balance.on_hand,
        value_after=balance.value,
        average_cost_after=balance.average_cost,
    )
