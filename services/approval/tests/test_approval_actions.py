"""The rules of the actions on a request (pure): delegation, transfer, withdraw, reject and
resubmit, comments. Each refusal says why and leaves the request as it was."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from approval import domain
from approval.domain import (
    ApprovalInstance,
    Assignment,
    Delegation,
    FlowStep,
    InvalidInput,
    NotAuthorized,
    WrongStatus,
    legacy_flow,
)
from inventory_contracts.events.approvals import ApprovalRequested, ApprovalWithdrawn

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
FLOW = legacy_flow(
    "purchase-requisition",
    "purchase_requisition",
    "Purchase requisition approval",
    (
        FlowStep("department_manager", time_limit_hours=24, escalation_role="finance_director"),
        FlowStep("finance_director", min_amount_exclusive=D(50000)),
    ),
)
WANG = [Assignment("wang.manager", "Wang", "department_manager", "*")]
LI = [Assignment("li.finance", "Li", "finance_director", "*")]


def started(amount: str = "60000", requested_by: str = "chen.planner") -> ApprovalInstance:
    request = ApprovalRequested(
        request_id="APR-1",
        subject_type="purchase_requisition",
        subject_id="REQ-1",
        amount=D(amount),
        department="purchasing",
        requested_by=requested_by,
        summary="restock",
    )
    return ApprovalInstance.start(request, FLOW, NOW)


def unchanged_by(instance: ApprovalInstance, exc: type[Exception], action: object) -> str:
    before = copy.deepcopy(instance)
    with pytest.raises(exc) as refused:
        action()  # type: ignore[operator]
    assert instance == before
    return str(refused.value)


def test_a_delegate_approves_for_the_assignee_recorded_as_x_for_y() -> None:
    instance = started()
    instance.approve("zhou.deputy", WANG, NOW, "ok", acting_for="wang.manager")
    step = instance.tasks[0]
    assert (step.approver, step.on_behalf_of, step.status) == (
        "zhou.deputy",
        "wang.manager",
        "approved",
    )
    assert ("approved", "zhou.deputy for wang.manager") in [
        (e.action, e.actor) for e in instance.new_audit
    ]
    # four eyes: neither the delegate nor whom they acted for approves the next step
    assert not instance.may_be_decided_by("wang.manager")
    assert not instance.may_be_decided_by("zhou.deputy")


def test_a_delegate_never_approves_their_own_request() -> None:
    instance = started(requested_by="zhou.deputy")
    reason = unchanged_by(
        instance,
        NotAuthorized,
        lambda: instance.approve("zhou.deputy", WANG, NOW, acting_for="wang.manager"),
    )
    assert "never decides their own" in reason


def test_a_delegation_covers_its_window_and_scope_only() -> None:
    given = Delegation("D-1", "wang.manager", "zhou.deputy", NOW, NOW + timedelta(days=3))
    assert given.covers("purchase-requisition", NOW + timedelta(days=1))
    assert not given.covers("purchase-requisition", NOW - timedelta(seconds=1))
    assert not given.covers("purchase-requisition", NOW + timedelta(days=3))
    scoped = Delegation(
        "D-2", "wang.manager", "zhou.deputy", NOW, NOW + timedelta(days=3), ("stock-count",)
    )
    assert not scoped.covers("purchase-requisition", NOW)
    cancelled = given.cancel("wang.manager", NOW)
    assert not cancelled.covers("purchase-requisition", NOW + timedelta(hours=1))
    with pytest.raises(WrongStatus):
        cancelled.cancel("wang.manager", NOW)
    with pytest.raises(NotAuthorized, match="only the delegator"):
        given.cancel("zhou.deputy", NOW)


def test_a_delegation_goes_to_someone_else_for_a_future_window() -> None:
    later = NOW + timedelta(days=1)
    assert domain.delegation_problems("wang.manager", "wang.manager", NOW, later, NOW) == [
        ("to", "a delegation goes to someone else, not to oneself")
    ]
    assert [f for f, _ in domain.delegation_problems("a", "b", later, NOW, NOW)] == ["ends_at"]
    assert domain.delegation_problems("a", "b", NOW - timedelta(days=2), NOW, NOW) == [
        ("ends_at", "must be in the future")
    ]


def test_transfer_hands_the_step_to_one_person_who_alone_decides() -> None:
    instance = started()
    domain.transfer(instance, "wang.manager", WANG, "sun.manager", "on leave", NOW)
    assert instance.tasks[0].assignees == ("sun.manager",)
    assert instance.new_audit[-1].action == "transferred"
    assert instance.new_audit[-1].comment == "to sun.manager: on leave"
    with pytest.raises(NotAuthorized, match="not an assignee"):
        instance.approve("wang.manager", WANG, NOW)
    instance.approve("sun.manager", [], NOW)
    assert instance.tasks[0].approver == "sun.manager"


def test_transfer_is_refused_to_a_non_assignee_to_oneself_and_to_the_requester() -> None:
    instance = started()
    why = unchanged_by(
        instance, NotAuthorized, lambda: domain.transfer(instance, "li.finance", LI, "x", None, NOW)
    )
    assert "only an assignee" in why
    unchanged_by(
        instance,
        InvalidInput,
        lambda: domain.transfer(instance, "wang.manager", WANG, "wang.manager", None, NOW),
    )
    unchanged_by(
        instance,
        InvalidInput,
        lambda: domain.transfer(instance, "wang.manager", WANG, "chen.planner", None, NOW),
    )


def test_the_requester_withdraws_a_pending_request_and_nobody_else_may() -> None:
    instance = started()
    why = unchanged_by(
        instance, NotAuthorized, lambda: domain.withdraw(instance, "wang.manager", "no", NOW)
    )
    assert "only the requester (chen.planner)" in why
    unchanged_by(
        instance, InvalidInput, lambda: domain.withdraw(instance, "chen.planner", " ", NOW)
    )
    domain.withdraw(instance, "chen.planner", "demand fell", NOW)
    assert instance.status == "withdrawn"
    assert {t.status for t in instance.tasks} == {"cancelled"}
    (event,) = instance.events
    assert isinstance(event, ApprovalWithdrawn) and event.reason == "demand fell"
    with pytest.raises(WrongStatus):
        domain.withdraw(instance, "chen.planner", "again", NOW)


def test_a_rejection_needs_a_reason_and_goes_back_to_the_requester_who_resubmits() -> None:
    instance = started()
    unchanged_by(
        instance, domain.ReasonRequired, lambda: instance.reject("wang.manager", WANG, NOW, "")
    )
    why = unchanged_by(
        instance,
        WrongStatus,
        lambda: domain.resubmit(instance, "chen.planner", None, "again", NOW),
    )
    assert "still pending" in why
    domain.escalate(
        instance,
        instance.tasks[0],
        ["wang.manager"],
        domain.EscalationTarget(role="finance_director", reason="overdue"),
        NOW,
    )
    instance.reject("li.finance", LI, NOW, "too many boxes")
    assert instance.status == "rejected"
    unchanged_by(
        instance, NotAuthorized, lambda: domain.resubmit(instance, "li.finance", None, "x", NOW)
    )
    later = NOW + timedelta(hours=1)
    domain.resubmit(instance, "chen.planner", {"quantity": "80"}, "80 boxes", later)
    assert (instance.version, instance.status, instance.details) == (
        2,
        "pending",
        {"quantity": "80"},
    )
    first = instance.tasks[0]
    # the flow's role again (the escalation had changed it), a fresh limit
    assert (first.role, first.status, first.approver, first.escalated_at) == (
        "department_manager",
        "pending",
        None,
        None,
    )
    assert first.due_at == later + timedelta(hours=24)
    assert instance.new_audit[-1].action == "resubmitted" and instance.new_audit[-1].version == 2
    instance.approve("wang.manager", WANG, later)  # li's rejection of version 1 is no approval


def test_participants_are_the_requester_deciders_and_named_assignees() -> None:
    instance = started()
    instance.approve("zhou.deputy", WANG, NOW, acting_for="wang.manager")
    assert domain.participants(instance) == {"chen.planner", "zhou.deputy", "wang.manager"}
    domain.add_comment(instance, "chen.planner", "urgent, please", NOW)
    assert (instance.new_audit[-1].action, instance.new_audit[-1].step_no) == ("commented", 2)
    unchanged_by(instance, InvalidInput, lambda: domain.add_comment(instance, "x", "  ", NOW))
