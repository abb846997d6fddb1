"""Posting: a document's lines become ledger entries, layer changes and balance changes.

Back-dated postings (document date before entries already posted at a stock point) keep
quantities, valuation and aging right without reposting the ledger:

* quantities and the balance are running sums, independent of order: nothing to redo;
* aging counts from each layer's receipt date (the document date), so a back-dated receipt
  ages from its own date at once;
* FIFO cost: only the affected SKU x location is replayed, and only from the back-dated date
  on. The outbound movements effective after that date are un-consumed (their consumptions are
  stored per layer), the back-dated line is applied, and they are re-consumed in date order.
  Each one whose cost changes gets a value-only `cost_adjustment` entry dated like it (the
  posted entries themselves stay immutable); other SKUs and stock points are never touched.
* moving average is perpetual in posting order (the average when the stock left), so a
  back-dated receipt re-averages the current stock and earlier issue costs stand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from stock_ledger.domain.backdating import LaterOutbound, Replay
from stock_ledger.domain.errors import InvalidDocument, NegativeStock, Problem
from stock_ledger.domain.model import (
    ADJUSTMENT_REASONS,
    ZERO,
    Balance,
    Document,
    DocumentLine,
    Item,
    Location,
    PointKey,
)
from stock_ledger.domain.poster import InboundPart, Poster, Posting
from stock_ledger.domain.rules import check_master_data
from stock_ledger.domain.valuation import CostLayer, available


def post(
    document: Document,
    balances: Mapping[PointKey, Balance],
    items: Mapping[str, Item],
    locations: Mapping[str, Location],
    now: datetime,
    layers: Mapping[PointKey, list[CostLayer]] | None = None,
    later: Mapping[PointKey, Sequence[LaterOutbound]] | None = None,
) -> Posting:
    """Post every line of `document` against `balances` and `layers` (changed in place), or none.

    Raises `InvalidDocument` or `NegativeStock`; on success the document holds its entries, is
    posted (it records its StockMoved events) and the layer changes are returned for the
    repository.
    """
    check_master_data(document, items, locations)
    if document.document_date is not None and document.document_date > now.date():
        raise InvalidDocument([Problem("document_date", "cannot be in the future")])
    replay = Replay(later or {}, items)
    day = document.document_date or now.date()
    poster = Poster(document, balances, layers or {}, items, locations, replay, day)
    for line in document.lines:
        _post_line(poster, line)
    if poster.shortfalls:
        raise NegativeStock(document.document_id, poster.shortfalls)
    posting = poster.posting
    posting.replaced_consumptions = set(replay.replaced)
    posting.consumptions.extend(replay.consumptions())
    document.currency = items[document.lines[0].sku].currency
    document.record_posting(poster.entries, now, day)
    return posting


def backdated_points(
    document: Document, balances: Mapping[PointKey, Balance], items: Mapping[str, Item], today: date
) -> dict[PointKey, date]:
    """The FIFO stock points `document` posts to before their last entry, with its date: their
    later outbound movements are re-costed (moving average needs no replay)."""
    day = document.document_date or today
    return {
        key: day
        for key, balance in balances.items()
        if items[key[0]].fifo and balance.last_effective_date and day < balance.last_effective_date
    }


def count_book_quantity(
    line: DocumentLine, balance: Balance, layers: Sequence[CostLayer]
) -> Decimal:
    """What the books say is there: the lot's remaining quantity, or the stock point's on hand."""
    return available(layers, line.lot) if line.lot else balance.on_hand


def _post_line(poster: Poster, line: DocumentLine) -> None:
    kind = poster.document.document_type
    item = poster.items[line.sku]
    if kind == "receipt":
        assert line.unit_cost is not None
        part = (line.quantity, line.unit_cost, line.lot, line.expiry_date, poster.day)
        poster.inbound(line, line.key, "receipt", [part])
    elif kind == "issue":
        poster.outbound(line, line.key, "issue")
    elif kind == "transfer":
        _transfer(poster, line, item)
    elif kind == "adjustment":
        assert line.reason_code is not None
        if ADJUSTMENT_REASONS[line.reason_code] < 0:
            poster.outbound(line, line.key, "adjustment")
        else:
            cost = line.unit_cost or poster.current_cost(line.key, item)
            part = (line.quantity, cost, line.lot, line.expiry_date, poster.day)
            poster.inbound(line, line.key, "adjustment", [part])
    else:
        _count(poster, line, item)


def _transfer(poster: Poster, line: DocumentLine, item: Item) -> None:
    assert line.to_location is not None
    source_cost = poster.current_cost(line.key, item)
    taken = poster.outbound(line, line.key, "transfer_out", "-out")
    if poster.shortfalls:
        return
    moved = sum((c.quantity for c in taken), ZERO)
    # Lots, expiry, receipt dates (so aging) and FIFO costs travel with the stock.
    parts: list[InboundPart] = [
        (
            c.quantity,
            c.layer.unit_cost if item.fifo else source_cost,
            c.layer.lot,
            c.layer.expiry_date,
            c.layer.receipt_date,
        )
        for c in taken
    ]
    if moved < line.quantity:
        parts.append((line.quantity - moved, source_cost, line.lot, line.expiry_date, poster.day))
    poster.inbound(line, (line.sku, line.to_location), "transfer_in", parts, "-in")


def _count(poster: Poster, line: DocumentLine, item: Item) -> None:
    book = count_book_quantity(line, poster.balances[line.key], poster.layers_of(line.key))
    variance = line.quantity - book
    if variance == 0:
        return
    adjusted = DocumentLine(
        line.line_no,
        line.sku,
        line.location,
        abs(variance),
        line.unit_cost,
        line.lot,
        line.expiry_date,
    )
    if variance < 0:
        poster.outbound(adjusted, line.key, "count_adjustment")
    else:
        cost = line.unit_cost or poster.current_cost(line.key, item)
        part = (variance, cost, line.lot, line.expiry_date, poster.day)
        poster.inbound(adjusted, line.key, "count_adjustment", [part])
