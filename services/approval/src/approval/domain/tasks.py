"""Tasks: one step of an approval instance, waiting, pending an approver, or decided.

A pending task is decided by the holders of its role for the request's department, or, once
escalated to named people (the assignees' managers) or transferred to one person, by those
people only (`assignees`). A delegate deciding for an assignee is the task's `approver`, acting
`on_behalf_of` the assignee. `flow_role` is the role the flow gave the step, kept when an
escalation changes `role`, so a resubmitted request starts again with the flow's steps.

`mode` and `rules` are the flow step's: an `all_of` (countersign) task collects one approving
`votes` entry from each of its assignees before it is approved; `single` and `any_of` tasks are
decided by the first approval. Any rejection decides a task of any mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from approval.domain.flows import AssigneeRule, StepMode

TaskStatus = Literal["waiting", "pending", "approved", "rejected", "cancelled"]


@dataclass(frozen=True)
class Vote:
    """One assignee's approval of a countersign step (`login` for `on_behalf_of`, a delegate)."""

    login: str
    at: datetime
    comment: str | None = None
    on_behalf_of: str | None = None

    @property
    def assignee(self) -> str:
        return self.on_behalf_of or self.login

    def record(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "at": self.at.isoformat(),
            "comment": self.comment,
            "on_behalf_of": self.on_behalf_of,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Vote:
        at = datetime.fromisoformat(data["at"])
        return cls(data["login"], at, data.get("comment"), data.get("on_behalf_of"))


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
    mode: StepMode = "single"
    rules: tuple[AssigneeRule, ...] = ()
    votes: tuple[Vote, ...] = ()
    unresolved: bool = field(default=False, compare=False)
    """Just became pending: its rules still to be resolved to assignees (not stored)."""

    def activate(self, now: datetime) -> None:
        self.status, self.activated_at, self.unresolved = "pending", now, True
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
            mode=self.mode,
            rules=self.rules,
        )

    def decided_by(self, login: str) -> bool:
        """Whether `login` approved this step (or their part of it), in person or through a
        delegate."""
        if any(login in (v.login, v.on_behalf_of) for v in self.votes):
            return True
        return self.status == "approved" and login in (self.approver, self.on_behalf_of)

    def vote(
        self, login: str, now: datetime, comment: str | None, on_behalf_of: str | None
    ) -> bool:
        """Record an approval of this countersign step; True once every assignee approved."""
        self.votes = (*self.votes, Vote(login, now, comment, on_behalf_of))
        return not self.undecided()

    def undecided(self) -> tuple[str, ...]:
        """The assignees of a countersign step who have not approved yet."""
        done = {v.assignee for v in self.votes}
        return tuple(a for a in self.assignees if a not in done)

    @property
    def runs_timers(self) -> bool:
        """Whether the task waits on its time limit: pending, limited, not yet escalated."""
        return self.status == "pending" and self.due_at is not None and self.escalated_at is None
