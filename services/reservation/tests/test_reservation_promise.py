"""Available to promise by date: worked examples of the promise schedule (pure domain)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reservation.domain.promise import (
    IncomingSupply,
    PointSupply,
    PromiseStep,
    QuoteLine,
    promise,
    promise_quote,
)

D = Decimal
TODAY = date(2026, 12, 5)
KEY = ("TEA", "SH-01")
# The worked example: 8 on hand, all reserved, an order waits for 6 more, and two
# purchase orders are open: 10 expected on the 10th, 20 on the 20th.
EXAMPLE = PointSupply(
    on_hand=D(8),
    reserved=D(8),
    backordered=D(6),
    incoming=(
        IncomingSupply("PO-2", date(2026, 12, 20), D(20)),
        IncomingSupply("PO-1", date(2026, 12, 10), D(10)),
    ),
)


def test_the_backorder_ahead_is_served_first_from_the_earlier_purchase_order() -> None:
    answer = promise(KEY, D(15), EXAMPLE, TODAY)

    assert answer.available_now == 0
    # PO-1's 10: 6 to the waiting order, 4 to us; PO-2 brings the other 11.
    assert answer.steps == (
        PromiseStep(date(2026, 12, 10), D(4)),
        PromiseStep(date(2026, 12, 20), D(15)),
    )
    assert answer.complete_on == date(2026, 12, 20)
    assert answer.unscheduled == 0


def test_what_no_purchase_order_covers_has_no_date() -> None:
    answer = promise(KEY, D(30), EXAMPLE, TODAY)

    assert answer.steps[-1] == PromiseStep(date(2026, 12, 20), D(24))
    assert answer.unscheduled == D(6)
    assert answer.complete_on is None


def test_free_stock_is_promised_now_and_a_late_purchase_order_today() -> None:
    supply = PointSupply(on_hand=D(5), incoming=(IncomingSupply("PO-9", date(2026, 12, 1), D(10)),))

    answer = promise(KEY, D(8), supply, TODAY)

    assert answer.available_now == D(5)
    assert answer.steps == (PromiseStep(TODAY, D(8)),)
    assert promise(KEY, D(5), supply, TODAY).complete_on == TODAY


def test_overcommitment_and_other_quotes_holds_are_covered_before_a_new_request() -> None:
    supply = PointSupply(
        on_hand=D(2),
        reserved=D(5),
        held=D(4),
        incoming=(IncomingSupply("PO-1", date(2026, 12, 10), D(10)),),
    )

    answer = promise(KEY, D(5), supply, TODAY)

    # PO-1 first covers the 3 reserved beyond on-hand and the 4 held: 3 are left for us.
    assert answer.available_now == 0
    assert answer.steps == (PromiseStep(date(2026, 12, 10), D(3)),)
    assert answer.unscheduled == D(2)


def test_a_quote_serves_its_lines_at_one_point_in_order_and_ships_when_the_last_is_there() -> None:
    supplies = {KEY: EXAMPLE, ("RICE", "SH-01"): PointSupply(on_hand=D(50))}
    lines = [
        QuoteLine("TEA", "SH-01", D(4)),
        QuoteLine("RICE", "SH-01", D(10)),
        QuoteLine("TEA", "SH-01", D(5)),
    ]

    quote = promise_quote(lines, supplies, TODAY)

    first, rice, second = quote.lines
    assert first.steps == (PromiseStep(date(2026, 12, 10), D(4)),)
    assert rice.available_now == D(10) and rice.complete_on == TODAY
    # The second TEA line queues behind the backorder and the first line: PO-2.
    assert second.steps == (PromiseStep(date(2026, 12, 20), D(5)),)
    assert quote.ships_complete_on == date(2026, 12, 20)
    assert not quote.complete_now


def test_a_quote_with_an_unscheduled_line_has_no_complete_date() -> None:
    quote = promise_quote([QuoteLine("TEA", "SH-01", D(100))], {KEY: EXAMPLE}, TODAY)

    assert quote.ships_complete_on is None
    assert quote.lines[0].unscheduled == D(100 - 24)


def test_an_unknown_point_has_nothing_now_and_no_date() -> None:
    answer = promise(("NEW", "SH-01"), D(1), PointSupply(), TODAY)

    assert answer.available_now == 0 and answer.complete_on is None
