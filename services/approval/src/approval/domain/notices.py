"""Who is told what about a request (pure): from how an instance changed in one transaction,
the notices to send.

Whoever may act on a task through a running delegation covering the request's flow is told of
it as well (`new_task`, `reminder`, `escalation`).

- a step became pending for new people (a request started, the previous step approved, a
  resubmission, a transfer): `new_task` to each assignee;
- a reminder fell due (`ApprovalReminderDue`): `reminder` to the assignees;
- a step escalated (`ApprovalEscalated`): `escalation` to the new assignees (or the holders of
  the new role) and `escalated_away` to the old ones;
- the request was granted or rejected: `decision` to the requester.

Role-based assignees are resolved by the adapter (the holders of `to_role`, less `excluded`:
the requester and earlier approvers, who may not decide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalReminderDue,
)
from inventory_contracts.events.base import Event

from approval.domain.instances import ApprovalInstance
from approval.domain.tasks import Task

NoticeKind = Literal["new_task", "reminder", "escalation", "escalated_away", "decision"]
TASK_KINDS: frozenset[NoticeKind] = frozenset({"new_task", "reminder", "escalation"})
"""The notices that carry a link to the task (the recipient may decide it)."""


@dataclass(frozen=True)
class Snapshot:
    """What of an instance decides who is told: its status and its pending step's people."""

    status: str
    version: int
    step_no: int | None
    role: str | None
    assignees: tuple[str, ...]
    escalated: bool


def snapshot(instance: ApprovalInstance) -> Snapshot:
    task = instance.current_task
    return Snapshot(
        status=instance.status,
        version=instance.version,
        step_no=task.step_no if task else None,
        role=task.role if task else None,
        assignees=task.assignees if task else (),
        escalated=task is not None and task.escalated_at is not None,
    )


@dataclass(frozen=True)
class Notice:
    """One message to send: of which kind, about which step, to named people or a role."""

    kind: NoticeKind
    request_id: str
    step_no: int | None
    to: tuple[str, ...] = ()
    to_role: str | None = None
    department: str = ""
    excluded: frozenset[str] = frozenset()
    facts: dict[str, str] = field(default_factory=dict)
    flow_id: str | None = None
    """The request's flow: a delegation covering it lets the delegate act (and be told)."""


def facts_of(instance: ApprovalInstance, task: Task | None) -> dict[str, str]:
    """What a message says about the request (all strings, for the templates)."""
    facts = {
        "subject_type": instance.subject_type,
        "subject_id": instance.subject_id,
        "summary": instance.summary,
        "amount": f"{instance.amount:,.2f}",
        "currency": instance.currency,
        "requested_by": instance.requested_by,
        "status": instance.status,
    }
    if task is not None:
        facts["step_no"] = str(task.step_no)
        facts["role"] = task.role
        if task.due_at is not None:
            facts["due_at"] = _minute(task.due_at)
    if instance.decision_reason:
        facts["reason"] = instance.decision_reason
    if instance.decided_by:
        facts["decided_by"] = instance.decided_by
    return facts


def _minute(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _excluded(instance: ApprovalInstance) -> frozenset[str]:
    """Who may not decide the request's current step: the requester and whoever approved an
    earlier step (in person or through a delegate)."""
    earlier = {
        login
        for t in instance.tasks
        if t.status == "approved"
        for login in (t.approver, t.on_behalf_of)
        if login is not None
    }
    return frozenset({instance.requested_by, *earlier})


def _split(logins: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (logins or "").split(",") if p.strip())


def notices(
    before: Snapshot | None, instance: ApprovalInstance, events: list[Event]
) -> list[Notice]:
    """The notices `instance`'s change since `before` (None: it is new) and the `events` it
    recorded cause."""
    task = instance.current_task
    step_no = task.step_no if task is not None else None
    facts = facts_of(instance, task)
    excluded = _excluded(instance)

    def notice(kind: NoticeKind, to: tuple[str, ...], to_role: str | None = None) -> Notice:
        return Notice(kind, instance.request_id, step_no, to, to_role, instance.department,
                      excluded, facts, instance.flow_id)  # fmt: skip

    found: list[Notice] = []
    escalated = False
    for event in events:
        if isinstance(event, ApprovalReminderDue):
            found.append(notice("reminder", event.assignees))
        elif isinstance(event, ApprovalEscalated) and task is not None:
            escalated = True
            new = _split(event.to_approver)
            found.append(notice("escalation", new, event.to_role))
            old = tuple(p for p in _split(event.from_approver) if p not in new)
            if old:
                found.append(notice("escalated_away", old))
        elif isinstance(event, ApprovalGranted | ApprovalRejected):
            requester = (instance.requested_by,)
            decided = facts_of(instance, None)
            found.append(Notice("decision", instance.request_id, None, requester, facts=decided))
    if task is not None and not escalated and _newly_pending(before, snapshot(instance)):
        found.append(notice("new_task", task.assignees, None if task.assignees else task.role))
    return found


def _newly_pending(before: Snapshot | None, after: Snapshot) -> bool:
    """Whether the pending step now waits on other people than before."""
    if after.status != "pending" or after.step_no is None:
        return False
    if before is None or before.status != "pending":
        return True
    return (before.version, before.step_no, before.role, before.assignees) != (
        after.version,
        after.step_no,
        after.role,
        after.assignees,
    )


class NoticeWatch:
    """The instances a transaction touched, as they were when first seen, and the events they
    recorded since: `take` gives the notices their change causes."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Snapshot | None, ApprovalInstance, list[Event]]] = {}

    def track(self, *instances: ApprovalInstance) -> None:
        for instance in instances:
            if id(instance) not in self._seen:
                # an instance being added has just started: before, there was nothing
                before = None if _is_new(instance) else snapshot(instance)
                self._seen[id(instance)] = (before, instance, [])

    def note_events(self) -> None:
        """Remember the events recorded so far (the unit of work is about to take them)."""
        for _, instance, events in self._seen.values():
            events.extend(e for e in instance.events if e not in events)

    def take(self) -> list[Notice]:
        found = [n for b, i, e in self._seen.values() for n in notices(b, i, e)]
        self._seen = {}
        return found


def _is_new(instance: ApprovalInstance) -> bool:
    return any(entry.action == "requested" for entry in instance.new_audit)
