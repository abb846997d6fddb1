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
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from stock_ledger.domain.model import (
    ADJUSTMENT_REASONS,
    ZERO,
    Balance,
    Document,
    DocumentLine,
    EntryType,
    InvalidDocument,
    Item,
    LedgerEntry,
    Location,
    NegativeStock,
    PointKey,
    Problem,
    Shortfall,
    round_money,
)
from stock_ledger.domain.rules import check_master_data
from stock_ledger.domain.valuation import (
    Consumption,
    CostLayer,
    available,
    consume,
    moving_average_receipt,
)


@dataclass(frozen=True)
class LaterOutbound:
    """An outbound entry effective after a back-dated posting's date, with what it consumed."""

    movement_id: str
    document_id: str
    effective_date: date
    quantity: Decimal
    lot: str | None
    cost: Decimal
    consumptions: tuple[Consumption, ...]
    is_issue: bool


@dataclass
class Posting:
    """What posting changed besides the document's entries: for the repository to save."""

    layers: dict[PointKey, list[CostLayer]]
    consumptions: list[tuple[str, Consumption]] = field(default_factory=list)
    replaced_consumptions: set[str] = field(default_factory=set)
    """Movements whose stored consumptions are replaced (re-costed by a back-dated posting)."""


class _Poster:
    def __init__(
        self,
        document: Document,
        balances: Mapping[PointKey, Balance],
        layers: Mapping[PointKey, list[CostLayer]],
        items: Mapping[str, Item],
        locations: Mapping[str, Location],
        later: Mapping[PointKey, Sequence[LaterOutbound]],
        today: date,
    ) -> None:
        self.document = document
        self.balances = balances
        self.items = items
        self.locations = locations
        self.later = later
        self.day = document.document_date or today
        self.posting = Posting(layers={key: list(found) for key, found in layers.items()})
        self.entries: list[LedgerEntry] = []
        self.shortfalls: list[Shortfall] = []
        # Cost and consumptions of each later outbound as replayed so far (a document may
        # touch one stock point on several lines).
        self.replayed: dict[str, tuple[Decimal, list[Consumption]]] = {
            o.movement_id: (o.cost, list(o.consumptions)) for found in later.values() for o in found
        }

    def layers_of(self, key: PointKey) -> list[CostLayer]:
        return self.posting.layers.setdefault(key, [])

    # --- inbound ----------------------------------------------------------------------------
    def inbound(
        self,
        line: DocumentLine,
        key: PointKey,
        movement: EntryType,
        parts: Sequence[tuple[Decimal, Decimal, str | None, date | None, date]],
        suffix: str = "",
    ) -> None:
        """Receive `parts` (quantity, unit cost, lot, expiry, receipt date) as one entry."""
        balance = self.balances[key]
        movement_id = f"{self.document.document_id}-{line.line_no}{suffix}"
        before_value = balance.value
        quantity = sum((part[0] for part in parts), ZERO)
        for part_quantity, cost, lot, expiry, received in parts:
            backlog = max(-balance.on_hand, ZERO)  # stock that was missing takes this first
            balance.on_hand, balance.value = moving_average_receipt(
                balance.on_hand, balance.value, part_quantity, cost
            )
            balance.value = round_money(balance.value)
            self.layers_of(key).append(
                CostLayer(
                    None,
                    key[0],
                    key[1],
                    lot,
                    expiry,
                    received,
                    part_quantity,
                    max(part_quantity - backlog, ZERO),
                    cost,
                    movement_id,
                    seq=1 << 62,
                )
            )
        if balance.on_hand > 0:
            balance.average_cost = round_money(balance.value / balance.on_hand)
        value = balance.value - before_value
        unit_cost = round_money(value / quantity) if quantity else ZERO
        first = parts[0]
        self.entry(line, key, movement_id, movement, quantity, unit_cost, value, first[2], first[3])
        self._replay(key, line)

    # --- outbound ---------------------------------------------------------------------------
    def outbound(
        self, line: DocumentLine, key: PointKey, movement: EntryType, suffix: str = ""
    ) -> list[Consumption]:
        balance = self.balances[key]
        item = self.items[line.sku]
        layers = self.layers_of(key)
        self._unconsume_later(key, item)
        have = available(layers, line.lot) if line.lot else balance.on_hand
        if have < line.quantity and not self.locations[key[1]].allow_negative_stock:
            self.shortfalls.append(
                Shortfall(
                    line.line_no,
                    line.sku,
                    key[1],
                    line.quantity,
                    have,
                    line.quantity - max(have, ZERO),
                    line.lot,
                )
            )
            return []
        taken, missing = consume(layers, line.quantity, fefo=item.expiry_managed, lot=line.lot)
        fallback = balance.average_cost or item.unit_cost
        if item.fifo:
            cost_total = sum((c.cost for c in taken), ZERO) + missing * fallback
        else:
            cost_total = line.quantity * fallback
        before = balance.value
        balance.on_hand -= line.quantity
        # The last unit out takes the remaining value with it, so no rounding dust stays behind.
        balance.value = ZERO if balance.on_hand == 0 else round_money(before - cost_total)
        if balance.on_hand > 0 and item.fifo:
            balance.average_cost = round_money(balance.value / balance.on_hand)
        elif balance.average_cost == 0:
            balance.average_cost = fallback
        movement_id = f"{self.document.document_id}-{line.line_no}{suffix}"
        self.posting.consumptions.extend((movement_id, c) for c in taken)
        unit_cost = round_money(cost_total / line.quantity)
        lot = line.lot or (taken[0].layer.lot if len({c.layer.lot for c in taken}) == 1 else None)
        expiry = taken[0].layer.expiry_date if taken and lot else None
        value = balance.value - before
        cogs = -value if movement == "issue" else ZERO
        self.entry(
            line, key, movement_id, movement, -line.quantity, unit_cost, value, lot, expiry, cogs
        )
        if movement == "issue":
            balance.last_issue_date = max(balance.last_issue_date or self.day, self.day)
        self._reconsume_later(key, line)
        return taken

    def entry(
        self,
        line: DocumentLine,
        key: PointKey,
        movement_id: str,
        movement: EntryType,
        quantity: Decimal,
        unit_cost: Decimal,
        value: Decimal,
        lot: str | None,
        expiry: date | None,
        cogs: Decimal = ZERO,
        adjusts: str | None = None,
        day: date | None = None,
    ) -> None:
        balance = self.balances[key]
        balance.last_effective_date = max(balance.last_effective_date or self.day, self.day)
        balance.last_movement_id = movement_id
        self.entries.append(
            LedgerEntry(
                movement_id,
                line.line_no,
                key[0],
                key[1],
                movement,
                quantity,
                unit_cost,
                value,
                balance.on_hand,
                balance.value,
                balance.average_cost,
                lot,
                expiry,
                day or self.day,
                adjusts,
                cogs,
            )
        )

    # --- back-dating (FIFO) -----------------------------------------------------------------
    def _replaying(self, key: PointKey) -> Sequence[LaterOutbound]:
        item = self.items[key[0]]
        return self.later.get(key, ()) if item.fifo else ()

    def _unconsume_later(self, key: PointKey, item: Item) -> None:
        for later in self._replaying(key):
            for consumption in self.replayed[later.movement_id][1]:
                consumption.layer.remaining += consumption.quantity

    def _replay(self, key: PointKey, line: DocumentLine) -> None:
        if self._replaying(key):
            self._unconsume_later(key, self.items[key[0]])
            self._reconsume_later(key, line)

    def _reconsume_later(self, key: PointKey, line: DocumentLine) -> None:
        item = self.items[key[0]]
        balance = self.balances[key]
        for n, later in enumerate(self._replaying(key), start=1):
            taken, missing = consume(
                self.layers_of(key), later.quantity, fefo=item.expiry_managed, lot=later.lot
            )
            fallback = balance.average_cost or item.unit_cost
            cost = sum((c.cost for c in taken), ZERO) + missing * fallback
            self.posting.replaced_consumptions.add(later.movement_id)
            delta = round_money(cost - self.replayed[later.movement_id][0])
            self.replayed[later.movement_id] = (cost, taken)
            if delta == 0:
                continue
            balance.value = round_money(balance.value - delta)
            if balance.on_hand > 0:
                balance.average_cost = round_money(balance.value / balance.on_hand)
            movement_id = f"{self.document.document_id}-{line.line_no}-adj{n}"
            self.entry(
                line,
                key,
                movement_id,
                "cost_adjustment",
                ZERO,
                round_money(cost / later.quantity),
                -delta,
                later.lot,
                None,
                delta if later.is_issue else ZERO,
                later.movement_id,
                later.effective_date,
            )

    # --- per document type --------------------------------------------------------------------
    def post_line(self, line: DocumentLine) -> None:
        kind = self.document.document_type
        item = self.items[line.sku]
        if kind == "receipt":
            assert line.unit_cost is not None
            part = (line.quantity, line.unit_cost, line.lot, line.expiry_date, self.day)
            self.inbound(line, line.key, "receipt", [part])
        elif kind == "issue":
            self.outbound(line, line.key, "issue")
        elif kind == "transfer":
            self._transfer(line, item)
        elif kind == "adjustment":
            assert line.reason_code is not None
            if ADJUSTMENT_REASONS[line.reason_code] < 0:
                self.outbound(line, line.key, "adjustment")
            else:
                cost = line.unit_cost or self._current_cost(line.key, item)
                part = (line.quantity, cost, line.lot, line.expiry_date, self.day)
                self.inbound(line, line.key, "adjustment", [part])
        else:
            self._count(line, item)

    def _current_cost(self, key: PointKey, item: Item) -> Decimal:
        return self.balances[key].average_cost or item.unit_cost

    def _transfer(self, line: DocumentLine, item: Item) -> None:
        assert line.to_location is not None
        source_cost = self._current_cost(line.key, item)
        taken = self.outbound(line, line.key, "transfer_out", "-out")
        if self.shortfalls:
            return
        moved = sum((c.quantity for c in taken), ZERO)
        # Lots, expiry, receipt dates (so aging) and FIFO costs travel with the stock.
        parts = [
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
            parts.append((line.quantity - moved, source_cost, line.lot, line.expiry_date, self.day))
        self.inbound(line, (line.sku, line.to_location), "transfer_in", parts, "-in")

    def _count(self, line: DocumentLine, item: Item) -> None:
        book = count_book_quantity(line, self.balances[line.key], self.layers_of(line.key))
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
            self.outbound(adjusted, line.key, "count_adjustment")
        else:
            cost = line.unit_cost or self._current_cost(line.key, item)
            part = (variance, cost, line.lot, line.expiry_date, self.day)
            self.inbound(adjusted, line.key, "count_adjustment", [part])


def count_book_quantity(
    line: DocumentLine, balance: Balance, layers: Sequence[CostLayer]
) -> Decimal:
    """What the books say is there: the lot's remaining quantity, or the stock point's on hand."""
    return available(layers, line.lot) if line.lot else balance.on_hand


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

    Raises `InvalidDocument` or `NegativeStock`; on success sets the document's entries,
    posting time and status and returns the layer changes for the repository.
    """
    check_master_data(document, items, locations)
    if document.document_date is not None and document.document_date > now.date():
        raise InvalidDocument([Problem("document_date", "cannot be in the future")])
    poster = _Poster(document, balances, layers or {}, items, locations, later or {}, now.date())
    for line in document.lines:
        poster.post_line(line)
    if poster.shortfalls:
        raise NegativeStock(document.document_id, poster.shortfalls)
    for movement_id in sorted(poster.posting.replaced_consumptions):
        poster.posting.consumptions.extend(
            (movement_id, c) for c in poster.replayed[movement_id][1]
        )
    document.entries = poster.entries
    document.created_by = document.created_by or document.posted_by
    document.posted_at = now
    document.status = "posted"
    document.document_date = poster.day
    document.currency = items[document.lines[0].sku].currency
    return poster.posting
