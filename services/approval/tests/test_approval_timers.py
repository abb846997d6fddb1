"""The timer rules (pure): when a step's timers fall due, whom an overdue step goes to, and who
may decide it after escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from approval.domain import (
    ApprovalInstance,
    Assignment,
    FlowStep,
    NotAuthorized,
    escalate,
    escalation_target,
    legacy_flow,
    legacy_step_problems,
    remind,
    timers_for,
)
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalReminderDue,
    ApprovalRequested,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
WANG = Assignment("wang.manager", "Wang", "department_manager", "*")
FALLBACK = "approval_admin"


def started(**step: object) -> ApprovalInstance:
    flow = legacy_flow("f", "purchase_requisition", "F", (FlowStep("department_manager", **step),))  # type: ignore[arg-type]
    request = ApprovalRequested(
        request_id="R-1",
        subject_type="purchase_requisition",
        subject_id="PR-1",
        amount=D(100),
        department="purchasing",
        requested_by="replenishment",
        summary="tea",
    )
    return ApprovalInstance.start(request, flow, NOW)


def test_a_limit_in_minutes_gives_a_reminder_at_the_share_and_an_escalation_at_the_limit() -> None:
    instance = started(time_limit_minutes=10)
    task = instance.tasks[0]

    reminder, escalation = timers_for("R-1", task, 0.5)

    assert task.due_at == NOW + timedelta(minutes=10)
    assert (reminder.kind, reminder.due_at) == ("reminder", NOW + timedelta(minutes=5))
    assert (escalation.kind, escalation.due_at) == ("escalation", NOW + timedelta(minutes=10))
    assert timers_for("R-1", started(time_limit_hours=2).tasks[0], 0.25)[
        0
    ].due_at == NOW + timedelta(minutes=30)


def test_no_timers_without_a_limit_once_decided_or_once_escalated() -> None:
    assert timers_for("R-1", started().tasks[0], 0.5) == []
    decided = started(time_limit_minutes=10)
    decided.approve("wang.manager", [WANG], NOW)
    assert timers_for("R-1", decided.tasks[0], 0.5) == []
    escalated = started(time_limit_minutes=10)
    task = escalated.tasks[0]
    escalate(
        escalated, task, ["wang.manager"], escalation_target(task, [], ["boss"], FALLBACK), NOW
    )
    assert timers_for("R-1", task, 0.5) == []


def test_hours_and_minutes_together_are_a_field_problem() -> None:
    problems = legacy_step_problems([FlowStep("x", time_limit_hours=1, time_limit_minutes=5)])

    assert [field for field, _ in problems] == ["steps.0.time_limit_minutes"]


@pytest.mark.parametrize(
    ("escalation_role", "holders", "managers", "expected"),
    [
        ("finance_director", ["li.finance"], ["boss"], ((), "finance_director")),
        ("finance_director", [], ["boss"], (("boss",), None)),
        (None, [], ["zz.boss", "boss", "boss"], (("boss", "zz.boss"), None)),
        (None, [], [], ((), FALLBACK)),
    ],
    ids=["escalation role", "role nobody holds: manager", "managers", "fallback"],
)
def test_escalation_target_prefers_the_role_then_managers_then_the_fallback(
    escalation_role: str | None,
    holders: list[str],
    managers: list[str],
    expected: tuple[tuple[str, ...], str | None],
) -> None:
    task = started(time_limit_minutes=1, escalation_role=escalation_role).tasks[0]

    target = escalation_target(task, holders, managers, FALLBACK)

    assert (target.assignees, target.role) == expected
    assert target.reason.startswith("overdue")


def test_after_escalation_to_a_manager_only_the_manager_decides() -> None:
    instance = started(time_limit_minutes=1)
    task = instance.tasks[0]
    target = escalation_target(task, [], ["chen.boss"], FALLBACK)

    escalate(instance, task, ["wang.manager"], target, NOW + timedelta(minutes=1))

    assert not instance.can_act("wang.manager", [WANG])
    with pytest.raises(NotAuthorized, match=r"escalated to chen\.boss"):
        instance.approve("wang.manager", [WANG], NOW)
    assert instance.can_act("chen.boss", [])
    (event,) = instance.events
    assert isinstance(event, ApprovalEscalated)
    assert (event.from_approver, event.to_approver, event.to_role) == (
        "wang.manager",
        "chen.boss",
        None,
    )
    assert event.reason == target.reason and "manager" in (event.reason or "")
    assert instance.new_audit[-1].action == "escalated"
    instance.approve("chen.boss", [], NOW + timedelta(minutes=2))
    assert instance.status == "approved"


def test_escalation_to_a_role_hands_the_step_to_its_holders() -> None:
    instance = started(time_limit_minutes=1, escalation_role="finance_director")
    task = instance.tasks[0]
    li = Assignment("li.finance", "Li", "finance_director", "*")

    escalate(
        instance, task, ["wang.manager"], escalation_target(task, ["li.finance"], [], FALLBACK), NOW
    )

    assert not instance.can_act("wang.manager", [WANG])
    assert instance.can_act("li.finance", [li])
    assert instance.events[0].to_role == "finance_director"  # type: ignore[attr-defined]


def test_a_reminder_names_the_assignees_and_the_due_time() -> None:
    instance = started(time_limit_minutes=10)

    remind(instance, instance.tasks[0], ["wang.manager"], NOW + timedelta(minutes=5))

    (event,) = instance.events
    assert isinstance(event, ApprovalReminderDue)
    assert (event.step_no, event.assignees, event.due_at) == (
        1,
        ("wang.manager",),
        NOW + timedelta(minutes=10),
    )
    assert instance.new_audit[-1].action == "reminded"
