"""Approval instances: a request going through its flow's steps, decided in order (pure).

A request gets the steps of the first branch of its flow's active version whose condition holds
for it, copied into the instance with the flow's key and version, so a later version of the
flow does not change requests already running. Steps are decided in order (a countersign step
once each assignee approved); the last approval grants the request, any rejection rejects it.
An approver acts for a step when they hold its role for the request's department (or for every
department, ``"*"``), did not approve an earlier step of the same request, and are not the one
who requested it (four eyes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    ApprovalStep,
    StepDecision,
)
from inventory_contracts.events.base import Event

from approval.domain.approvers import Assignment
from approval.domain.authority import approved_earlier, refusal
from approval.domain.conditions import request_attributes
from approval.domain.errors import AlreadyDecided, NotAuthorized, ReasonRequired
from approval.domain.flows import Flow
from approval.domain.tasks import Task

SYSTEM_ACTOR: Final = "approval-service"

InstanceStatus = Literal["pending", "approved", "rejected", "withdrawn"]
Decision = Literal["approve", "reject"]


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to a request, and when."""

    action: str
    actor: str
    at: datetime
    step_no: int | None = None
    comment: str | None = None
    version: int = 1


@dataclass
class ApprovalInstance:
    """A request for approval going through its steps.

    Changes append to `new_audit` and `events`: the repository writes the first, and the unit
    of work collects the second into the outbox (the repository tracks what it loads or adds).
    """

    request_id: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    requested_by: str
    summary: str
    details: dict[str, Any]
    requested_at: datetime
    flow_id: str | None
    tasks: list[Task]
    status: InstanceStatus = "pending"
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    version: int = 1
    flow_version: int | None = None
    new_audit: list[AuditEntry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @classmethod
    def start(
        cls, request: ApprovalRequested, flow: Flow | None, now: datetime
    ) -> ApprovalInstance:
        """A new instance with the steps of the flow's branch for the request; the first
        step's task pending (its assignees still to be resolved: `Task.unresolved`).

        Without a flow for the subject type the request is rejected (nobody may approve it);
        when its branch has no step, it is granted by rule.
        """
        attributes = request_attributes(
            request.amount, request.department, request.requested_by, request.details
        )
        steps = flow.steps_for(attributes) if flow is not None else ()
        instance = cls(
            request_id=request.request_id,
            subject_type=request.subject_type,
            subject_id=request.subject_id,
            amount=request.amount,
            currency=request.currency,
            department=request.department,
            requested_by=request.requested_by,
            summary=request.summary,
            details=dict(request.details),
            requested_at=now,
            flow_id=flow.flow_id if flow is not None else None,
            flow_version=flow.version if flow is not None else None,
            tasks=[
                Task(
                    step_no=no,
                    role=step.role,
                    time_limit_hours=step.time_limit_hours,
                    time_limit_minutes=step.time_limit_minutes,
                    escalation_role=step.escalation_role,
                    flow_role=step.role,
                    mode=step.mode,
                    rules=step.assignees,
                )
                for no, step in enumerate(steps, start=1)
            ],
        )
        instance._audit("requested", request.requested_by, now)
        if flow is None:
            reason = f"no approval flow for subject type {request.subject_type!r}"
            instance._finish_rejected(SYSTEM_ACTOR, now, reason)
        elif not instance.tasks:
            instance._finish_granted(SYSTEM_ACTOR, now, "no step applies to this amount")
        else:
            instance.tasks[0].activate(now)
        return instance

    @property
    def current_task(self) -> Task | None:
        return next((t for t in self.tasks if t.status == "pending"), None)

    def may_be_decided_by(self, login: str) -> bool:
        """Not the requester and not an approver of an earlier step (four eyes)."""
        return login != self.requested_by and not approved_earlier(self, login)

    def can_act(self, approver_id: str, assignments: Iterable[Assignment]) -> bool:
        """Whether `approver_id` may decide the current step."""
        task = self.current_task
        return task is not None and refusal(self, task, approver_id, assignments) is None

    def approve(
        self,
        approver_id: str,
        assignments: Iterable[Assignment],
        now: datetime,
        comment: str | None = None,
        acting_for: str | None = None,
    ) -> None:
        """Approve the current step (as a delegate `acting_for` an assignee, whose
        `assignments` these are): the next step becomes pending, or the request is granted.
        A countersign step waits for every assignee's approval."""
        task = self._task_for(approver_id, assignments, acting_for)
        self._audit("approved", _who(approver_id, acting_for), now, task.step_no, comment)
        if task.mode == "all_of" and not task.vote(approver_id, now, comment, acting_for):
            return
        task.decide("approved", approver_id, now, comment, acting_for)
        following = self._next_waiting()
        if following is None:
            self._finish_granted(approver_id, now, None)
        else:
            following.activate(now)
            self._audit("step_activated", SYSTEM_ACTOR, now, following.step_no)

    def reject(
        self,
        approver_id: str,
        assignments: Iterable[Assignment],
        now: datetime,
        reason: str | None,
        acting_for: str | None = None,
    ) -> None:
        """Reject at the current step; the request goes back to its requester, rejected with
        `reason` (they may resubmit it)."""
        task = self._task_for(approver_id, assignments, acting_for)
        if reason is None or not reason.strip():
            raise ReasonRequired("a rejection needs a comment giving the reason")
        task.decide("rejected", approver_id, now, reason.strip(), acting_for)
        who = _who(approver_id, acting_for)
        self._audit("rejected", who, now, task.step_no, reason.strip())
        self._finish_rejected(approver_id, now, reason.strip())

    def record(self) -> dict[str, Any]:
        """The decision state, as the audit log keeps it before and after a decision."""
        return {
            "status": self.status,
            "decided_by": self.decided_by,
            "decision_reason": self.decision_reason,
            "requested_by": self.requested_by,
            "version": self.version,
            "flow_version": self.flow_version,
            "steps": [
                {
                    "step_no": t.step_no,
                    "role": t.role,
                    "status": t.status,
                    "approver": t.approver,
                    "comment": t.comment,
                    "assignees": list(t.assignees),
                    "on_behalf_of": t.on_behalf_of,
                    "mode": t.mode,
                    "approved_by": [v.assignee for v in t.votes],
                }
                for t in self.tasks
            ],
        }

    def decided_steps(self) -> tuple[ApprovalStep, ...]:
        """Each decision: every approval of a countersign step, and each step's decision."""
        steps = []
        for t in self.tasks:
            steps += [
                ApprovalStep(role=t.role, approver=v.login, decision="approved", decided_at=v.at,
                             comment=v.comment) for v in t.votes
            ]  # fmt: skip
            voted = t.status == "approved" and bool(t.votes)
            if t.status in ("approved", "rejected") and t.approver and t.decided_at and not voted:
                decision: StepDecision = "approved" if t.status == "approved" else "rejected"
                steps.append(
                    ApprovalStep(
                        role=t.role,
                        approver=t.approver,
                        decision=decision,
                        decided_at=t.decided_at,
                        comment=t.comment,
                    )
                )
        return tuple(steps)

    def _task_for(
        self, approver_id: str, assignments: Iterable[Assignment], acting_for: str | None
    ) -> Task:
        if self.status != "pending":
            raise AlreadyDecided(f"request {self.request_id} is already {self.status}")
        task = self.current_task
        assert task is not None, "a pending instance has a pending task"
        why_not = refusal(self, task, approver_id, assignments, acting_for)
        if why_not is not None:
            raise NotAuthorized(why_not)
        return task

    def _next_waiting(self) -> Task | None:
        return next((t for t in self.tasks if t.status == "waiting"), None)

    def _audit(
        self,
        action: str,
        actor: str,
        at: datetime,
        step_no: int | None = None,
        comment: str | None = None,
    ) -> None:
        self.new_audit.append(AuditEntry(action, actor, at, step_no, comment, self.version))

    def _finish_granted(self, by: str, now: datetime, note: str | None) -> None:
        self.status, self.decided_by, self.decided_at = "approved", by, now
        self._audit("granted", by, now, comment=note)
        self.events.append(
            ApprovalGranted(
                request_id=self.request_id,
                subject_type=self.subject_type,
                subject_id=self.subject_id,
                decided_by=by,
                decided_at=now,
                steps=self.decided_steps(),
            )
        )

    def _finish_rejected(self, by: str, now: datetime, reason: str) -> None:
        self.status, self.decided_by, self.decided_at = "rejected", by, now
        self.decision_reason = reason
        for task in self.tasks:
            if task.status == "waiting":
                task.status = "cancelled"
        if by == SYSTEM_ACTOR:
            self._audit("rejected", by, now, comment=reason)
        self.events.append(
            ApprovalRejected(
                request_id=self.request_id,
                subject_type=self.subject_type,
                subject_id=self.subject_id,
                decided_by=by,
                decided_at=now,
                steps=self.decided_steps(),
                reason=reason,
            )
        )


def _who(actor: str, acting_for: str | None) -> str:
    """The timeline's actor: "X for Y" when X acts as Y's delegate."""
    return actor if acting_for is None else f"{actor} for {acting_for}"
