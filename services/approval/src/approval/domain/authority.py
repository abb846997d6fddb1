"""Who may decide a step (pure): an assignee of it, in person or through a delegate.

A step is decided by its named assignees (after an escalation or a transfer) or else by the
holders of its role for the request's department (or for every department, ``"*"``). Nobody
decides a request they requested, and nobody approves two steps of one request (four eyes);
both hold for a delegate and for the person they act for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from approval.domain.approvers import Assignment
from approval.domain.tasks import Task


class Request(Protocol):
    """What the rules read of a request."""

    @property
    def department(self) -> str: ...

    @property
    def requested_by(self) -> str: ...

    @property
    def tasks(self) -> Sequence[Task]: ...


def approved_earlier(request: Request, login: str) -> bool:
    """Whether `login` approved a step of `request`, in person or through a delegate."""
    return any(t.decided_by(login) for t in request.tasks)


def refusal(
    request: Request,
    task: Task,
    actor: str,
    assignments: Iterable[Assignment],
    acting_for: str | None = None,
) -> str | None:
    """Why `actor` may not decide `task` (for `acting_for`, whose `assignments` these are, when
    a delegate acts); None when they may."""
    decider = acting_for or actor
    for login in dict.fromkeys((actor, decider)):
        if login == request.requested_by:
            return f"{login} requested this approval; a requester never decides their own request"
    held = [a for a in assignments if a.approver_id == decider]
    if task.assignees:
        if decider not in task.assignees:
            how = "escalated" if task.escalated_at is not None else "assigned"
            return (
                f"{decider} is not an assignee of step {task.step_no}: it was {how} to "
                f"{', '.join(task.assignees)}"
            )
    elif not held:
        return (
            f"{decider} is not an approver: step {task.step_no} is assigned to the holders of "
            f"role {task.role!r} for department {request.department!r}"
        )
    elif not any(a.covers(task.role, request.department) for a in held):
        return (
            f"{decider} does not hold role {task.role!r} for department "
            f"{request.department!r}, which step {task.step_no} requires"
        )
    for login in dict.fromkeys((actor, decider)):
        if task.decided_by(login):
            return (
                f"{login} already approved step {task.step_no}; each assignee of a "
                "countersign step approves once"
            )
    for login in dict.fromkeys((actor, decider)):
        if approved_earlier(request, login):
            return (
                f"{login} already approved an earlier step of this request; "
                f"step {task.step_no} needs another approver"
            )
    return None
