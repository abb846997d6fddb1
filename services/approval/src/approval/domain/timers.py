"""Time limits that act (pure): when a step's timers fall due, and whom an overdue step goes to.

A pending step with a time limit has two timers: a reminder at a share of the limit and the
escalation at the limit. A countersign (`all_of`) step escalates the part of the assignees who
have not approved yet; escalated to a role, one holder then decides the rest. Escalation happens
once per step: the escalated step keeps its due
time but starts no new limit, so it never escalates again. The target, in order: the holders
of the step's `escalation_role`; else the managers of its assignees (from the people
directory); else the fallback role (the `APPROVAL_ESCALATION_FALLBACK_ROLE` setting).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from inventory_contracts.events.approvals import ApprovalEscalated, ApprovalReminderDue

from approval.domain.instances import ApprovalInstance, AuditEntry
from approval.domain.tasks import Task

TIMER_ACTOR: Final = "system:approval-timers"
TimerKind = Literal["reminder", "escalation"]


@dataclass(frozen=True)
class Timer:
    """One timer of a step: fires once when `due_at` has passed."""

    request_id: str
    step_no: int
    kind: TimerKind
    due_at: datetime


def timers_for(request_id: str, task: Task, reminder_share: float) -> list[Timer]:
    """The timers a pending, limited, not yet escalated task runs; none for any other task."""
    if not task.runs_timers or task.activated_at is None or task.due_at is None:
        return []
    reminder_at = task.activated_at + (task.due_at - task.activated_at) * reminder_share
    return [
        Timer(request_id, task.step_no, "reminder", reminder_at),
        Timer(request_id, task.step_no, "escalation", task.due_at),
    ]


@dataclass(frozen=True)
class EscalationTarget:
    """Whom an overdue step goes to: named people (`assignees`), or the holders of `role`."""

    assignees: tuple[str, ...] = ()
    role: str | None = None
    reason: str = ""


def escalation_target(
    task: Task,
    escalation_role_holders: Iterable[str],
    managers: Iterable[str],
    fallback_role: str,
) -> EscalationTarget:
    """The target of `task`'s escalation. Holders and managers come already filtered of the
    people who may not decide (the requester, an approver of an earlier step)."""
    holders = sorted(set(escalation_role_holders))
    if task.escalation_role is not None and holders:
        reason = f"overdue: handed to role {task.escalation_role!r}, the step's escalation role"
        return EscalationTarget(role=task.escalation_role, reason=reason)
    bosses = tuple(sorted(set(managers)))
    if bosses:
        return EscalationTarget(
            assignees=bosses, reason="overdue: handed to the assignees' manager"
        )
    return EscalationTarget(
        role=fallback_role,
        reason=f"overdue: no escalation role holder or manager known; handed to {fallback_role!r}",
    )


def remind(instance: ApprovalInstance, task: Task, assignees: Iterable[str], now: datetime) -> None:
    """Record the reminder of `task`: `ApprovalReminderDue` and a timeline entry."""
    assert task.due_at is not None, "only a limited task has a reminder"
    people = tuple(sorted(set(assignees)))
    instance.new_audit.append(
        AuditEntry(
            "reminded", TIMER_ACTOR, now, task.step_no, ", ".join(people) or None, instance.version
        )
    )
    instance.events.append(
        ApprovalReminderDue(
            request_id=instance.request_id,
            subject_type=instance.subject_type,
            subject_id=instance.subject_id,
            step_no=task.step_no,
            step_role=task.role,
            assignees=people,
            due_at=task.due_at,
        )
    )


def escalate(
    instance: ApprovalInstance,
    task: Task,
    current: Iterable[str],
    target: EscalationTarget,
    now: datetime,
) -> None:
    """Hand `task` to `target` once: its assignees change, `ApprovalEscalated` is recorded with
    the old and new assignees, and the timeline says why."""
    assert task.due_at is not None, "only a limited task escalates"
    before = tuple(sorted(set(current)))
    step_role = task.role
    if target.role is not None:
        task.role, task.assignees = target.role, ()
    elif task.mode == "all_of":
        # Countersign: those who approved keep their part; the undecided ones' goes up.
        done = [a for a in task.assignees if a not in task.undecided()]
        task.assignees = tuple(dict.fromkeys([*done, *target.assignees]))
    else:
        task.assignees = target.assignees
    task.escalated_at = now
    to = target.role if target.role is not None else ", ".join(target.assignees)
    instance.new_audit.append(
        AuditEntry(
            "escalated",
            TIMER_ACTOR,
            now,
            task.step_no,
            f"{target.reason} (to {to})",
            instance.version,
        )
    )
    instance.events.append(
        ApprovalEscalated(
            request_id=instance.request_id,
            subject_type=instance.subject_type,
            subject_id=instance.subject_id,
            step_role=step_role,
            from_approver=", ".join(before) or None,
            to_approver=", ".join(target.assignees) or None,
            to_role=target.role,
            overdue_since=task.due_at,
            reason=target.reason,
        )
    )
