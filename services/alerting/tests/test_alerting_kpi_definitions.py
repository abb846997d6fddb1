"""The KPI definitions on worked examples (the sell-through one is in docs/alerting.md)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from alerting.domain.kpis import (
    DayRow,
    PeriodKpis,
    change_percent,
    days_of_supply,
    on_time_rate,
    periods,
    rollup,
    sell_through,
    snapshot,
    turnover,
)
from alerting.domain.movements import day_changes
from alerting.domain.points import StockPoint, grouped
from inventory_contracts.events.stock import StockMoved

D = Decimal
MONDAY = date(2026, 11, 2)  # ISO week 2026-W45


def day(n: int, opening: str, closing: str, consumed: str = "0", received: str = "0") -> DayRow:
    moves = int(D(consumed) > 0) + int(D(received) > 0)
    return DayRow(date.fromordinal(MONDAY.toordinal() + n), D(opening), D(closing),
                  D(consumed), D(received), moves=moves)  # fmt: skip


def test_sell_through_is_consumed_over_opening_plus_received() -> None:
    # The docs' example: 40 on hand on Monday, 60 received, 75 shipped in the week.
    assert sell_through(D(75), D(40), D(60)) == D("0.75")
    assert sell_through(D(0), D(0), D(0)) is None  # nothing to sell: no ratio, not zero


def test_turnover_days_of_supply_and_change() -> None:
    assert turnover(D(30), D(40), D(20)) == D("1")
    assert turnover(D(5), D(0), D(0)) is None
    assert days_of_supply(D(25), D(75), 7) == D("2.3")
    assert days_of_supply(D(25), D(0), 7) is None
    assert change_percent(D("0.5"), D("0.35")) == D("-30.00")
    assert change_percent(D(0), D("0.35")) is None


def test_a_week_sums_its_days_and_carries_on_hand_over_quiet_days() -> None:
    rows = [
        day(-3, "10", "40", received="30"),  # the Friday before: closes at 40
        day(1, "40", "100", received="60"),
        day(3, "100", "25", consumed="75"),
    ]
    [week] = periods(rows, "week", MONDAY, date(2026, 11, 9))
    assert (week.label, week.opening, week.closing) == ("2026-W45", D(40), D(25))
    assert (week.consumed, week.received, week.sell_through) == (D(75), D(60), D("0.75"))
    assert week.stockout_days == 0


def test_a_week_still_running_is_not_a_period_yet_and_stockout_days_count_closings() -> None:
    rows = [day(0, "5", "0", consumed="5"), day(4, "0", "8", received="8")]
    weeks = periods(rows, "week", MONDAY, date(2026, 11, 12))
    assert [w.label for w in weeks] == ["2026-W45"]  # W46 ends after the 12th
    assert weeks[0].stockout_days == 4  # Monday to Thursday closed empty
    days = periods(rows, "day", MONDAY, date(2026, 11, 4))
    assert [(d.label, d.closing) for d in days] == [("2026-11-02", D(0)), ("2026-11-03", D(0))]


def test_rollup_takes_sell_through_of_the_sums_not_the_average_of_ratios() -> None:
    a = periods([day(0, "10", "0", consumed="10")], "week", MONDAY, date(2026, 11, 9))[0]
    b = periods([day(0, "90", "90")], "week", MONDAY, date(2026, 11, 9))[0]
    total = rollup([a, b])
    assert total is not None
    assert (total.opening, total.consumed, total.sell_through) == (D(100), D(10), D("0.1"))


def test_aging_is_first_in_first_out_and_older_stock_takes_the_first_seen_age() -> None:
    today = date(2026, 12, 1)
    rows = [
        DayRow(date(2026, 11, 21), D(100), D(130), received=D(30), moves=1),  # 10 days old
        DayRow(date(2026, 9, 2), D(50), D(100), received=D(50), moves=1),  # 90 days old
    ]
    now = snapshot(rows, date(2025, 6, 1), today)
    assert now.on_hand == D(130)
    assert now.aging == {"0-30": D(30), "31-90": D(50), "91-180": D(0), "181-365": D(0),
                         ">365": D(50)}  # fmt: skip
    assert now.oldest_age_days == (today - date(2025, 6, 1)).days
    assert now.days_since_movement == 10


def test_movements_of_a_day_sum_into_one_row_with_the_first_opening_and_last_closing() -> None:
    def moved(delta: str, kind: str, after: str, hour: int) -> StockMoved:
        return StockMoved(
            sku="TEA-1", location="SH", movement_id=f"m{hour}", quantity_delta=D(delta),
            movement_type=kind, unit_cost=D(1), value=D(delta), on_hand_after=D(after),
            document_id="d", document_type="t", posted_by="u",
            posted_at=datetime(2026, 11, 2, hour, tzinfo=UTC),
        )  # fmt: skip

    [change] = day_changes([moved("60", "receipt", "100", 8), moved("-75", "issue", "25", 9),
                            moved("-5", "transfer_out", "20", 10)])  # fmt: skip
    assert (change.opening, change.closing, change.received, change.consumed) == (
        D(40), D(20), D(60), D(75),
    )  # fmt: skip
    assert change.moves == 3


def test_grouped_by_abc_class_sums_members_of_each_class() -> None:
    def point(sku: str, abc: str | None) -> StockPoint:
        return StockPoint(sku, "SH", "tea", abc, D(0), D(0), MONDAY, None)

    points = [point("A1", "A"), point("A2", "A"), point("X", None)]
    rows = {
        ("A1", "SH"): [day(0, "10", "5", consumed="5")],
        ("A2", "SH"): [day(0, "10", "5", consumed="5")],
        ("X", "SH"): [day(0, "4", "4")],
    }
    found = grouped(points, rows, "week", (MONDAY, date(2026, 11, 9)), "abc_class")
    assert [(key, kpis.consumed, kpis.sell_through) for key, kpis in found] == [
        ("-", D(0), D(0)), ("A", D(10), D("0.5")),
    ]  # fmt: skip


def test_supplier_on_time_rate() -> None:
    assert on_time_rate(4, 3) == D("0.75")
    assert on_time_rate(0, 0) is None


def test_periods_agree_with_a_day_by_day_count_on_random_histories() -> None:
    rng = random.Random(17)
    for _ in range(200):
        rows, on_hand = [], rng.randint(-2, 5)
        for n in sorted(rng.sample(range(-10, 40), rng.randint(0, 12))):
            after = rng.randint(-2, 6)
            rows.append(DayRow(MONDAY + timedelta(days=n), D(on_hand), D(after), D(1), D(2)))
            on_hand = after
        for period in ("day", "week"):
            until = MONDAY + timedelta(days=rng.randint(0, 35))
            assert periods(rows, period, MONDAY, until) == _day_by_day(rows, period, until)


def _day_by_day(rows: list[DayRow], period: Literal["day", "week"], until: date) -> list[Any]:
    """The definition spelled out: every day closes with its row's closing or the last one."""
    by_day = {row.day: row for row in rows}
    before = [row for row in rows if row.day < MONDAY]
    carry = before[-1].closing if before else D(0)
    length, start, result = (1 if period == "day" else 7), MONDAY, []
    while start + timedelta(days=length) <= until:
        days = [by_day.get(start + timedelta(days=n)) for n in range(length)]
        opening = days[0].opening if days[0] else carry
        consumed = received = D(0)
        stockouts = 0
        for row in days:
            if row:
                carry, consumed, received = (
                    row.closing,
                    consumed + row.consumed,
                    received + row.received,
                )
            stockouts += carry <= 0
        result.append(
            PeriodKpis(start, period, opening, carry, consumed, received, D(0), stockouts, length)
        )
        start += timedelta(days=length)
    return result
