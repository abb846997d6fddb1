"""Flows as data, on their own: conditions over a request's attributes, the branch a request
takes, the field-level problems of a flow, and whom a step resolves to."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from approval import domain
from approval.domain import AssigneeRule, Branch, Flow, FlowStep, Step, legacy_flow

PURCHASE = domain.request_attributes(
    D("60000"),
    "purchasing",
    "chen.planner",
    {"sku": "SKU-1", "supplier_id": "SUP-9", "location": "WH1", "abc_class": "A"},
)
COUNT = domain.request_attributes(
    D("800"),
    "warehouse",
    "zhao.counter",
    {"lines": [{"location": "WH1-A"}, {"location": "WH2-B", "item_category": "spares"}]},
)


def holds(raw: dict[str, Any], attributes: domain.conditions.Attributes = PURCHASE) -> bool:
    condition, problems = domain.parse_condition(raw, "condition")
    assert not problems and condition is not None
    return domain.holds(condition, attributes)


def amount(op: str, value: Any) -> dict[str, Any]:
    return {"field": "amount", "op": op, "value": value}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (amount("gt", 50000), True),
        (amount("gt", 60000), False),
        (amount("ge", "60000.00"), True),
        (amount("lt", 60000), False),
        (amount("le", 60000), True),
        (amount("eq", 60000), True),
        (amount("ne", 60000), False),
        (amount("between", [50000, 60000]), True),  # both ends included
        (amount("between", [60000.01, 70000]), False),
        (amount("in", [100, 60000]), True),
        (amount("not_in", [100, 60000]), False),
        ({"field": "supplier", "op": "eq", "value": "SUP-9"}, True),
        ({"field": "supplier", "op": "in", "value": ["SUP-1", "SUP-2"]}, False),
        ({"field": "location", "op": "ne", "value": "WH2"}, True),
        ({"field": "abc_class", "op": "in", "value": ["A", "B"]}, True),
        ({"field": "department", "op": "eq", "value": "purchasing"}, True),
        ({"field": "requester", "op": "not_in", "value": ["chen.planner"]}, False),
        # Absent attributes: every comparison is false, `not` of it true, nothing raises.
        ({"field": "item_category", "op": "eq", "value": "spares"}, False),
        ({"field": "item_category", "op": "ne", "value": "spares"}, False),
        ({"not": {"field": "item_category", "op": "eq", "value": "spares"}}, True),
        ({"all": [amount("gt", 50000), {"field": "supplier", "op": "eq", "value": "SUP-9"}]}, True),
        ({"all": [amount("gt", 50000), {"field": "abc_class", "op": "eq", "value": "C"}]}, False),
        ({"any": [amount("gt", 90000), {"field": "abc_class", "op": "eq", "value": "A"}]}, True),
        ({"not": {"any": [amount("lt", 10), amount("gt", 100000)]}}, True),
    ],
)
def test_conditions_over_a_purchase_requisition(condition: dict[str, Any], expected: bool) -> None:
    assert holds(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "location", "op": "eq", "value": "WH2-B"}, True),  # one of the lines
        ({"field": "location", "op": "ne", "value": "WH2-B"}, False),  # none may be it
        ({"field": "location", "op": "not_in", "value": ["WH9"]}, True),
        ({"field": "item_category", "op": "eq", "value": "spares"}, True),
        ({"field": "supplier", "op": "eq", "value": "SUP-9"}, False),  # a count has none
        ({"field": "department", "op": "eq", "value": "warehouse"}, True),
    ],
)
def test_conditions_over_a_stock_count_with_several_lines(
    condition: dict[str, Any], expected: bool
) -> None:
    assert holds(condition, COUNT) is expected


def test_unusable_details_are_left_out_never_an_error() -> None:
    odd = {"supplier_id": {"nested": 1}, "location": "", "abc_class": True, "lines": "x"}
    attributes = domain.request_attributes(D(1), "d", "r", odd)
    assert set(attributes) == {"amount", "department", "requester"}
    assert not holds({"field": "supplier", "op": "ne", "value": "SUP-9"}, attributes)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"field": "colour", "op": "eq", "value": "red"}, "c.field"),
        ({"field": "supplier", "op": "gt", "value": "SUP-9"}, "c.op"),
        (amount("gt", "lots"), "c.value"),
        (amount("between", [10, 5]), "c.value"),
        (amount("in", []), "c.value"),
        ({"field": "abc_class", "op": "eq", "value": "D"}, "c.value"),
        ({"field": "amount", "op": "eq", "value": 1, "unit": "CNY"}, "c.unit"),
        ({"all": []}, "c.all"),
        ({"any": [amount("gt", 1), {"field": "x", "op": "eq", "value": 1}]}, "c.any.1.field"),
        ({"not": {"all": [{"field": "amount", "op": "like", "value": 1}]}}, "c.not.all.0.op"),
        ({"all": [amount("gt", 1)], "any": [amount("gt", 1)]}, "c"),
        ("amount > 5", "c"),
    ],
)
def test_a_bad_condition_names_its_field_path(raw: Any, field: str) -> None:
    condition, problems = domain.parse_condition(raw, "c")
    assert condition is None
    assert [f for f, _ in problems] == [field]


def test_a_condition_reads_back_as_it_was_written() -> None:
    raw = {"all": [amount("between", [0, "100.5"]), {"not": {"field": "location", "op": "in",
           "value": ["WH1"]}}]}  # fmt: skip
    condition, _ = domain.parse_condition(raw, "c")
    assert condition is not None
    assert domain.conditions.condition_record(condition) == raw


def role(name: str) -> AssigneeRule:
    return AssigneeRule("role", role=name)


def people(*logins: str) -> AssigneeRule:
    return AssigneeRule("people", logins=logins)


def flow(*branches: Branch) -> Flow:
    return Flow("f", "purchase_requisition", "F", branches)


def test_the_first_matching_branch_wins_and_the_default_catches_the_rest() -> None:
    big, _ = domain.parse_condition(amount("gt", 50000), "c")
    a_class, _ = domain.parse_condition({"field": "abc_class", "op": "eq", "value": "A"}, "c")
    chosen = flow(
        Branch((Step((people("cfo"),)),), big),
        Branch((Step((people("buyer"),)),), a_class),
        Branch((Step((role("department_manager"),)),)),
    )
    small = domain.request_attributes(D(10), "d", "r", {"abc_class": "A"})
    plain = domain.request_attributes(D(10), "d", "r", {})
    assert [s.assignees for s in chosen.steps_for(PURCHASE)] == [(people("cfo"),)]
    assert [s.assignees for s in chosen.steps_for(small)] == [(people("buyer"),)]
    assert [s.role for s in chosen.steps_for(plain)] == ["department_manager"]


def test_the_seed_flow_as_branches_by_amount() -> None:
    seed = legacy_flow(
        "purchase-requisition",
        "purchase_requisition",
        "采购申请审批",
        [
            FlowStep("department_manager", time_limit_hours=24),
            FlowStep("finance_director", min_amount_exclusive=D(50000), time_limit_hours=48),
        ],
    )
    over, default = seed.definition()
    assert over["condition"] == amount("gt", 50000) and default["condition"] is None
    assert [s["assignees"][0]["role"] for s in over["steps"]] == [
        "department_manager",
        "finance_director",
    ]
    assert [s["time_limit_hours"] for s in default["steps"]] == [24]
    assert domain.flow_problems(seed) == []


def test_middle_bands_become_ranges() -> None:
    branches = domain.branches_by_amount(
        [FlowStep("a"), FlowStep("b", D(10), D(20)), FlowStep("c", D(20))]
    )
    assert [b.record()["condition"] for b in branches] == [
        amount("gt", 20),
        {"all": [amount("gt", 10), amount("le", 20)]},
        None,
    ]
    assert [[s.role for s in b.steps] for b in branches] == [["a", "c"], ["a", "b"], ["a"]]


GOOD_STEP = Step((role("department_manager"),))


@pytest.mark.parametrize(
    ("branches", "field"),
    [
        ((), "branches"),
        ((Branch(()),), "branches.0.steps"),
        ((Branch((Step(()),)),), "branches.0.steps.0.assignees"),
        ((Branch((GOOD_STEP,)), Branch((GOOD_STEP,))), "branches.0.condition"),
        ((Branch((Step((people("a", "b"),)),)),), "branches.0.steps.0.assignees"),
        ((Branch((Step((role("x"), people("a")), "all_of"),)),), None),
        (
            (Branch((Step((people("a", "a"),), "any_of"),)),),
            "branches.0.steps.0.assignees.0.logins",
        ),
        (
            (Branch((Step((people("a"), people("a")), "any_of"),)),),
            "branches.0.steps.0.assignees.1",
        ),
        ((Branch((Step((AssigneeRule("role"),)),)),), "branches.0.steps.0.assignees.0.role"),
        ((Branch((Step((AssigneeRule("people"),)),)),), "branches.0.steps.0.assignees.0.logins"),
        (
            (Branch((Step((AssigneeRule("manager_chain", level=11),)),)),),
            "branches.0.steps.0.assignees.0.level",
        ),
        (
            (Branch((Step((people("a"),), time_limit_hours=0),)),),
            "branches.0.steps.0.time_limit_hours",
        ),
        (
            (Branch((Step((people("a"),), time_limit_hours=1, time_limit_minutes=5),)),),
            "branches.0.steps.0.time_limit_minutes",
        ),
        ((Branch((Step((people("a"),), "all_of"),)),), None),  # all_of with one is fine
    ],
)
def test_flow_problems_name_the_field(branches: tuple[Branch, ...], field: str | None) -> None:
    problems = domain.flow_problems(flow(*branches))
    assert [f for f, _ in problems] == ([] if field is None else [field])


def test_a_conditioned_last_branch_leaves_no_default() -> None:
    big, _ = domain.parse_condition(amount("gt", 1), "c")
    problems = domain.flow_problems(
        flow(Branch((GOOD_STEP,), big, "big"), Branch((GOOD_STEP,), big, "big"))
    )
    assert [f for f, _ in problems] == ["branches.1.condition", "branches.1.name"]


def test_steps_resolve_to_role_holders_the_manager_chain_and_named_people() -> None:
    holders = {"buyer": ["b.one", "b.two"], "cfo": ["c.one"]}
    chain = ["m.one", "m.two"]
    rules = (
        role("buyer"),
        AssigneeRule("manager_chain", level=2),
        AssigneeRule("manager_chain", level=3),  # beyond the chain: nobody
        people("b.two", "p.one"),
    )
    assert domain.resolve(rules, holders, chain, lambda login: login != "b.one") == (
        "b.two",
        "m.two",
        "p.one",
    )
    assert domain.resolve((role("nobody"),), holders, chain, lambda _: True) == ()


def test_only_a_single_role_step_stays_with_its_role() -> None:
    def task(mode: domain.StepMode, *rules: AssigneeRule) -> domain.Task:
        return domain.Task(1, "r", mode=mode, rules=rules)

    assert domain.stays_with_role(task("single", role("a")))
    assert domain.stays_with_role(task("any_of", role("a")))
    assert not domain.stays_with_role(task("all_of", role("a")))
    assert not domain.stays_with_role(task("single", people("x")))
    assert not domain.stays_with_role(task("any_of", role("a"), role("b")))
