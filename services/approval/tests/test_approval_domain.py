"""Approval rules on their own: step selection by amount, who may act, and the outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from approval import domain
from approval.domain import ApprovalInstance, Assignment, FlowStep, legacy_flow
from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
FLOW = legacy_flow(
    "purchase-requisition",
    "purchase_requisition",
    "Purchase requisitions",
    (
        FlowStep("department_manager", time_limit_hours=24),
        FlowStep("finance_director", min_amount_exclusive=D(50000)),
    ),
)
PEOPLE = [
    Assignment("wang.manager", "Wang", "department_manager", "*"),
    Assignment("li.finance", "Li", "finance_director", "*"),
    Assignment("zhao.ops", "Zhao", "department_manager", "operations"),
    Assignment("boss", "Boss", "department_manager", "*"),
    Assignment("boss", "Boss", "finance_director", "*"),
]


def request(amount: str, department: str = "purchasing") -> ApprovalRequested:
    return ApprovalRequested(
        request_id="APR-1",
        subject_type="purchase_requisition",
        subject_id="REQ-1",
        amount=D(amount),
        department=department,
        requested_by="replenishment",
        summary="restock",
    )


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        ("0", ["department_manager"]),
        ("50000", ["department_manager"]),
        ("50000.00", ["department_manager"]),
        ("50000.01", ["department_manager", "finance_director"]),
        ("1000000", ["department_manager", "finance_director"]),
    ],
)
def test_default_flow_steps_by_amount(amount: str, roles: list[str]) -> None:
    attributes = domain.request_attributes(D(amount), "purchasing", "replenishment", {})
    assert [step.role for step in FLOW.steps_for(attributes)] == roles


def test_step_with_both_bounds() -> None:
    step = FlowStep("x", min_amount_exclusive=D(10), max_amount_inclusive=D(20))
    assert [step.applies_to(D(a)) for a in ("10", "10.01", "20", "20.01")] == [
        False,
        True,
        True,
        False,
    ]


def test_flow_problems_name_the_fields() -> None:
    assert domain.legacy_step_problems([]) == [("steps", "a flow needs at least one step")]
    bad = [FlowStep("x"), FlowStep("y", min_amount_exclusive=D(5), max_amount_inclusive=D(5))]
    found = domain.legacy_step_problems(bad)
    assert [field for field, _ in found] == ["steps.1.max_amount_inclusive"]


def test_start_activates_the_first_step_with_its_due_time() -> None:
    instance = ApprovalInstance.start(request("60000"), FLOW, NOW)
    assert [(t.role, t.status) for t in instance.tasks] == [
        ("department_manager", "pending"),
        ("finance_director", "waiting"),
    ]
    assert instance.tasks[0].due_at == NOW + timedelta(hours=24)
    assert instance.events == []
    assert [a.action for a in instance.new_audit] == ["requested"]


def test_single_step_approval_grants_with_the_step() -> None:
    instance = ApprovalInstance.start(request("50000"), FLOW, NOW)
    instance.approve("wang.manager", PEOPLE, NOW, "ok")
    assert instance.status == "approved"
    (granted,) = instance.events
    assert isinstance(granted, ApprovalGranted)
    assert granted.decided_by == "wang.manager"
    assert [(s.role, s.approver, s.decision, s.comment) for s in granted.steps] == [
        ("department_manager", "wang.manager", "approved", "ok")
    ]


def test_two_steps_first_approval_advances_without_event() -> None:
    instance = ApprovalInstance.start(request("50000.01"), FLOW, NOW)
    instance.approve("wang.manager", PEOPLE, NOW)
    assert instance.status == "pending"
    assert instance.events == []
    assert instance.current_task is not None and instance.current_task.role == "finance_director"
    instance.approve("li.finance", PEOPLE, NOW + timedelta(hours=1))
    (granted,) = instance.events
    assert isinstance(granted, ApprovalGranted)
    assert [s.approver for s in granted.steps] == ["wang.manager", "li.finance"]


def test_wrong_role_may_not_act() -> None:
    instance = ApprovalInstance.start(request("100"), FLOW, NOW)
    with pytest.raises(domain.NotAuthorized, match="department_manager"):
        instance.approve("li.finance", PEOPLE, NOW)
    with pytest.raises(domain.NotAuthorized, match="not an approver"):
        instance.approve("nobody", PEOPLE, NOW)
    assert instance.status == "pending" and instance.events == []


def test_department_bound_role_covers_only_its_department() -> None:
    elsewhere = ApprovalInstance.start(request("100", "purchasing"), FLOW, NOW)
    with pytest.raises(domain.NotAuthorized):
        elsewhere.approve("zhao.ops", PEOPLE, NOW)
    own = ApprovalInstance.start(request("100", "operations"), FLOW, NOW)
    own.approve("zhao.ops", PEOPLE, NOW)
    assert own.status == "approved"


def test_one_person_may_not_approve_two_steps() -> None:
    instance = ApprovalInstance.start(request("90000"), FLOW, NOW)
    instance.approve("boss", PEOPLE, NOW)
    assert not instance.can_act("boss", PEOPLE)
    with pytest.raises(domain.NotAuthorized, match="earlier step"):
        instance.approve("boss", PEOPLE, NOW)


def test_acting_on_a_decided_request_is_a_conflict() -> None:
    instance = ApprovalInstance.start(request("100"), FLOW, NOW)
    instance.approve("wang.manager", PEOPLE, NOW)
    with pytest.raises(domain.AlreadyDecided):
        instance.approve("wang.manager", PEOPLE, NOW)
    with pytest.raises(domain.AlreadyDecided):
        instance.reject("wang.manager", PEOPLE, NOW, "too late")


def test_reject_needs_a_reason_and_ends_the_request() -> None:
    instance = ApprovalInstance.start(request("90000"), FLOW, NOW)
    with pytest.raises(domain.ReasonRequired):
        instance.reject("wang.manager", PEOPLE, NOW, "  ")
    instance.approve("wang.manager", PEOPLE, NOW)
    instance.reject("li.finance", PEOPLE, NOW, "over budget")
    (rejected,) = instance.events
    assert isinstance(rejected, ApprovalRejected)
    assert rejected.reason == "over budget"
    assert [(s.approver, s.decision) for s in rejected.steps] == [
        ("wang.manager", "approved"),
        ("li.finance", "rejected"),
    ]
    assert instance.status == "rejected"


def test_reject_at_first_step_cancels_the_rest() -> None:
    instance = ApprovalInstance.start(request("90000"), FLOW, NOW)
    instance.reject("wang.manager", PEOPLE, NOW, "no")
    assert [t.status for t in instance.tasks] == ["rejected", "cancelled"]


def test_without_a_flow_the_request_is_rejected_by_the_service() -> None:
    instance = ApprovalInstance.start(request("10"), None, NOW)
    (rejected,) = instance.events
    assert isinstance(rejected, ApprovalRejected)
    assert "no approval flow" in rejected.reason
    assert instance.status == "rejected"


def test_when_no_step_applies_the_request_is_granted_by_rule() -> None:
    flow = legacy_flow(
        "f", "purchase_requisition", "f", (FlowStep("cfo", min_amount_exclusive=D(100)),)
    )
    instance = ApprovalInstance.start(request("10"), flow, NOW)
    (granted,) = instance.events
    assert isinstance(granted, ApprovalGranted) and granted.steps == ()


def test_a_requester_never_decides_their_own_request() -> None:
    own = request("100").model_copy(update={"requested_by": "wang.manager"})
    instance = ApprovalInstance.start(own, FLOW, NOW)
    assert not instance.can_act("wang.manager", PEOPLE)
    with pytest.raises(domain.NotAuthorized, match="never decides their own"):
        instance.approve("wang.manager", PEOPLE, NOW)
    with pytest.raises(domain.NotAuthorized, match="never decides their own"):
        instance.reject("wang.manager", PEOPLE, NOW, "no")
    assert [t.status for t in instance.tasks] == ["pending"]
    assert instance.events == []
    instance.approve("boss", PEOPLE, NOW)  # another holder of the role may
    assert [t.approver for t in instance.tasks] == ["boss"]
