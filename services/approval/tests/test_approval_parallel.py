"""Countersign (all_of) and or-sign (any_of) steps on their own: who must approve, approving
twice, a rejection, the outcome's decisions, transfer and escalation of a countersign step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from approval import domain
from approval.domain import ApprovalInstance, AssigneeRule, Branch, Flow, Step, StepMode
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def started(mode: StepMode, *logins: str, then: str | None = None) -> ApprovalInstance:
    """A request whose first step is `mode` over `logins` (resolved as the handler does), and
    a second step for `then` when given."""
    steps = [Step((AssigneeRule("people", logins=logins),), mode, time_limit_hours=4)]
    if then is not None:
        steps.append(Step((AssigneeRule("people", logins=(then,)),)))
    flow = Flow("f", "capex", "F", (Branch(tuple(steps)),), version=3)
    request = ApprovalRequested(
        request_id="R-1",
        subject_type="capex",
        subject_id="C-1",
        amount=D(100),
        department="plant",
        requested_by="chen.planner",
        summary="a press",
    )
    instance = ApprovalInstance.start(request, flow, NOW)
    resolve_current(instance)
    return instance


def resolve_current(instance: ApprovalInstance) -> None:
    task = instance.current_task
    assert task is not None and task.unresolved
    chosen = domain.resolve(task.rules, {}, [], instance.may_be_decided_by)
    domain.assign(instance, task, chosen, "approval_admin")
    task.unresolved = False


def test_a_countersign_step_waits_for_every_assignee() -> None:
    instance = started("all_of", "a.one", "b.two", "c.three")
    assert (instance.flow_version, instance.tasks[0].assignees) == (
        3,
        ("a.one", "b.two", "c.three"),
    )
    instance.approve("a.one", [], NOW, "fine")
    instance.approve("c.three", [], LATER)
    task = instance.tasks[0]
    assert (instance.status, task.status, task.undecided()) == ("pending", "pending", ("b.two",))
    assert instance.events == []
    instance.approve("b.two", [], LATER, "ok")
    assert (instance.status, task.status) == ("approved", "approved")
    (granted,) = instance.events
    assert isinstance(granted, ApprovalGranted)
    assert [(s.approver, s.comment) for s in granted.steps] == [
        ("a.one", "fine"),
        ("c.three", None),
        ("b.two", "ok"),
    ]


def test_a_second_approval_of_the_same_person_is_refused() -> None:
    instance = started("all_of", "a.one", "b.two")
    instance.approve("a.one", [], NOW)
    with pytest.raises(domain.NotAuthorized, match="already approved step 1"):
        instance.approve("a.one", [], LATER)
    assert [v.login for v in instance.tasks[0].votes] == ["a.one"]
    assert not instance.can_act("a.one", [])
    assert instance.can_act("b.two", [])


def test_one_rejection_rejects_a_countersign_step() -> None:
    instance = started("all_of", "a.one", "b.two", then="d.four")
    instance.approve("a.one", [], NOW)
    instance.reject("b.two", [], LATER, "too dear")
    assert (instance.status, [t.status for t in instance.tasks]) == (
        "rejected",
        ["rejected", "cancelled"],
    )
    (rejected,) = instance.events
    assert isinstance(rejected, ApprovalRejected)
    assert [(s.approver, s.decision) for s in rejected.steps] == [
        ("a.one", "approved"),
        ("b.two", "rejected"),
    ]


def test_an_or_sign_step_is_decided_by_the_first_approval() -> None:
    instance = started("any_of", "a.one", "b.two", then="d.four")
    instance.approve("b.two", [], NOW)
    first, second = instance.tasks
    assert (first.status, first.approver, second.status) == ("approved", "b.two", "pending")
    assert second.unresolved  # the next step's people are resolved when it becomes pending
    with pytest.raises(domain.NotAuthorized):
        instance.approve("a.one", [], LATER)  # step 2 is d.four's


def test_nobody_approves_two_steps_even_after_a_countersign() -> None:
    instance = started("all_of", "a.one", "b.two", then="a.one")
    instance.approve("a.one", [], NOW)
    instance.approve("b.two", [], NOW)
    task = instance.current_task
    assert task is not None
    chosen = domain.resolve(task.rules, {}, [], instance.may_be_decided_by)
    domain.assign(instance, task, chosen, "approval_admin")
    # a.one approved step 1, so step 2 (named to a.one) goes to the fallback role.
    assert (task.assignees, task.role) == ((), "approval_admin")
    assert instance.new_audit[-1].action == "unassigned"


def test_transferring_a_countersign_part_keeps_the_others() -> None:
    instance = started("all_of", "a.one", "b.two")
    domain.transfer(instance, "b.two", [], "e.five", "on leave", NOW)
    assert instance.tasks[0].assignees == ("a.one", "e.five")
    with pytest.raises(domain.InvalidInput) as refused:
        domain.transfer(instance, "a.one", [], "e.five", None, NOW)
    assert refused.value.field == "to"


def test_escalation_of_a_countersign_step_hands_on_only_the_undecided_part() -> None:
    instance = started("all_of", "a.one", "b.two", "c.three")
    instance.approve("a.one", [], NOW)
    task = instance.tasks[0]
    undecided = list(task.undecided())
    target = domain.escalation_target(task, [], ["boss"], "approval_admin")
    domain.escalate(instance, task, undecided, target, LATER)
    assert task.assignees == ("a.one", "boss")
    escalated = instance.events[-1]
    assert isinstance(escalated, ApprovalEscalated)
    assert (escalated.from_approver, escalated.to_approver) == ("b.two, c.three", "boss")
    instance.approve("boss", [], LATER)
    assert instance.status == "approved"
