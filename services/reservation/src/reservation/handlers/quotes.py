"""Quote use cases: open a quote (with or without a hold), cancel it, expire held ones, and
answer promise questions. They run in a transaction the caller opened and never commit.

Locking order, as everywhere: quote rows first, then stock points in (sku, location) order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from inventory_runtime.auth.principal import Principal

from reservation.domain import quotes as domain
from reservation.domain.promise import PointSupply, QuoteLine, QuotePromise, promise_quote
from reservation.domain.quotes import Quote, QuoteClosed
from reservation.handlers import _save_and_fill, expire_due
from reservation.ports import ReservationUoW


class UnknownQuote(LookupError):
    """No quote has this id."""


@dataclass(frozen=True)
class OpenQuote:
    """The command: a quote's lines, and until when it holds (None: no hold)."""

    quote_id: str
    lines: Sequence[QuoteLine]
    customer_id: str | None = None
    hold_until: datetime | None = None


async def open_quote(
    command: OpenQuote, uow: ReservationUoW, now: datetime, *, actor: Principal | str = "system"
) -> Quote:
    """Create the quote; a hold reserves what is free of each line now. The same quote id
    again answers the quote already there (a retry), unchanged."""
    existing = await uow.quotes.get(command.quote_id, for_update=True)
    if existing is not None:
        return existing
    keys = {line.key for line in command.lines}
    points = await uow.reservations.lock_points(keys) if command.hold_until else {}
    quote = domain.new_quote(
        command.quote_id,
        [(line.sku, line.location, line.quantity) for line in command.lines],
        points,
        now,
        customer_id=command.customer_id,
        expires_at=command.hold_until,
    )
    await uow.quotes.add(quote)
    if quote.status == "held":
        await uow.reservations.save_points(points.values())
    uow.audit(actor, "open", "quote", quote.quote_id, after=audited(quote))
    return quote


async def cancel_quote(
    quote_id: str, uow: ReservationUoW, now: datetime, *, actor: Principal | str = "system"
) -> Quote:
    """End the quote; what it holds goes back (to waiting backorders first). Raises
    UnknownQuote, or QuoteClosed when it was converted, expired or cancelled already."""
    quote = await uow.quotes.get(quote_id, for_update=True)
    if quote is None:
        raise UnknownQuote(quote_id)
    before = audited(quote)
    points = await uow.reservations.lock_points(quote.keys)
    freed = domain.release(quote, points, now, "cancelled")
    await uow.quotes.save([quote])
    uow.audit(actor, "cancel", "quote", quote_id, before=before, after=audited(quote))
    await _save_and_fill(uow, freed, now)
    return quote


async def expire_quotes(uow: ReservationUoW, now: datetime, limit: int = 200) -> int:
    """Release the holds whose time ran out (skipping those an order is settling)."""
    due = await uow.quotes.lock_expired(now, limit)
    if not due:
        return 0
    points = await uow.reservations.lock_points({k for q in due.values() for k in q.keys})
    freed = {p.key: p for q in due.values() for p in domain.release(q, points, now, "expired")}
    await uow.quotes.save(due.values())
    await _save_and_fill(uow, freed.values(), now)
    return len(due)


def audited(quote: Quote) -> dict[str, Any]:
    """What the audit log keeps of a quote."""
    return {
        "status": quote.status,
        "expires_at": quote.expires_at.isoformat() if quote.expires_at else None,
        "lines": [
            [line.sku, line.location, str(line.quantity), str(line.held)] for line in quote.lines
        ],
    }


async def expire_all(uow: ReservationUoW, now: datetime, limit: int = 200) -> int:
    """The expiry sweep: reservations, then quote holds (the larger count, so the job goes on
    while either had a full batch)."""
    return max(await expire_due(uow, now, limit), await expire_quotes(uow, now, limit))


async def promise_lines(
    lines: Sequence[QuoteLine],
    uow: ReservationUoW,
    today: date,
    *,
    own: Quote | None = None,
) -> QuotePromise:
    """The promise schedule of these lines (a quote's: what `own` holds counts as its own)."""
    keys = {line.key for line in lines}
    supplies = await uow.supply.supplies_at(keys)
    if own is not None:
        for key in keys:
            held = own.holding(key)
            if held > Decimal(0):
                before = supplies[key]
                supplies[key] = PointSupply(
                    on_hand=before.on_hand,
                    reserved=before.reserved - held,
                    backordered=before.backordered,
                    incoming=before.incoming,
                )
    return promise_quote(lines, supplies, today)


__all__ = ["OpenQuote", "QuoteClosed", "UnknownQuote"]
