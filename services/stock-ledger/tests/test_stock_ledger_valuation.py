"""FIFO and moving-average valuation, FEFO lots, aging, back-dating, transfers, counts,
adjustments and reversals, on worked examples whose numbers are worked out in the comments."""

# mypy: disable-error-code="comparison-overlap"
# (the assertions compare Decimals with int literals on purpose: Decimal(10) == 10)

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from inventory_contracts import ItemUpserted, StockMoved
from stock_ledger import handlers
from stock_ledger.domain import (
    Document,
    DocumentLine,
    DocumentStateError,
    DocumentType,
    NegativeStock,
)
from stock_ledger.domain.aging import aging, bucket_of
from stock_ledger.domain.valuation import CostLayer

from .conftest import FakeLedgerUoW, Make

D = Decimal
WH, WH2 = "WH-1", "WH-2"
FIFO, AVG, FRESH = "FIFO-TEA", "AVG-TEA", "FRESH-MILK"


async def seed(uow: FakeLedgerUoW, make: type[Make]) -> None:
    for sku, method, expiry in (
        (FIFO, "fifo", False),
        (AVG, "moving_average", False),
        (FRESH, "fifo", True),
    ):
        item = ItemUpserted(
            sku=sku, name=sku, unit_of_measure="pcs", category="tea", unit_cost=D("4"),
            valuation_method=method, expiry_managed=expiry,
        )  # fmt: skip
        await handlers.upsert_item(make.inbound(item), uow)
    await handlers.upsert_location(make.inbound(make.location(WH)), uow)
    await handlers.upsert_location(make.inbound(make.location(WH2)), uow)
    await uow.commit()


def doc(
    document_id: str, kind: DocumentType, *lines: DocumentLine, day: date | None = None
) -> Document:
    return Document(document_id, kind, list(lines), posted_by="tester", document_date=day)


def line(n: int, sku: str, quantity: str, cost: str | None = None, **extra: Any) -> DocumentLine:
    location = extra.pop("location", WH)
    return DocumentLine(n, sku, location, D(quantity), None if cost is None else D(cost), **extra)


APPROVAL_AMOUNT = Decimal(1000)
"""Counts and adjustments post only under an approval amount (these are all far below it)."""


async def post(uow: FakeLedgerUoW, make: type[Make], document: Document) -> Document:
    posted = await handlers.post_document(document, uow, make.now, threshold=APPROVAL_AMOUNT)
    await uow.commit()
    return posted.document


def balance(uow: FakeLedgerUoW, sku: str, location: str = WH) -> tuple[Decimal, Decimal]:
    found = uow.ledger.balances[(sku, location)]
    return found.on_hand, found.value


def open_layers(
    uow: FakeLedgerUoW, sku: str, location: str = WH
) -> list[tuple[date, str | None, Decimal, Decimal]]:
    return sorted(
        (x.receipt_date, x.lot, x.remaining, x.unit_cost)
        for x in uow.ledger.layers.values()
        if (x.sku, x.location) == (sku, location) and x.remaining > 0
    )


def moves(uow: FakeLedgerUoW) -> list[StockMoved]:
    return [e for e in uow.events_of(StockMoved) if isinstance(e, StockMoved)]


async def test_fifo_issue_is_costed_from_the_oldest_layers(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "10", "5"), day=date(2025, 3, 1)))
    await post(uow, make, doc("R2", "receipt", line(1, FIFO, "10", "7"), day=date(2025, 3, 2)))

    issued = await post(uow, make, doc("I1", "issue", line(1, FIFO, "15")))

    # 10 from the first layer at 5 = 50, then 5 from the second at 7 = 35: cost 85 (5.666.../u)
    [entry] = issued.entries
    assert (entry.quantity_delta, entry.value, entry.cogs) == (-15, -85, 85)
    # left: 5 of the second layer at 7 = 35
    assert balance(uow, FIFO) == (5, 35)
    assert open_layers(uow, FIFO) == [(date(2025, 3, 2), None, 5, 7)]


async def test_moving_average_issue_goes_out_at_the_average(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, AVG, "10", "5")))
    await post(uow, make, doc("R2", "receipt", line(1, AVG, "10", "7")))
    # average = (10*5 + 10*7) / 20 = 120 / 20 = 6

    issued = await post(uow, make, doc("I1", "issue", line(1, AVG, "15")))

    # 15 * 6 = 90 out; 5 * 6 = 30 left
    assert (issued.entries[0].unit_cost, issued.entries[0].value) == (6, -90)
    assert balance(uow, AVG) == (5, 30)
    assert uow.ledger.balances[(AVG, WH)].average_cost == 6


async def test_expiry_managed_item_issues_first_expiry_first(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    late = line(1, FRESH, "5", "2", lot="A", expiry_date=date(2025, 6, 1))
    early = line(1, FRESH, "5", "3", lot="B", expiry_date=date(2025, 4, 1))
    await post(uow, make, doc("R1", "receipt", late, day=date(2025, 3, 1)))
    await post(uow, make, doc("R2", "receipt", early, day=date(2025, 3, 2)))

    issued = await post(uow, make, doc("I1", "issue", line(1, FRESH, "6")))

    # FEFO: all 5 of lot B (expires 04-01) at 3 = 15, then 1 of lot A at 2 = 2: cost 17,
    # though lot A was received first.
    assert issued.entries[0].value == -17
    assert open_layers(uow, FRESH) == [(date(2025, 3, 1), "A", 4, 2)]


async def test_issue_of_a_named_lot_takes_only_that_lot(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "5", "2", lot="A")))
    await post(uow, make, doc("R2", "receipt", line(1, FIFO, "5", "3", lot="B")))

    issued = await post(uow, make, doc("I1", "issue", line(1, FIFO, "2", lot="B")))
    assert (issued.entries[0].lot, issued.entries[0].value) == ("B", -6)  # 2 * 3

    with pytest.raises(NegativeStock) as short:
        await post(uow, make, doc("I2", "issue", line(1, FIFO, "4", lot="B")))
    assert (short.value.shortfalls[0].on_hand, short.value.shortfalls[0].shortfall) == (3, 1)


def test_aging_buckets_count_from_each_layers_receipt_date() -> None:
    today = date(2025, 3, 3)

    def layer(received: date, remaining: str, cost: str) -> CostLayer:
        return CostLayer(1, "X", WH, None, None, received, D(9), D(remaining), D(cost), "m")

    result = aging(
        [
            layer(date(2025, 3, 1), "2", "5"),  # 2 days: 0-30, value 10
            layer(date(2024, 12, 1), "3", "4"),  # 31 (Dec) + 31 + 28 + 2 = 92 days: 91-180
            layer(date(2024, 1, 1), "1", "7"),  # 366 (2024 is leap) + 31 + 28 + 2 = 427: >365
            layer(date(2025, 2, 1), "0", "9"),  # used up: not on hand, not aged
        ],
        today,
    )

    assert result["0-30"] == (2, 10)
    assert result["31-90"] == (0, 0)
    assert result["91-180"] == (3, 12)
    assert result["181-365"] == (0, 0)
    assert result[">365"] == (1, 7)
    assert [bucket_of(d) for d in (0, 30, 31, 90, 91, 180, 181, 365, 366)] == [
        "0-30", "0-30", "31-90", "31-90", "91-180", "91-180", "181-365", "181-365", ">365",
    ]  # fmt: skip


async def test_back_dated_receipt_recosts_only_the_later_issue_of_its_stock_point(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "10", "5"), day=date(2025, 2, 10)))
    await post(uow, make, doc("I1", "issue", line(1, FIFO, "4"), day=date(2025, 2, 20)))
    # I1 took 4 of R1 at 5 = 20; left 6 at 5 = 30
    assert balance(uow, FIFO) == (6, 30)

    late = await post(
        uow, make, doc("R0", "receipt", line(1, FIFO, "10", "3"), day=date(2025, 2, 5))
    )

    # Had R0 (02-05) been posted in time, I1 (02-20) would have taken 4 of it at 3 = 12,
    # not 20: I1 is re-costed by a value-only entry of +8 dated like it.
    receipt, adjustment = late.entries
    assert (receipt.quantity_delta, receipt.value) == (10, 30)
    assert adjustment.movement_type == "cost_adjustment"
    assert (adjustment.adjusts_movement_id, adjustment.quantity_delta) == ("I1-1", 0)
    assert (adjustment.value, adjustment.cogs, adjustment.effective_date) == (
        8, -8, date(2025, 2, 20),
    )  # fmt: skip
    # left: 6 of R0 at 3 + 10 of R1 at 5 = 18 + 50 = 68 (= 30 + 30 + 8)
    assert balance(uow, FIFO) == (16, 68)
    assert open_layers(uow, FIFO) == [
        (date(2025, 2, 5), None, 6, 3),
        (date(2025, 2, 10), None, 10, 5),
    ]
    # the adjustment is no stock movement: only the receipt is published for R0
    assert [m.movement_id for m in moves(uow)][-1] == "R0-1"


async def test_back_dated_issue_takes_the_old_stock_and_recosts_the_later_issue(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "10", "5"), day=date(2025, 2, 1)))
    await post(uow, make, doc("R2", "receipt", line(1, FIFO, "10", "7"), day=date(2025, 2, 3)))
    await post(uow, make, doc("I5", "issue", line(1, FIFO, "10"), day=date(2025, 2, 5)))
    # I5 took all of R1: 10 * 5 = 50; left 10 * 7 = 70

    late = await post(uow, make, doc("I2", "issue", line(1, FIFO, "5"), day=date(2025, 2, 2)))

    # I2 (02-02) takes 5 of R1 at 5 = 25; I5 now takes 5 of R1 + 5 of R2 = 25 + 35 = 60,
    # 10 more than before: an adjustment of -10. Left: 5 of R2 at 7 = 35 (= 70 - 25 - 10).
    issue, adjustment = late.entries
    assert issue.value == -25
    assert (adjustment.adjusts_movement_id, adjustment.value) == ("I5-1", -10)
    assert balance(uow, FIFO) == (5, 35)


async def test_moving_average_back_dated_receipt_re_averages_current_stock(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, AVG, "10", "5"), day=date(2025, 2, 10)))
    await post(uow, make, doc("I1", "issue", line(1, AVG, "4"), day=date(2025, 2, 20)))

    late = await post(uow, make, doc("R0", "receipt", line(1, AVG, "6", "3"), day=date(2025, 2, 1)))

    # perpetual average: 6 * 5 = 30 plus 6 * 3 = 18 -> 48 for 12 (4 each); I1 stands at 5
    assert [e.movement_type for e in late.entries] == ["receipt"]
    assert balance(uow, AVG) == (12, 48)
    # aging still sees the back-dated stock as received 02-01
    assert open_layers(uow, AVG)[0] == (date(2025, 2, 1), None, 6, 3)


async def test_transfer_moves_quantity_value_lot_and_receipt_date(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(
        uow, make, doc("R1", "receipt", line(1, FIFO, "5", "2", lot="L1"), day=date(2024, 12, 1))
    )

    moved = await post(uow, make, doc("T1", "transfer", line(1, FIFO, "3", to_location=WH2)))

    out, into = moved.entries
    # 3 at 2 = 6 leaves WH-1 and arrives at WH-2
    assert (out.movement_type, out.location, out.quantity_delta, out.value) == (
        "transfer_out", WH, -3, -6,
    )  # fmt: skip
    assert (into.movement_type, into.location, into.quantity_delta, into.value) == (
        "transfer_in", WH2, 3, 6,
    )  # fmt: skip
    assert balance(uow, FIFO) == (2, 4) and balance(uow, FIFO, WH2) == (3, 6)
    # the stock keeps its lot and its age at the new place
    assert open_layers(uow, FIFO, WH2) == [(date(2024, 12, 1), "L1", 3, 2)]
    assert [m.movement_type for m in moves(uow)][-2:] == [
        "transfer_out",
        "transfer_in",
    ]


async def test_stock_count_posts_the_variance_at_cost(uow: FakeLedgerUoW, make: type[Make]) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, AVG, "10", "6")))

    counted = await post(uow, make, doc("C1", "stock_count", line(1, AVG, "7")))

    # book 10, counted 7: variance -3 at the average 6 = -18
    [entry] = counted.entries
    assert (entry.movement_type, entry.quantity_delta, entry.value) == ("count_adjustment", -3, -18)
    assert balance(uow, AVG) == (7, 42)
    nothing = await post(uow, make, doc("C2", "stock_count", line(1, AVG, "7")))
    assert nothing.entries == []  # counted what the books say: no variance, no entry


async def test_adjustments_move_by_their_reason_code(uow: FakeLedgerUoW, make: type[Make]) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, AVG, "10", "6")))

    scrapped = await post(
        uow, make, doc("A1", "adjustment", line(1, AVG, "2", reason_code="scrap"))
    )
    found = await post(uow, make, doc("A2", "adjustment", line(1, AVG, "1", reason_code="found")))

    assert (scrapped.entries[0].quantity_delta, scrapped.entries[0].value) == (-2, -12)
    assert (found.entries[0].quantity_delta, found.entries[0].value) == (1, 6)  # at average 6
    assert scrapped.entries[0].cogs == 0  # scrap is no cost of goods issued
    assert balance(uow, AVG) == (9, 54)


async def test_reversal_of_an_issue_returns_stock_to_its_layers_at_its_cost(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "10", "5"), day=date(2025, 3, 1)))
    await post(uow, make, doc("R2", "receipt", line(1, FIFO, "10", "7"), day=date(2025, 3, 2)))
    await post(uow, make, doc("I1", "issue", line(1, FIFO, "15")))  # cost 85, left 35

    reversal = (await handlers.reverse("I1", "auditor", uow, make.now)).document
    await uow.commit()

    [entry] = reversal.entries
    assert (entry.movement_type, entry.quantity_delta, entry.value, entry.cogs) == (
        "reversal", 15, 85, -85,
    )  # fmt: skip
    assert (reversal.reverses_document_id, reversal.posted_by) == ("I1", "auditor")
    assert balance(uow, FIFO) == (20, 120)
    assert open_layers(uow, FIFO) == [
        (date(2025, 3, 1), None, 10, 5),
        (date(2025, 3, 2), None, 10, 7),
    ]
    again = await handlers.reverse("I1", "auditor", uow, make.now)
    assert not again.created and again.document.document_id == reversal.document_id
    with pytest.raises(DocumentStateError):
        await handlers.reverse(reversal.document_id, "auditor", uow, make.now)


async def test_reversal_of_a_receipt_already_issued_is_refused(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    await seed(uow, make)
    await post(uow, make, doc("R1", "receipt", line(1, FIFO, "10", "5")))
    await post(uow, make, doc("I1", "issue", line(1, FIFO, "8")))

    with pytest.raises(NegativeStock):
        await handlers.reverse("R1", "auditor", uow, make.now)

    assert balance(uow, FIFO) == (2, 10)
