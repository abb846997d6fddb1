"""Available to promise by date: what a request can have now, and when the rest arrives.

A stock point's supply is what is free now followed by the open purchase orders in the order of
their expected receipt dates. Whoever is ahead in the queue is served first from that supply,
exactly as the backorder allocation would serve them (FIFO): the lines waiting there
(backorders), what is reserved beyond on-hand (an over-commitment the next receipt must cover
first), the soft holds of other quotes, and the earlier lines of the same quote at that point.
What is left of each delivery, in date order, is the request's promise schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reservation.domain.model import ZERO, PointKey


@dataclass(frozen=True)
class IncomingSupply:
    """What an open purchase order line still brings to a stock point, and when."""

    purchase_order_id: str
    expected_on: date
    quantity: Decimal


@dataclass(frozen=True)
class PointSupply:
    """What a stock point has and owes, as the promise sees it."""

    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    backordered: Decimal = ZERO
    """What the lines waiting there still need (all ahead of a new request)."""
    held: Decimal = ZERO
    """What the soft holds of other quotes keep back."""
    incoming: tuple[IncomingSupply, ...] = ()

    @property
    def ahead(self) -> Decimal:
        """Owed before anyone new is served: waiting lines, over-commitment, others' holds."""
        return self.backordered + max(self.reserved - self.on_hand, ZERO) + self.held

    @property
    def free_now(self) -> Decimal:
        return max(self.on_hand - self.reserved, ZERO)


@dataclass(frozen=True)
class PromiseStep:
    """By `on` (a receipt date), `cumulative` of the request can be had in all."""

    on: date
    cumulative: Decimal


@dataclass(frozen=True)
class Promise:
    """The answer for one quantity at one stock point."""

    sku: str
    location: str
    requested: Decimal
    as_of: date
    """The day the answer was given: what is available now ships then."""
    available_now: Decimal
    steps: tuple[PromiseStep, ...] = ()
    """Later dates, each with the cumulative quantity by then (the now part included)."""
    unscheduled: Decimal = ZERO
    """What no open purchase order covers: no date can be promised for it."""

    @property
    def complete_on(self) -> date | None:
        """The date everything is there (today when all is available now); None if never."""
        if self.unscheduled > ZERO:
            return None
        return self.steps[-1].on if self.steps else self.as_of

    @property
    def complete_now(self) -> bool:
        return self.available_now >= self.requested


def promise(
    key: PointKey, requested: Decimal, supply: PointSupply, today: date, ahead: Decimal = ZERO
) -> Promise:
    """When `requested` can be had at the stock point `key` after everyone ahead is served.

    `ahead` adds to the queue in front (earlier lines of the same quote). A purchase order
    expected before `today` is late, so it is promised for `today` at the soonest.
    """
    queue = supply.ahead + ahead
    now = _take(supply.free_now, queue, requested)
    queue = max(queue - supply.free_now, ZERO)
    got = now
    steps: list[PromiseStep] = []
    for delivery in sorted(supply.incoming, key=lambda d: (d.expected_on, d.purchase_order_id)):
        if got >= requested:
            break
        share = _take(delivery.quantity, queue, requested - got)
        queue = max(queue - delivery.quantity, ZERO)
        if share > ZERO:
            got += share
            on = max(delivery.expected_on, today)
            if steps and steps[-1].on == on:
                steps[-1] = PromiseStep(on, got)
            else:
                steps.append(PromiseStep(on, got))
    return Promise(key[0], key[1], requested, today, now, tuple(steps), requested - got)


def _take(available: Decimal, queue: Decimal, wanted: Decimal) -> Decimal:
    """What is left of `available` for a request once `queue` is served, up to `wanted`."""
    return min(max(available - queue, ZERO), wanted)


@dataclass(frozen=True)
class QuoteLine:
    sku: str
    location: str
    quantity: Decimal

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)


@dataclass(frozen=True)
class QuotePromise:
    """The answer for every line of a quote, and for the quote as a whole."""

    lines: tuple[Promise, ...] = field(default_factory=tuple)

    @property
    def ships_complete_on(self) -> date | None:
        """The date every line can ship in full (None: some line has no date)."""
        dates = [line.complete_on for line in self.lines]
        if not dates or any(d is None for d in dates):
            return None
        return max(d for d in dates if d is not None)

    @property
    def complete_now(self) -> bool:
        return all(line.complete_now for line in self.lines)

    @property
    def shippable_now(self) -> tuple[tuple[PointKey, Decimal], ...]:
        """What can ship today, per line (zero for a line with nothing now)."""
        return tuple(((line.sku, line.location), line.available_now) for line in self.lines)


def promise_quote(
    lines: Sequence[QuoteLine], supplies: dict[PointKey, PointSupply], today: date
) -> QuotePromise:
    """Promise each line; lines at the same stock point are served in the quote's order."""
    ahead: dict[PointKey, Decimal] = {}
    answers: list[Promise] = []
    for line in lines:
        supply = supplies.get(line.key, PointSupply())
        answers.append(promise(line.key, line.quantity, supply, today, ahead.get(line.key, ZERO)))
        ahead[line.key] = ahead.get(line.key, ZERO) + line.quantity
    return QuotePromise(tuple(answers))
