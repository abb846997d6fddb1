"""In-memory supply and quote repositories for the reservation unit tests."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from reservation.domain import PointKey, Reservation, StockPoint
from reservation.domain.promise import IncomingSupply, PointSupply
from reservation.domain.quotes import Quote
from reservation.ports import SupplyLine, Track

ZERO = Decimal(0)


class Stored(Protocol):
    points: dict[PointKey, StockPoint]
    reservations: dict[str, Reservation]


class FakeSupply:
    """In-memory `SupplyRepository`: (order, sku, location) -> [date, ordered, received]."""

    def __init__(self, stored: Stored) -> None:
        self.stored = stored
        self.lines: dict[tuple[str, str, str], list[Any]] = {}

    def _line(self, line: SupplyLine) -> list[Any]:
        key = (line.purchase_order_id, line.sku, line.location)
        return self.lines.setdefault(key, [None, ZERO, ZERO])

    async def record_ordered(self, lines: Sequence[SupplyLine]) -> None:
        for line in lines:
            self._line(line)[:2] = [line.expected_on, line.quantity]

    async def record_received(self, lines: Sequence[SupplyLine]) -> None:
        for line in lines:
            self._line(line)[2] += line.quantity

    async def record_cancelled(self, purchase_order_ids: Sequence[str]) -> None:
        for (po, _, _), line in self.lines.items():
            if po in purchase_order_ids:
                line[1] = min(line[1], line[2])

    async def incoming_at(self, keys: Iterable[PointKey]) -> dict[PointKey, list[IncomingSupply]]:
        wanted = set(keys)
        found: dict[PointKey, list[IncomingSupply]] = {}
        for (po, sku, location), (on, ordered, received) in sorted(self.lines.items()):
            if (sku, location) in wanted and on is not None and ordered > received:
                found.setdefault((sku, location), []).append(
                    IncomingSupply(po, on, ordered - received)
                )
        return found

    async def supplies_at(self, keys: Iterable[PointKey]) -> dict[PointKey, PointSupply]:
        wanted = set(keys)
        incoming = await self.incoming_at(wanted)
        supplies = {}
        for key in wanted:
            point = self.stored.points.get(key, StockPoint(*key))
            waiting = sum(
                (
                    line.backordered
                    for r in self.stored.reservations.values()
                    if r.status == "reserved"
                    for line in r.lines
                    if line.key == key
                ),
                ZERO,
            )
            supplies[key] = PointSupply(
                point.on_hand, point.reserved, waiting, incoming=tuple(incoming.get(key, ()))
            )
        return supplies


def _copy(quote: Quote) -> Quote:
    return replace(quote, lines=copy.deepcopy(quote.lines), events=[])


class FakeQuotes:
    """In-memory `QuoteRepository`: hands out copies and tracks them, as the SQL one does."""

    def __init__(self, track: Track) -> None:
        self.track = track
        self.quotes: dict[str, Quote] = {}

    async def add(self, quote: Quote) -> None:
        assert quote.quote_id not in self.quotes, "duplicate quote id"
        self.quotes[quote.quote_id] = _copy(quote)
        self.track(quote)

    def _hand_out(self, ids: Iterable[str]) -> dict[str, Quote]:
        found = {i: _copy(self.quotes[i]) for i in sorted(set(ids)) if i in self.quotes}
        self.track(*found.values())
        return found

    async def get(self, quote_id: str, *, for_update: bool = False) -> Quote | None:
        return self._hand_out([quote_id]).get(quote_id)

    async def lock_for_placing(
        self, quote_ids: Iterable[str], keys: Iterable[PointKey], now: datetime
    ) -> dict[str, Quote]:
        wanted = set(keys)
        expired = [i for i, q in self.quotes.items() if q.is_expired(now) and q.keys & wanted]
        return self._hand_out([*quote_ids, *expired])

    async def lock_expired(self, now: datetime, limit: int) -> dict[str, Quote]:
        return self._hand_out([i for i, q in self.quotes.items() if q.is_expired(now)][:limit])

    async def save(self, changed: Iterable[Quote]) -> None:
        for quote in changed:
            self.quotes[quote.quote_id] = _copy(quote)
