"""Reversal: a posted document is corrected by a document that mirrors it, never by an edit.

Each entry of the original is undone at its original cost: stock that came in leaves again
(first from the layers it opened), stock that went out returns to the very layers it was taken
from, so lots, receipt dates (aging) and FIFO costs come back as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from stock_ledger.domain.model import (
    ZERO,
    Balance,
    Document,
    DocumentLine,
    DocumentStateError,
    LedgerEntry,
    Location,
    NegativeStock,
    PointKey,
    Shortfall,
    round_money,
)
from stock_ledger.domain.posting import Posting
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
    """Post `reversal` of `original`; `consumed` holds what each original outbound consumed."""
    posting = Posting(layers={key: list(found) for key, found in layers.items()})
    entries: list[LedgerEntry] = []
    shortfalls: list[Shortfall] = []
    for entry in original.entries:
        if entry.movement_type == "cost_adjustment":
            continue
        key = (entry.sku, entry.location)
        balance = balances[key]
        movement_id = reversal.document_id + entry.movement_id[len(original.document_id) :]
        before = balance.value
        if entry.quantity_delta > 0:
            quantity = entry.quantity_delta
            if balance.on_hand < quantity and not locations[entry.location].allow_negative_stock:
                shortfalls.append(
                    Shortfall(
                        entry.line_no,
                        entry.sku,
                        entry.location,
                        quantity,
                        balance.on_hand,
                        quantity - max(balance.on_hand, ZERO),
                        entry.lot,
                    )
                )
                continue
            found = posting.layers.setdefault(key, [])
            own = [layer for layer in found if layer.movement_id == entry.movement_id]
            taken, missing = consume(own, quantity, fefo=False)
            more, _ = consume(found, missing, fefo=False)
            posting.consumptions.extend((movement_id, c) for c in [*taken, *more])
        else:
            for consumption in consumed.get(entry.movement_id, ()):
                consumption.layer.remaining += consumption.quantity
        balance.on_hand -= entry.quantity_delta
        balance.value = ZERO if balance.on_hand == 0 else round_money(before - entry.value)
        if balance.on_hand > 0:
            balance.average_cost = round_money(balance.value / balance.on_hand)
        balance.last_movement_id = movement_id
        entries.append(
            LedgerEntry(
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
                now.date(),
                None,
                -entry.cogs,
            )
        )
    if shortfalls:
        raise NegativeStock(reversal.document_id, shortfalls)
    reversal.entries = entries
    reversal.created_by = reversal.posted_by
    reversal.posted_at = now
    reversal.status = "posted"
    reversal.document_date = now.date()
    return posting
