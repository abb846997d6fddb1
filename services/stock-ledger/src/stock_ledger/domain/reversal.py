"""Reversal: a posted document is corrected by a document that mirrors it, never by an edit.

Each entry of the original is undone at its original cost: stock that came in leaves again
(first from the layers it opened), stock that went out returns to the very layers it was taken
from, so lots, receipt dates (aging) and FIFO costs come back as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from stock_ledger.domain.errors import DocumentStateError, NegativeStock, Shortfall
from stock_ledger.domain.model import (
    ZERO,
    Balance,
    Document,
    DocumentLine,
    LedgerEntry,
    Location,
    PointKey,
    round_money,
)
from stock_ledger.domain.poster import Posting
from stock_ledger.domain.valuation import Consumption, CostLayer, consume


def reversal_of(original: Document, document_id: str, posted_by: str) -> Document:
    """The reversing document of `original`: same type and lines, marked as its reversal."""
    if original.status != "posted":
        raise DocumentStateError(f"{original.document_id} is not posted: nothing to reverse")
    if original.reverses_document_id is not None:
        raise DocumentStateError(f"{original.document_id} is itself a reversal")
    if original.reversed_by_document_id is not None:
        raise DocumentStateError(
            f"{original.document_id} was already reversed by {original.reversed_by_document_id}"
        )
    return Document(
        document_id=document_id,
        document_type=original.document_type,
        lines=[
            DocumentLine(
                line.line_no,
                line.sku,
                line.location,
                line.quantity,
                line.unit_cost,
                line.lot,
                line.expiry_date,
                line.to_location,
                line.reason_code,
            )
            for line in original.lines
        ],
        posted_by=posted_by,
        order_id=original.order_id,
        purchase_order_id=original.purchase_order_id,
        reverses_document_id=original.document_id,
        currency=original.currency,
    )


def post_reversal(
    reversal: Document,
    original: Document,
    balances: Mapping[PointKey, Balance],
    layers: Mapping[PointKey, list[CostLayer]],
    consumed: Mapping[str, Sequence[Consumption]],
    locations: Mapping[str, Location],
    now: datetime,
) -> Posting:
    """Post `reversal` of `original`; `consumed` holds what each original outbound consumed.

    Raises `NegativeStock` (nothing changes) when stock that came in has left meanwhile.
    """
    posting = Posting(layers={key: list(found) for key, found in layers.items()})
    entries: list[LedgerEntry] = []
    shortfalls: list[Shortfall] = []
    for entry in original.entries:
        if entry.movement_type == "cost_adjustment":
            continue
        balance = balances[(entry.sku, entry.location)]
        movement_id = reversal.document_id + entry.movement_id[len(original.document_id) :]
        before = balance.value
        if entry.quantity_delta > 0:
            short = _shortfall(entry, balance, locations[entry.location])
            if short is not None:
                shortfalls.append(short)
                continue
            _take_back(entry, movement_id, posting)
        else:
            for consumption in consumed.get(entry.movement_id, ()):
                consumption.layer.remaining += consumption.quantity
        entries.append(_mirror(entry, movement_id, balance, before, now.date()))
    if shortfalls:
        raise NegativeStock(reversal.document_id, shortfalls)
    reversal.record_posting(entries, now, now.date())
    return posting


def _shortfall(entry: LedgerEntry, balance: Balance, location: Location) -> Shortfall | None:
    """What is missing to take back inbound `entry` where stock may not go negative."""
    quantity = entry.quantity_delta
    if balance.on_hand >= quantity or location.allow_negative_stock:
        return None
    short = quantity - max(balance.on_hand, ZERO)
    return Shortfall(
        entry.line_no, entry.sku, entry.location, quantity, balance.on_hand, short, entry.lot
    )


def _take_back(entry: LedgerEntry, movement_id: str, posting: Posting) -> None:
    """Take inbound `entry`'s quantity out again: first from the layers it opened."""
    found = posting.layers.setdefault((entry.sku, entry.location), [])
    own = [layer for layer in found if layer.movement_id == entry.movement_id]
    taken, missing = consume(own, entry.quantity_delta, fefo=False)
    more, _ = consume(found, missing, fefo=False)
    posting.consumptions.extend((movement_id, c) for c in [*taken, *more])


def _mirror(
    entry: LedgerEntry, movement_id: str, balance: Balance, before: Decimal, day: date
) -> LedgerEntry:
    """Undo `entry` on `balance` (whose value was `before`): the reversal entry, at its cost."""
    balance.on_hand -= entry.quantity_delta
    balance.value = ZERO if balance.on_hand == 0 else round_money(before - entry.value)
    if balance.on_hand > 0:
        balance.average_cost = round_money(balance.value / balance.on_hand)
    balance.last_movement_id = movement_id
    return LedgerEntry(
        movement_id,
        entry.line_no,
        entry.sku,
        entry.location,
        "reversal",
        -entry.quantity_delta,
        entry.unit_cost,
        balance.value - before,
        balance.on_hand,
        balance.value,
        balance.average_cost,
        entry.lot,
        entry.expiry_date,
        day,
        None,
        -entry.cogs,
    )
