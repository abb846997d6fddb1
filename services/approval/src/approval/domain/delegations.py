"""Delegation for an absence window (pure): while it runs, the delegate may decide the
delegator's tasks (of every flow, or of the flows in `flow_ids`).

No chains: only the delegator's own assignments pass to the delegate, never what was delegated
to the delegator. Nobody delegates to themselves, and a delegate never decides a request they
requested (the rules of `authority` hold for the delegate too).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from approval.domain.errors import NotAuthorized, WrongStatus


@dataclass(frozen=True)
class Delegation:
    """`delegator` lets `delegate` decide their tasks from `starts_at` until `ends_at`."""

    delegation_id: str
    delegator: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    flow_ids: tuple[str, ...] = ()
    comment: str | None = None
    created_at: datetime | None = None
    cancelled_at: datetime | None = None

    def covers(self, flow_id: str | None, now: datetime) -> bool:
        """Whether it lets the delegate act now on a request of flow `flow_id`."""
        in_scope = not self.flow_ids or flow_id in self.flow_ids
        running = self.cancelled_at is None and self.starts_at <= now < self.ends_at
        return running and in_scope

    def cancel(self, by: str, now: datetime, admin: bool = False) -> Delegation:
        """The delegation cancelled by its delegator (or an administrator)."""
        if by != self.delegator and not admin:
            raise NotAuthorized(
                f"only the delegator ({self.delegator}) cancels delegation {self.delegation_id}"
            )
        if self.cancelled_at is not None or self.ends_at <= now:
            raise WrongStatus(f"delegation {self.delegation_id} has already ended")
        return replace(self, cancelled_at=now)

    def record(self) -> dict[str, Any]:
        """The delegation as the audit log keeps it."""
        return {
            "delegator": self.delegator,
            "delegate": self.delegate,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "flow_ids": list(self.flow_ids),
            "comment": self.comment,
            "cancelled_at": None if self.cancelled_at is None else self.cancelled_at.isoformat(),
        }


def delegation_problems(
    delegator: str, delegate: str, starts_at: datetime, ends_at: datetime, now: datetime
) -> list[tuple[str, str]]:
    """What is wrong with a new delegation, as (field, problem) pairs."""
    problems: list[tuple[str, str]] = []
    if delegate == delegator:
        problems.append(("to", "a delegation goes to someone else, not to oneself"))
    if ends_at <= starts_at:
        problems.append(("ends_at", "must be after starts_at"))
    elif ends_at <= now:
        problems.append(("ends_at", "must be in the future"))
    return problems
