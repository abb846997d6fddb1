"""The "why" panel's pure parts: how numbers read, what the request asks, the periods ahead
of the forecast, and which facts a missing reading marks unavailable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from approval.domain.why import (
    Availability,
    Backorders,
    Demand,
    DemandBucket,
    Fact,
    LeadTime,
    Order,
    Planning,
    Policy,
    Position,
    Readings,
    Requested,
    Supplier,
    Unavailable,
    change,
    next_starts,
    number,
    percent,
)
from approval.domain.why_panel import period_rows, why_panel

ASK = Requested("SKU-1", "WH-1", "SUP-9", D("1200"), D("12.30"), D("14760"), "CNY")
PLANNING = Planning("week", D("120.5"), "AutoETS", D("80"), D("420"), D("1200"), D("14.25"),
                    D("0.95"), "A")  # fmt: skip
DEMAND = Demand("week", [DemandBucket(date(2026, 11, d), D(q)) for d, q in ((23, 60), (30, 240))])


def readings(**changed: object) -> Readings:
    values: dict[str, object] = {
        "planning": PLANNING,
        "policy": Policy(D("420"), D("1200")),
        "position": Position(D("300"), D("350")),
        "availability": Availability(D("1250"), D("1200"), D("50")),
        "backorders": Backorders(D("40")),
        "demand": DEMAND,
        "supplier": Supplier(25, 22, 2, 1, 0.88, LeadTime(13, 19)),
        "orders": [Order("PO-1", "SKU-1", D("11.80"), "CNY", D("1200"),
                         datetime(2026, 11, 20, 8, tzinfo=UTC))],
    }  # fmt: skip
    return Readings(**{**values, **changed})  # type: ignore[arg-type]


def shown(facts: list[Fact]) -> dict[str, str | None]:
    return {f.key: f.value if f.value is not None else f.reason for f in facts}


def test_numbers_read_as_people_write_them() -> None:
    assert number(D("1250.000")) == "1,250" and number(D("12.30")) == "12.3"
    assert number(D("0.5")) == "0.5" and number(0) == "0"
    assert percent(0.875) == "88%" and percent(D("1")) == "100%"
    assert change(D("12.30"), D("11.80")) == "+4.2%" and change(D("9"), D("10")) == "-10.0%"
    assert change(D("1"), D("0")) == ""


def test_the_periods_after_the_last_one() -> None:
    assert next_starts(date(2026, 11, 30), "week", 2) == [date(2026, 12, 7), date(2026, 12, 14)]
    assert next_starts(date(2026, 12, 1), "month", 2) == [date(2027, 1, 1), date(2027, 2, 1)]
    assert next_starts(date(2026, 1, 31), "day", 1) == [date(2026, 2, 1)]


def test_what_is_asked_comes_from_the_details_and_needs_an_item_and_a_location() -> None:
    details = {"sku": "SKU-1", "location": "WH-1", "quantity": "1200", "unit_cost": "abc"}
    ask = Requested.of(details, D("10"), "CNY")
    assert ask is not None and ask.quantity == D("1200") and ask.unit_cost is None
    assert ask.supplier_id == ""
    assert Requested.of({"sku": "SKU-1"}, D("10"), "CNY") is None
    assert Requested.of({"sku": ["x"], "location": "WH-1"}, D("10"), "CNY") is None
    raised = Requested.of(
        {**details, "inventory_position": "350", "reorder_point": "420"}, D("10"), "CNY"
    )
    assert raised is not None
    assert shown(why_panel(raised, readings()).request)["why_trigger"] == "350 ≤ 420"
    assert "why_trigger" not in shown(why_panel(ask, readings()).request)
    not_a_number = Requested.of({"sku": "S", "location": "L", "quantity": "NaN"}, D(1), "CNY")
    assert not_a_number is not None and not_a_number.quantity is None


def test_the_demand_chart_has_history_then_the_forecast_with_relative_bars() -> None:
    rows = period_rows(PLANNING, DEMAND)
    assert [(r.kind, r.quantity, r.bar) for r in rows] == [
        ("actual", "60", 3), ("actual", "240", 10),
        *[("forecast", "120.5", 5)] * 4,
    ]  # fmt: skip
    assert rows[2].start == date(2026, 12, 7)
    assert [r.kind for r in period_rows(Unavailable("not_found"), DEMAND)] == ["actual"] * 2
    assert period_rows(PLANNING, Unavailable("unreachable")) == []


def test_every_reading_present_gives_every_fact() -> None:
    panel = why_panel(ASK, readings())
    assert shown(panel.request)["why_amount"] == "14,760 CNY"
    assert shown(panel.plan)["why_forecast_week"] == "120.5"
    assert shown(panel.plan)["why_lead_time"] == "14.2"
    assert shown(panel.stock) == {
        "why_on_hand": "1,250", "why_reserved": "1,200", "why_available": "50",
        "why_on_order": "300", "why_backordered": "40", "why_inventory_position": "350",
    }  # fmt: skip
    assert shown(panel.supplier) == {
        "why_on_time": "88%", "why_lead_time_seen": "13 / 19", "why_price_change": "+4.2%",
    }  # fmt: skip
    assert panel.supplier[0].note == "22/25" and panel.period == "week"
    assert [(p.unit_cost, p.released_on) for p in panel.prices] == [
        ("11.8 CNY", date(2026, 11, 20))
    ]


def test_a_missing_reading_marks_its_facts_and_keeps_the_others() -> None:
    panel = why_panel(
        ASK,
        readings(
            planning=Unavailable("not_found"),
            availability=Unavailable("refused"),
            supplier=Unavailable("unreachable"),
            orders=Unavailable("unreachable"),
        ),
    )
    assert shown(panel.plan) == {
        "why_forecast": "not_found", "why_reorder_point": "420", "why_order_quantity": "1,200",
    }  # fmt: skip
    assert panel.plan[1].note == "policy"  # from the policy: no planning run yet
    assert shown(panel.stock) == {
        "why_on_hand": "refused", "why_on_order": "300", "why_backordered": "40",
        "why_inventory_position": "350",
    }  # fmt: skip
    assert shown(panel.supplier) == {"why_on_time": "unreachable"}
    assert panel.prices == [] and panel.prices_reason == "unreachable"
    assert panel.period == "week"  # from the demand history


def test_a_work_order_proposal_shows_production_facts_and_no_supplier_part() -> None:
    details = {
        "procurement_type": "make", "sku": "CAKE-1", "location": "WH-1", "quantity": "200",
        "unit_cost": "61.5", "production_lead_time_days": 3, "due_date": "2026-12-04",
        "inventory_position": "18", "reorder_point": "20",
    }  # fmt: skip
    ask = Requested.of(details, D("12300"), "CNY")
    assert ask is not None and ask.made
    panel = why_panel(ask, readings(supplier=Unavailable("not_found"), orders=[]))
    assert panel.made and panel.supplier == [] and panel.prices == []
    assert panel.prices_reason is None
    assert shown(panel.request) == {
        "why_item": "CAKE-1 @ WH-1", "why_quantity": "200", "why_standard_cost": "61.5 CNY",
        "why_amount": "12,300 CNY", "why_production_lead_time": "3",
        "why_due_date": "2026-12-04", "why_trigger": "18 ≤ 20",
    }  # fmt: skip
    # on hand, on order, backorders, forecast and safety stock as for a purchase
    assert shown(panel.stock)["why_backordered"] == "40"
    assert shown(panel.plan)["why_safety_stock"] == "80"
