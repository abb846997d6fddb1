"""What else happens to a request besides a decision (pure): transfer of the current step,
withdrawal and resubmission by the requester, and comments. Each lands on the timeline.

A transfer hands the current step to one named person (its assignees become ``[to]``; of a
countersign step, only the transferring assignee's part goes to them). The
requester withdraws a pending request (`ApprovalWithdrawn`, so the requesting service closes
its side) or resubmits a rejected one: a new version that starts again at step 1 with the steps
the request started with (its copy of the flow), the earlier versions' timeline kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from inventory_contracts.events.approvals import ApprovalWithdrawn

from approval.domain.approvers import Assignment
from approval.domain.authority import refusal
from approval.domain.errors import AlreadyDecided, InvalidInput, NotAuthorized, WrongStatus
from approval.domain.instances import ApprovalInstance, AuditEntry


def _required(field: str, text: str | None, what: str) -> str:
    if text is None or not text.strip():
        raise InvalidInput(field, f"{what} is required")
    return text.strip()


def _note(instance: ApprovalInstance, action: str, actor: str, now: datetime, text: str) -> None:
    step = instance.current_task or (instance.tasks[-1] if instance.tasks else None)
    step_no = step.step_no if step is not None else None
    instance.new_audit.append(AuditEntry(action, actor, now, step_no, text, instance.version))


def transfer(
    instance: ApprovalInstance,
    actor: str,
    assignments: Iterable[Assignment],
    to: str,
    comment: str | None,
    now: datetime,
    acting_for: str | None = None,
) -> None:
    """`actor`, who may decide the current step, hands it to `to` alone."""
    task = instance.current_task
    if instance.status != "pending" or task is None:
        raise AlreadyDecided(f"request {instance.request_id} is already {instance.status}")
    why_not = refusal(instance, task, actor, assignments, acting_for)
    if why_not is not None:
        raise NotAuthorized(f"only an assignee of the current step transfers it: {why_not}")
    if to in (actor, acting_for):
        raise InvalidInput("to", "a task is transferred to someone else")
    if not instance.may_be_decided_by(to):
        raise InvalidInput(
            "to", f"{to} may not decide this request: they requested it or approved a step of it"
        )
    decider = acting_for or actor
    if task.mode == "all_of" and decider in task.assignees:
        # A countersign step: only the transferring assignee's part goes to `to`.
        if to in task.assignees:
            raise InvalidInput("to", f"{to} is already an assignee of this step")
        task.assignees = tuple(to if a == decider else a for a in task.assignees)
    else:
        task.assignees = (to,)
    who = actor if acting_for is None else f"{actor} for {acting_for}"
    text = f"to {to}" + (f": {comment.strip()}" if comment and comment.strip() else "")
    _note(instance, "transferred", who, now, text)


def _requester_only(instance: ApprovalInstance, actor: str, action: str) -> None:
    if actor != instance.requested_by:
        raise NotAuthorized(
            f"only the requester ({instance.requested_by}) {action} this request; {actor} "
            "did not request it"
        )


def withdraw(instance: ApprovalInstance, actor: str, reason: str | None, now: datetime) -> None:
    """The requester withdraws a pending request: nobody decides it any more."""
    _requester_only(instance, actor, "withdraws")
    if instance.status != "pending":
        raise WrongStatus(f"request {instance.request_id} is already {instance.status}")
    why = _required("reason", reason, "a reason for the withdrawal")
    instance.status, instance.decided_by, instance.decided_at = "withdrawn", actor, now
    instance.decision_reason = why
    step = instance.current_task
    for task in instance.tasks:
        if task.status in ("pending", "waiting"):
            task.status = "cancelled"
    step_no = step.step_no if step is not None else None
    instance.new_audit.append(AuditEntry("withdrawn", actor, now, step_no, why, instance.version))
    instance.events.append(
        ApprovalWithdrawn(
            request_id=instance.request_id,
            subject_type=instance.subject_type,
            subject_id=instance.subject_id,
            withdrawn_by=actor,
            withdrawn_at=now,
            reason=why,
        )
    )


def resubmit(
    instance: ApprovalInstance,
    actor: str,
    details: dict[str, Any] | None,
    comment: str | None,
    now: datetime,
) -> None:
    """The requester resubmits a rejected request as its next version, from step 1 again."""
    _requester_only(instance, actor, "resubmits")
    if instance.status != "rejected":
        state = "still pending" if instance.status == "pending" else instance.status
        raise WrongStatus(
            f"request {instance.request_id} is {state}; only a rejected request is resubmitted"
        )
    if not instance.tasks:
        raise WrongStatus(f"request {instance.request_id} has no step to go through again")
    why = _required("comment", comment, "a comment saying what changed")
    instance.version += 1
    instance.status = "pending"
    instance.decided_at = instance.decided_by = instance.decision_reason = None
    if details is not None:
        instance.details = dict(details)
    instance.tasks = [task.restart() for task in instance.tasks]
    instance.tasks[0].activate(now)
    instance.new_audit.append(
        AuditEntry(
            "resubmitted", actor, now, 1, f"version {instance.version}: {why}", instance.version
        )
    )


def participants(instance: ApprovalInstance) -> set[str]:
    """Who took part by name: the requester, every earlier decider (and whom a delegate acted
    for), and the named assignees of the current step (role holders are the handler's)."""
    people = {instance.requested_by}
    for task in instance.tasks:
        people.update(p for p in (task.approver, task.on_behalf_of) if p is not None)
    current = instance.current_task
    if current is not None:
        people.update(current.assignees)
    return people


def add_comment(instance: ApprovalInstance, actor: str, text: str | None, now: datetime) -> None:
    """A comment on the current step (on the last one once the request is decided)."""
    _note(instance, "commented", actor, now, _required("text", text, "the comment's text"))
