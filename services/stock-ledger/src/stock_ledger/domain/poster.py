"""The moves posting is made of: stock in (a layer opens), stock out (layers are consumed) and
the ledger entry each leaves, with the balance after it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from stock_ledger.domain.backdating import Replay
from stock_ledger.domain.errors import Shortfall
from stock_ledger.domain.model import (
    ZERO,
    Balance,
    Document,
    DocumentLine,
    EntryType,
    Item,
    LedgerEntry,
    Location,
    PointKey,
    round_money,
)
from stock_ledger.domain.valuation import (
    Consumption,
    CostLayer,
    available,
    consume,
    moving_average_receipt,
)

InboundPart = tuple[Decimal, Decimal, str | None, date | None, date]
"""(quantity, unit cost, lot, expiry date, receipt date) of stock coming in."""


@dataclass
class Posting:
    """What posting changed besides the document's entries: for the repository to save."""

    layers: dict[PointKey, list[CostLayer]]
    consumptions: list[tuple[str, Consumption]] = field(default_factory=list)
    replaced_consumptions: set[str] = field(default_factory=set)
    """Movements whose stored consumptions are replaced (re-costed by a back-dated posting)."""


@dataclass(slots=True)
class Entry:
    """A ledger entry to write (the balance after it is taken from the stock point)."""

    movement_id: str
    movement: EntryType
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    lot: str | None
    expiry: date | None
    cogs: Decimal = ZERO
    adjusts: str | None = None
    day: date | None = None


class Poster:
    """Posts a document's lines one move at a time against balances and layers (in place)."""

    def __init__(
        self,
        document: Document,
        balances: Mapping[PointKey, Balance],
        layers: Mapping[PointKey, list[CostLayer]],
        items: Mapping[str, Item],
        locations: Mapping[str, Location],
        replay: Replay,
        day: date,
    ) -> None:
        self.document = document
        self.balances = balances
        self.items = items
        self.locations = locations
        self.replay = replay
        self.day = day
        self.posting = Posting(layers={key: list(found) for key, found in layers.items()})
        self.entries: list[LedgerEntry] = []
        self.shortfalls: list[Shortfall] = []

    def layers_of(self, key: PointKey) -> list[CostLayer]:
        return self.posting.layers.setdefault(key, [])

    def current_cost(self, key: PointKey, item: Item) -> Decimal:
        return self.balances[key].average_cost or item.unit_cost

    def inbound(
        self,
        line: DocumentLine,
        key: PointKey,
        movement: EntryType,
        parts: Sequence[InboundPart],
        suffix: str = "",
    ) -> None:
        """Receive `parts` (quantity, unit cost, lot, expiry, receipt date) as one entry."""
        balance = self.balances[key]
        movement_id = f"{self.document.document_id}-{line.line_no}{suffix}"
        before_value = balance.value
        quantity = sum((part[0] for part in parts), ZERO)
        for part in parts:
            self._open_layer(key, balance, movement_id, part)
        if balance.on_hand > 0:
            balance.average_cost = round_money(balance.value / balance.on_hand)
        value = balance.value - before_value
        unit_cost = round_money(value / quantity) if quantity else ZERO
        _, _, lot, expiry, _ = parts[0]
        self.entry(line, key, Entry(movement_id, movement, quantity, unit_cost, value, lot, expiry))
        if self.replay.of(key):
            self.replay.unconsume(key)
            self._reconsume_later(key, line)

    def _open_layer(
        self, key: PointKey, balance: Balance, movement_id: str, part: InboundPart
    ) -> None:
        quantity, cost, lot, expiry, received = part
        backlog = max(-balance.on_hand, ZERO)  # stock that was missing takes this first
        balance.on_hand, balance.value = moving_average_receipt(
            balance.on_hand, balance.value, quantity, cost
        )
        balance.value = round_money(balance.value)
        remaining = max(quantity - backlog, ZERO)
        self.layers_of(key).append(
            CostLayer(
                None, key[0], key[1], lot, expiry, received, quantity, remaining, cost,
                movement_id, seq=1 << 62,
            )
        )  # fmt: skip

    def outbound(
        self, line: DocumentLine, key: PointKey, movement: EntryType, suffix: str = ""
    ) -> list[Consumption]:
        """Take `line`'s quantity from `key` (its lot, or FEFO/FIFO) as one entry, or record the
        shortfall where stock may not go negative and take nothing."""
        balance = self.balances[key]
        item = self.items[line.sku]
        self.replay.unconsume(key)
        have = available(self.layers_of(key), line.lot) if line.lot else balance.on_hand
        if have < line.quantity and not self.locations[key[1]].allow_negative_stock:
            short = line.quantity - max(have, ZERO)
            self.shortfalls.append(
                Shortfall(line.line_no, line.sku, key[1], line.quantity, have, short, line.lot)
            )
            return []
        taken, missing = consume(
            self.layers_of(key), line.quantity, fefo=item.expiry_managed, lot=line.lot
        )
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
        value = balance.value - before
        lot, expiry = _lot_taken(line, taken)
        cogs = -value if movement == "issue" else ZERO
        entry = Entry(movement_id, movement, -line.quantity, unit_cost, value, lot, expiry, cogs)
        self.entry(line, key, entry)
        if movement == "issue":
            balance.last_issue_date = max(balance.last_issue_date or self.day, self.day)
        self._reconsume_later(key, line)
        return taken

    def entry(self, line: DocumentLine, key: PointKey, entry: Entry) -> None:
        """Write `entry` for `line` at `key`, with the stock point's balance after it."""
        balance = self.balances[key]
        balance.last_effective_date = max(balance.last_effective_date or self.day, self.day)
        balance.last_movement_id = entry.movement_id
        self.entries.append(
            LedgerEntry(
                entry.movement_id, line.line_no, key[0], key[1], entry.movement, entry.quantity,
                entry.unit_cost, entry.value, balance.on_hand, balance.value,
                balance.average_cost, entry.lot, entry.expiry, entry.day or self.day,
                entry.adjusts, entry.cogs,
            )
        )  # fmt: skip

    def _reconsume_later(self, key: PointKey, line: DocumentLine) -> None:
        """Replay the later outbound movements of `key`; a value-only `cost_adjustment` entry,
        dated like the movement, for each whose cost changed."""
        balance = self.balances[key]
        for n, later in enumerate(self.replay.of(key), start=1):
            cost, delta = self.replay.recost(key, later, self.layers_of(key), balance)
            if delta == 0:
                continue
            balance.value = round_money(balance.value - delta)
            if balance.on_hand > 0:
                balance.average_cost = round_money(balance.value / balance.on_hand)
            adjustment = Entry(
                f"{self.document.document_id}-{line.line_no}-adj{n}",
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
            self.entry(line, key, adjustment)


def _lot_taken(line: DocumentLine, taken: Sequence[Consumption]) -> tuple[str | None, date | None]:
    """The lot an outbound line took (named, or the only lot of its layers) and its expiry."""
    lot = line.lot or (taken[0].layer.lot if len({c.layer.lot for c in taken}) == 1 else None)
    expiry = taken[0].layer.expiry_date if taken and lot else None
    return lot, expiry
