"""Tasks: one step of an approval instance, waiting, pending an approver, or decided.

A pending task is decided by the holders of its role for the request's department, or, once
escalated to named people (the assignees' managers) or transferred to one person, by those
people only (`assignees`). A delegate deciding for an assignee is the task's `approver`, acting
`on_behalf_of` the assignee. `flow_role` is the role the flow gave the step, kept when an
escalation changes `role`, so a resubmitted request starts again with the flow's steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

TaskStatus = Literal["waiting", "pending", "approved", "rejected", "cancelled"]


@dataclass
class Task:
    """One step of an instance and the decision on it."""

    step_no: int
    role: str
    status: TaskStatus = "waiting"
    time_limit_hours: int | None = None
    activated_at: datetime | None = None
    due_at: datetime | None = None
    approver: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    time_limit_minutes: int | None = None
    escalation_role: str | None = None
    assignees: tuple[str, ...] = ()
    escalated_at: datetime | None = None
    flow_role: str | None = None
    on_behalf_of: str | None = None

    def activate(self, now: datetime) -> None:
        self.status, self.activated_at = "pending", now
        if self.time_limit_minutes is not None:
            self.due_at = now + timedelta(minutes=self.time_limit_minutes)
        elif self.time_limit_hours is not None:
            self.due_at = now + timedelta(hours=self.time_limit_hours)

    def decide(
        self,
        status: TaskStatus,
        approver: str,
        now: datetime,
        comment: str | None,
        on_behalf_of: str | None = None,
    ) -> None:
        self.status, self.approver, self.decided_at, self.comment = status, approver, now, comment
        self.on_behalf_of = on_behalf_of

    def restart(self) -> Task:
        """This step as the flow gave it, waiting again (for a resubmitted request)."""
        role = self.flow_role or self.role
        return Task(
            step_no=self.step_no,
            role=role,
            time_limit_hours=self.time_limit_hours,
            time_limit_minutes=self.time_limit_minutes,
            escalation_role=self.escalation_role,
            flow_role=role,
        )

    def decided_by(self, login: str) -> bool:
        """Whether `login` approved this step, in person or through a delegate."""
        return self.status == "approved" and login in (self.approver, self.on_behalf_of)

    @property
    def runs_timers(self) -> bool:
        """Whether the task waits on its time limit: pending, limited, not yet escalated."""
        return self.status == "pending" and self.due_at is not None and self.escalated_at is None
