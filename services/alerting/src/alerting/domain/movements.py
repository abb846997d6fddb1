"""What a run of stock movements changes in the KPI store: one `DayChange` per stock point and
day, so a consumed batch writes each (stock point, day) row once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from inventory_contracts.events.stock import StockMoved

from alerting.domain.kpis import CONSUMING, RECEIVING, ZERO


@dataclass(frozen=True)
class DayChange:
    """The movements of one stock point on one day (UTC, by `posted_at`), summed in order."""

    sku: str
    location: str
    day: date
    opening: Decimal
    closing: Decimal
    consumed: Decimal
    received: Decimal
    moves: int
    last_at: datetime

    @property
    def point(self) -> str:
        return f"{self.sku}@{self.location}"


def day_changes(moves: Iterable[StockMoved]) -> list[DayChange]:
    """Sum movements per stock point and day, in the order given (a partition's order):
    the opening is on hand before the first, the closing on hand after the last."""
    changes: dict[tuple[str, str, date], DayChange] = {}
    for move in moves:
        day = move.posted_at.date()
        consumed = -move.quantity_delta if move.movement_type in CONSUMING else ZERO
        received = move.quantity_delta if move.movement_type in RECEIVING else ZERO
        key = (move.sku, move.location, day)
        found = changes.get(key)
        if found is None:
            opening = move.on_hand_after - move.quantity_delta
            changes[key] = DayChange(
                move.sku, move.location, day, opening, move.on_hand_after,
                consumed, received, 1, move.posted_at,
            )  # fmt: skip
        else:
            changes[key] = replace(
                found,
                closing=move.on_hand_after,
                consumed=found.consumed + consumed,
                received=found.received + received,
                moves=found.moves + 1,
                last_at=max(found.last_at, move.posted_at),
            )
    return list(changes.values())
