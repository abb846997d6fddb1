"""What the handlers need from storage: the repositories and the unit of work, as Protocols.

The SQL implementations are in `adapters`; the unit tests pass in-memory ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from inventory_runtime.uow import UnitOfWorkProtocol

from approval.domain import (
    ApprovalInstance,
    Assignment,
    AuditEntry,
    Delegation,
    Flow,
    Person,
    Timer,
)


class Flows(Protocol):
    """The approval flows, one per subject type, each with immutable numbered versions."""

    async def get(self, flow_id: str) -> Flow | None:
        """The current version of the flow `flow_id`, if any."""
        ...

    async def versions(self, flow_id: str) -> list[Flow]:
        """Every version of `flow_id`, oldest first."""
        ...

    async def version(self, flow_id: str, version: int) -> Flow | None: ...

    async def for_subject_type(self, subject_type: str) -> Flow | None:
        """The current version of the flow serving `subject_type`, if it is active."""
        ...

    async def owner_of(self, subject_type: str) -> str | None:
        """The id of the flow serving `subject_type` (active or not), if any."""
        ...

    async def lock(self, flow_id: str) -> None:
        """Hold `flow_id` until the transaction ends (versions are numbered one at a time)."""
        ...

    async def add_version(self, flow: Flow, created_by: str) -> None:
        """Store `flow` as its version `flow.version` and make it the current one."""
        ...


class Approvers(Protocol):
    """Who holds which role, per department."""

    async def of(self, approver_id: str) -> list[Assignment]:
        """The role assignments of `approver_id` (none for an unknown approver)."""
        ...

    async def add(self, assignment: Assignment) -> bool:
        """Add a role assignment (or rename its approver); True if it is new."""
        ...

    async def holders(self, role: str, department: str) -> list[str]:
        """The logins holding `role` for `department` (or for every department)."""
        ...


class Timers(Protocol):
    """The timers of pending steps; the instance repository writes and cancels them."""

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Up to `limit` unfired timers due by `now`, locked (others' locked ones skipped)."""
        ...

    async def mark_fired(self, timer: Timer, now: datetime) -> None: ...

    async def drop(self, timer: Timer) -> None:
        """Forget a timer whose task no longer waits on it."""
        ...


class People(Protocol):
    """Who manages whom, from the people directory."""

    async def apply(self, person: Person) -> None:
        """Keep `person`, unless a later change of them is kept already."""
        ...

    async def managers_of(self, logins: list[str]) -> list[str]:
        """The (active) managers of the active `logins`."""
        ...

    async def chain_of(self, login: str, levels: int) -> list[str]:
        """The managers of `login` from the nearest up, at most `levels` of them."""
        ...


class Instances(Protocol):
    """Approval instances with their tasks and audit trail.

    The instances it loads or adds are tracked by the unit of work, which collects the events
    they record when it commits.
    """

    async def get(self, request_id: str, *, for_update: bool = False) -> ApprovalInstance | None:
        """The instance of `request_id`, locked for the transaction with `for_update`."""
        ...

    async def add(self, instance: ApprovalInstance) -> bool:
        """Insert a new instance with its tasks and audit; False if the request_id exists."""
        ...

    async def save(self, instance: ApprovalInstance) -> None:
        """Write the instance's state, its tasks and its new audit entries."""
        ...

    async def audit(self, request_id: str) -> list[AuditEntry]:
        """The audit trail of `request_id`, oldest first."""
        ...


class Delegations(Protocol):
    """Delegations for absence windows."""

    async def add(self, delegation: Delegation) -> None: ...

    async def get(self, delegation_id: str) -> Delegation | None: ...

    async def save(self, delegation: Delegation) -> None:
        """Write the delegation's cancellation."""
        ...

    async def of(self, login: str) -> list[Delegation]:
        """The delegations `login` gave or was given, newest first."""
        ...

    async def to(self, delegate: str) -> list[Delegation]:
        """The uncancelled delegations given to `delegate` (the caller checks window and
        scope)."""
        ...

    async def from_(self, delegators: list[str]) -> list[Delegation]:
        """The uncancelled delegations given by any of `delegators`."""
        ...


class ApprovalUoW(UnitOfWorkProtocol, Protocol):
    """One transaction over the approval repositories (and the outbox and inbox)."""

    @property
    def flows(self) -> Flows: ...

    @property
    def approvers(self) -> Approvers: ...

    @property
    def instances(self) -> Instances: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def people(self) -> People: ...

    @property
    def delegations(self) -> Delegations: ...

    @property
    def fallback_role(self) -> str:
        """Whom a step goes to when nobody else may decide it."""
        ...
