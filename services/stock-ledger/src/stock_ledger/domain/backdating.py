"""Back-dating at FIFO stock points: the outbound movements effective after a back-dated
posting's date give back what they consumed and take it again in date order, so each of them
is costed as if the back-dated line had been posted in time (see `posting`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stock_ledger.domain.model import ZERO, Balance, Item, PointKey, round_money
from stock_ledger.domain.valuation import Consumption, CostLayer, consume


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


class Replay:
    """The later outbound movements of each back-dated FIFO stock point, as replayed so far.

    A document may touch one stock point on several lines: each line replays them again from
    the cost and consumptions the previous replay left.
    """

    def __init__(
        self, later: Mapping[PointKey, Sequence[LaterOutbound]], items: Mapping[str, Item]
    ) -> None:
        self._later = later
        self._items = items
        self._replayed: dict[str, tuple[Decimal, list[Consumption]]] = {
            o.movement_id: (o.cost, list(o.consumptions)) for found in later.values() for o in found
        }
        self.replaced: set[str] = set()
        """Movements whose stored consumptions are replaced."""

    def of(self, key: PointKey) -> Sequence[LaterOutbound]:
        """The later outbound movements of `key` to replay (none for moving-average items)."""
        return self._later.get(key, ()) if self._items[key[0]].fifo else ()

    def unconsume(self, key: PointKey) -> None:
        """Give back to their layers what the later movements of `key` consumed."""
        for later in self.of(key):
            for consumption in self._replayed[later.movement_id][1]:
                consumption.layer.remaining += consumption.quantity

    def recost(
        self, key: PointKey, later: LaterOutbound, layers: Sequence[CostLayer], balance: Balance
    ) -> tuple[Decimal, Decimal]:
        """Consume `later` again from `layers`: its new cost, and by how much it changed."""
        item = self._items[key[0]]
        taken, missing = consume(layers, later.quantity, fefo=item.expiry_managed, lot=later.lot)
        fallback = balance.average_cost or item.unit_cost
        cost = sum((c.cost for c in taken), ZERO) + missing * fallback
        self.replaced.add(later.movement_id)
        delta = round_money(cost - self._replayed[later.movement_id][0])
        self._replayed[later.movement_id] = (cost, taken)
        return cost, delta

    def consumptions(self) -> list[tuple[str, Consumption]]:
        """What each replaced movement consumes now, to store in place of its old consumptions."""
        return [(m, c) for m in sorted(self.replaced) for c in self._replayed[m][1]]
