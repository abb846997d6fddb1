"""Quotes: a CRM's offer of several lines, which may hold stock softly until it expires.

A hold is reserved stock like an order's (it counts in the stock point's `reserved`), so the
same point locks and the same check keep holds and orders from ever overselling together. It
ends one of three ways: the quote converts to an order (the order takes over what was held in
the same transaction, before any other order of its batch is decided), it is cancelled, or it
expires (released by the expiry job, or by the next order at its stock point, whichever comes
first: an expired hold never refuses an order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from inventory_contracts import (
    Event,
    HeldLine,
    OrderPlaced,
    QuoteConverted,
    QuoteHeld,
    QuoteReleased,
)

from reservation.domain.model import ZERO, MasterData, PointKey, StockPoint
from reservation.domain.placing import Placement, place_orders

QuoteStatus = Literal["open", "held", "converted", "expired", "cancelled"]
"""open: promised, nothing held; held: holding until `expires_at`; the rest are final."""
FINAL: frozenset[QuoteStatus] = frozenset({"converted", "expired", "cancelled"})


class HoldTooLong(ValueError):
    """A hold was asked for longer than the service allows."""


class QuoteClosed(Exception):
    """The quote was already converted, expired or cancelled."""


@dataclass
class QuoteLineState:
    line_no: int
    sku: str
    location: str
    quantity: Decimal
    held: Decimal = ZERO
    """What the hold took (kept after the hold ends, as its record)."""

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)


@dataclass
class Quote:
    quote_id: str
    status: QuoteStatus
    lines: list[QuoteLineState]
    customer_id: str | None = None
    expires_at: datetime | None = None
    order_id: str | None = None
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def keys(self) -> set[PointKey]:
        return {line.key for line in self.lines}

    def holding(self, key: PointKey) -> Decimal:
        """What the quote still holds at a stock point."""
        if self.status != "held":
            return ZERO
        return sum((line.held for line in self.lines if line.key == key), ZERO)

    def is_expired(self, now: datetime) -> bool:
        return self.status == "held" and self.expires_at is not None and self.expires_at <= now

    def _held_lines(self) -> tuple[HeldLine, ...]:
        return tuple(
            HeldLine(sku=line.sku, location=line.location, quantity=line.quantity, held=line.held)
            for line in self.lines
        )


def hold_until(
    now: datetime, seconds: int | None, default_seconds: int, maximum_seconds: int
) -> datetime:
    """When a hold asked for `seconds` (the default when None) ends; longer than the maximum
    is refused, not shortened, so the CRM never believes in a hold it does not have."""
    wanted = default_seconds if seconds is None else seconds
    if wanted > maximum_seconds:
        raise HoldTooLong(f"a hold lasts at most {maximum_seconds} seconds")
    return now + timedelta(seconds=wanted)


def new_quote(
    quote_id: str,
    lines: Sequence[tuple[str, str, Decimal]],
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    customer_id: str | None = None,
    expires_at: datetime | None = None,
) -> Quote:
    """A quote; with `expires_at` it holds what is free now of each line (in line order) at
    its locked stock `points` until then. Held points record their availability."""
    quote = Quote(
        quote_id,
        "open",
        [QuoteLineState(n, sku, loc, qty) for n, (sku, loc, qty) in enumerate(lines, start=1)],
        customer_id=customer_id,
    )
    if expires_at is None:
        return quote
    touched: dict[PointKey, StockPoint] = {}
    for line in quote.lines:
        point = points.get(line.key)
        line.held = min(line.quantity, point.free) if point is not None else ZERO
        if point is not None and line.held > ZERO:
            point.reserve(line.held)
            touched[point.key] = point
    if touched:
        quote.status, quote.expires_at = "held", expires_at
        quote.events.append(
            QuoteHeld(quote_id=quote_id, lines=quote._held_lines(), expires_at=expires_at)
        )
    for point in sorted(touched.values(), key=lambda p: p.key):
        point.record_availability(now, "reservation")
    return quote


def _give_back(quote: Quote, points: Mapping[PointKey, StockPoint]) -> list[StockPoint]:
    """Release what `quote` holds at its (locked) points; return the points, sorted."""
    given: dict[PointKey, StockPoint] = {}
    for key in sorted(quote.keys):
        held = quote.holding(key)
        if held > ZERO:
            points[key].release(held)
            given[key] = points[key]
    return list(given.values())


def release(
    quote: Quote,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    reason: Literal["expired", "cancelled"],
) -> list[StockPoint]:
    """End the quote without an order; what it held is free again. Returns the points freed."""
    if quote.status in FINAL:
        raise QuoteClosed(quote.quote_id)
    was_holding = quote.status == "held"
    freed = _give_back(quote, points)
    quote.status = reason
    if was_holding:
        quote.events.append(
            QuoteReleased(quote_id=quote.quote_id, reason=reason, lines=quote._held_lines())
        )
    for point in freed:
        point.record_availability(now, "expiry" if reason == "expired" else "release")
    return freed


def take_over(quote: Quote, order_id: str, points: Mapping[PointKey, StockPoint]) -> None:
    """The quote becomes order `order_id`: its hold is given back on the locked points, for the
    order (decided next, on the same lock) to reserve. An expired or closed quote gives
    nothing (the order is decided like any other)."""
    if quote.status in FINAL:
        return
    _give_back(quote, points)
    quote.status, quote.order_id = "converted", order_id
    quote.events.append(QuoteConverted(quote_id=quote.quote_id, order_id=order_id))


def place_with_quotes(
    orders: Sequence[OrderPlaced],
    quotes: Mapping[str, Quote],
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    cancelled_before: frozenset[str] | set[str] = frozenset(),
    default_ttl_seconds: int | None = None,
) -> tuple[Placement, list[StockPoint]]:
    """Decide a batch of orders on locked points after the holds of `quotes` (locked) are
    settled: expired ones are released, and the orders converting a quote take over its hold
    and are decided before every other order of the batch, so nothing else can take it.

    Returns the placement (its `changed`: every point whose reserved quantity moved) and the
    points an expired hold freed (backorders may be waiting there).
    """
    original = {key: point.reserved for key, point in points.items()}
    freed: dict[PointKey, StockPoint] = {}
    for quote in quotes.values():
        if quote.is_expired(now):
            freed.update((p.key, p) for p in release(quote, points, now, "expired"))
    converting = [o for o in orders if o.quote_id is not None and o.quote_id in quotes]
    for order in converting:
        assert order.quote_id is not None
        take_over(quotes[order.quote_id], order.order_id, points)
    rest = [o for o in orders if o.quote_id is None or o.quote_id not in quotes]
    first, second = (
        place_orders(
            batch,
            master,
            points,
            now,
            cancelled_before=cancelled_before,
            default_ttl_seconds=default_ttl_seconds,
        )
        for batch in (converting, rest)
    )
    recorded = {p.key for p in (*first.changed, *second.changed, *freed.values())}
    changed = [p for key, p in sorted(points.items()) if p.reserved != original[key]]
    for point in changed:
        if point.key not in recorded:  # a hold taken over but not reserved again
            point.record_availability(now, "release")
    released = sorted(freed.values(), key=lambda p: p.key)
    return Placement(first.reservations + second.reservations, changed), released
