"""Tasks: one step of an approval instance, waiting, pending an approver, or decided.

A pending task is decided by the holders of its role for the request's department, or, once
escalated to named people (the assignees' managers), by those people only (`assignees`).
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

    def activate(self, now: datetime) -> None:
        self.status, self.activated_at = "pending", now
        if self.time_limit_minutes is not None:
            self.due_at = now + timedelta(minutes=self.time_limit_minutes)
        elif self.time_limit_hours is not None:
            self.due_at = now + timedelta(hours=self.time_limit_hours)

    def decide(self, status: TaskStatus, approver: str, now: datetime, comment: str | None) -> None:
        self.status, self.approver, self.decided_at, self.comment = status, approver, now, comment

    @property
    def runs_timers(self) -> bool:
        """Whether the task waits on its time limit: pending, limited, not yet escalated."""
        return self.status == "pending" and self.due_at is not None and self.escalated_at is None
