"""Rules on suppliers (on-time rate) and on kinds of approval request (overdue approvals):
their figures on worked examples, hysteresis, validation and back-test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from alerting.domain.business_rules import (
    Delivery,
    Request,
    backtest_business,
    business_draft,
    business_facts,
    decide_business,
)
from alerting.domain.language import RuleDefinition
from pydantic import ValidationError

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def rule(condition: dict[str, Any], **fields: Any) -> RuleDefinition:
    body = {"name_zh": "供应商准时率低", "name_en": "Supplier late", "condition": condition}
    return RuleDefinition.model_validate({**body, **fields})


ON_TIME = {"kind": "supplier_on_time", "window_days": 28, "min_orders": 3, "op": "<", "value": 0.8}
OVERDUE = {"kind": "overdue_approvals", "op": ">=", "value": 2}


def deliveries() -> list[Delivery]:
    today = NOW.date()
    return [
        # SUP-1: four orders received in the 28 days, one late (0.75 < 0.8: fires)
        Delivery("SUP-1", today - timedelta(days=10), at(today - timedelta(days=10))),
        Delivery("SUP-1", today - timedelta(days=8), at(today - timedelta(days=9))),
        Delivery("SUP-1", today - timedelta(days=5), at(today - timedelta(days=4))),  # late
        Delivery("SUP-1", today - timedelta(days=2), at(today - timedelta(days=2))),
        # received 40 days ago: outside the window; not received: not judged
        Delivery("SUP-1", today - timedelta(days=45), at(today - timedelta(days=40))),
        Delivery("SUP-1", today - timedelta(days=45), None),
        # SUP-2: two orders, both late, but fewer than min_orders: no figure
        Delivery("SUP-2", today - timedelta(days=9), at(today - timedelta(days=3))),
        Delivery("SUP-2", today - timedelta(days=9), at(today - timedelta(days=3))),
    ]


def test_supplier_on_time_rate_over_the_window_with_a_minimum_of_orders() -> None:
    definition = rule(ON_TIME)
    facts = {f.name: f for f in business_facts(definition, deliveries(), [], NOW)}
    assert facts["SUP-1"].value == D("0.7500")
    assert dict(facts["SUP-1"].shown) == {"received": "4", "on_time": "3", "overdue": "0"}
    assert facts["SUP-2"].value is None
    decision = decide_business(definition, list(facts.values()), set())
    assert list(decision.raise_) == ["SUP-1"] and decision.resolve == []
    draft = business_draft("late", definition, "SUP-1", decision.raise_["SUP-1"])
    assert draft.message_zh == "供应商 SUP-1：0.75（已到货订单 4；准时 3；逾期未到货 0）"
    assert draft.message_en == (
        "supplier SUP-1: on_time_rate 0.75 (received 4; on_time 3; overdue 0)"
    )
    assert draft.details["items"] == [
        {"supplier": "SUP-1", "on_time_rate": "0.75", "received": "4", "on_time": "3",
         "overdue": "0"}
    ]  # fmt: skip


def test_orders_past_due_with_nothing_received_count_against_the_supplier() -> None:
    today = NOW.date()
    silent = [
        Delivery("SUP-3", today - timedelta(days=20), None),  # overdue
        Delivery("SUP-3", today - timedelta(days=1), None),  # overdue since today
        Delivery("SUP-3", today - timedelta(days=12), at(today - timedelta(days=12))),
        Delivery("SUP-3", today, None),  # due today: pending, not judged yet
        Delivery("SUP-3", today - timedelta(days=6), at(NOW + timedelta(hours=1))),  # later
    ]
    [facts] = business_facts(rule(ON_TIME), silent, [], NOW)
    assert dict(facts.shown) == {"received": "1", "on_time": "1", "overdue": "3"}
    assert facts.value == D("0.2500")


def test_a_supplier_scope_and_a_key_that_groups_all_suppliers_in_one_alert() -> None:
    scoped = rule(ON_TIME, scope={"suppliers": ["SUP-2"]})
    assert [f.name for f in business_facts(scoped, deliveries(), [], NOW)] == ["SUP-2"]
    grouped = rule({**ON_TIME, "min_orders": 2}, dedupe_key="late-suppliers")
    assert grouped.grouped
    facts = business_facts(grouped, deliveries(), [], NOW)
    decision = decide_business(grouped, facts, set())
    assert [f.name for f in decision.raise_["late-suppliers"]] == ["SUP-1", "SUP-2"]


def test_an_open_supplier_alert_resolves_only_past_the_recovery_threshold() -> None:
    definition = rule(ON_TIME, recovery={**ON_TIME, "op": ">=", "value": 0.9})
    facts = business_facts(definition, deliveries(), [], NOW)
    assert decide_business(definition, facts, {"SUP-1"}).raise_ == {}  # open: not raised again
    better = [*deliveries(), Delivery("SUP-1", NOW.date(), at(NOW.date(), 8))]  # 4 of 5: 0.8
    facts = business_facts(definition, better, [], NOW)
    assert decide_business(definition, facts, {"SUP-1"}).resolve == []  # not firing, not 0.9
    best = better + [Delivery("SUP-1", NOW.date(), at(NOW.date(), 8))] * 5  # 9 of 10
    facts = business_facts(definition, best, [], NOW)
    assert decide_business(definition, facts, {"SUP-1"}).resolve == ["SUP-1"]


def test_overdue_approvals_per_kind_of_request_as_of_a_moment() -> None:
    requests = [
        Request("purchase_requisition", NOW - timedelta(hours=30), None),
        Request("purchase_requisition", NOW - timedelta(hours=5), NOW + timedelta(hours=1)),
        Request("purchase_requisition", NOW - timedelta(hours=50), NOW - timedelta(hours=1)),
        Request("stock_count", NOW - timedelta(hours=2), None),
        Request("stock_count", NOW + timedelta(hours=2), None),  # not overdue yet at NOW
    ]
    count = rule(OVERDUE)
    facts = {f.name: f for f in business_facts(count, [], requests, NOW)}
    assert facts["purchase_requisition"].value == 2  # the third was decided an hour ago
    assert dict(facts["purchase_requisition"].shown)["oldest_hours"] == "30.0"
    assert facts["stock_count"].value == 1
    assert list(decide_business(count, list(facts.values()), set()).raise_) == [
        "purchase_requisition"
    ]
    oldest = rule({**OVERDUE, "measure": "oldest_hours", "op": ">", "value": 24,
                   "subject_types": ["stock_count"]})  # fmt: skip
    [only] = business_facts(oldest, [], requests, NOW)
    assert (only.name, only.value) == ("stock_count", D("2.0"))
    # no overdue request left: an open alert of the kind resolves
    assert decide_business(count, [], {"purchase_requisition"}).resolve == ["purchase_requisition"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"condition": {"kind": "all", "conditions": [ON_TIME, {"kind": "age", "days": 9}]}},
         "condition: supplier_on_time cannot be combined"),
        ({"scope": {"locations": ["SH"]}}, "scope: a rule on supplier_on_time has no stock"),
        ({"dedupe_key": "{sku}"}, "dedupe_key: ['sku'] do not name this rule's subjects"),
        ({"recovery": {"kind": "threshold", "kpi": "on_hand", "op": ">", "value": 1}},
         "recovery: must be a supplier_on_time condition"),
        ({"condition": {**ON_TIME, "value": 1.5}}, "less than or equal to 1"),
        ({"condition": {"kind": "age", "days": 9}, "scope": {"suppliers": ["SUP-1"]}},
         "scope: suppliers is for supplier_on_time rules"),
        ({"condition": OVERDUE, "scope": {"suppliers": ["SUP-1"]}},
         "scope: a rule on overdue_approvals has no stock points"),
    ],
)  # fmt: skip
def test_a_rule_keeps_to_one_kind_of_subject(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        RuleDefinition.model_validate(
            {"name_zh": "x", "name_en": "x", "condition": ON_TIME, **fields}
        )


def test_a_backtest_of_a_supplier_rule_says_when_it_would_have_fired_and_resolved() -> None:
    # SUP-1 delivers one order a week; weeks 3-5 of 8 are late. Window 14 days, min 2 orders.
    first = NOW.date() - timedelta(weeks=8)
    orders = []
    for week in range(8):
        due = first + timedelta(weeks=week, days=2)
        arrived = due + timedelta(days=3 if week in (3, 4, 5) else 0)
        orders.append(Delivery("SUP-1", due, at(arrived)))
    window = {**ON_TIME, "window_days": 14, "min_orders": 2}
    definition = rule({**window, "value": 0.5}, recovery={**window, "op": ">=", "value": 0.9})
    result = backtest_business(definition, orders, [], NOW.date(), 8, every_channel=2)
    assert [(h.on, h.action, h.subject) for h in result.happenings] == [
        (first + timedelta(weeks=5), "raised", "SUP-1"),  # weeks 3 and 4 both late: 0 of 2
        # weeks 5 and 6: 0.5, no longer firing but not recovered; weeks 6 and 7: 1.0
        (first + timedelta(weeks=8), "resolved", "SUP-1"),
    ]
    assert (result.alerts, result.messages) == (1, 2)
