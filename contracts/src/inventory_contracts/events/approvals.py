"""Approval context: requests for approval and their decisions."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, Field, JsonValue, model_validator

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    ContractModel,
    Currency,
    Event,
    Identifier,
    Money,
)
from inventory_contracts.topics import Topics

StepDecision = Literal["approved", "rejected", "skipped"]


class ApprovalEvent(Event):
    """An event about one approval request; keyed by the subject (e.g. the requisition id)."""

    request_id: Identifier
    subject_type: str = Field(min_length=1, description='e.g. "purchase_requisition".')
    subject_id: Identifier

    def key(self) -> str:
        """The `subject_id` (e.g. the requisition id), so a subject's approvals keep order."""
        return self.subject_id


class ApprovalStep(ContractModel):
    """One decision taken in an approval flow."""

    role: str = Field(min_length=1, description='e.g. "department_manager".')
    approver: str = Field(min_length=1)
    decision: StepDecision
    decided_at: AwareDatetime
    comment: str | None = None


class ApprovalRequested(ApprovalEvent):
    """Something (e.g. a purchase requisition) needs approval before it goes ahead.

    Published by replenishment; the approval service starts a flow.
    """

    event_type = "inventory.approval.requested.v1"
    topic = Topics.APPROVALS

    amount: Money
    currency: Currency = DEFAULT_CURRENCY
    department: str = Field(min_length=1)
    requested_by: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    details: dict[str, JsonValue] = Field(default_factory=dict)


class ApprovalGranted(ApprovalEvent):
    """An approval flow ended with approval.

    Published by approval; replenishment then releases the purchase order.
    """

    event_type = "inventory.approval.granted.v1"
    topic = Topics.APPROVALS

    decided_by: str = Field(min_length=1)
    decided_at: AwareDatetime
    steps: tuple[ApprovalStep, ...] = Field((), description="Empty when approved by rule.")


class ApprovalRejected(ApprovalEvent):
    """An approval flow ended with rejection.

    Published by approval.
    """

    event_type = "inventory.approval.rejected.v1"
    topic = Topics.APPROVALS

    decided_by: str = Field(min_length=1)
    decided_at: AwareDatetime
    steps: tuple[ApprovalStep, ...] = ()
    reason: str = Field(min_length=1)


class ApprovalEscalated(ApprovalEvent):
    """A step of an approval flow was overdue and moved to another approver or role.

    Published by approval.
    """

    event_type = "inventory.approval.escalated.v1"
    topic = Topics.APPROVALS

    step_role: str = Field(min_length=1)
    from_approver: str | None = None
    to_approver: str | None = None
    to_role: str | None = None
    overdue_since: AwareDatetime
    reason: str | None = Field(
        None, description="Why it went where it went, e.g. to the assignees' managers."
    )

    @model_validator(mode="after")
    def _has_a_target(self) -> Self:
        if self.to_approver is None and self.to_role is None:
            raise ValueError("to_approver or to_role is required")
        return self


class ApprovalReminderDue(ApprovalEvent):
    """A step of an approval flow has used its reminder share of its time limit undecided.

    Published by approval; notification channels remind the assignees before the step escalates.
    """

    event_type = "inventory.approval.reminder-due.v1"
    topic = Topics.APPROVALS

    step_no: int = Field(ge=1)
    step_role: str = Field(min_length=1)
    assignees: tuple[str, ...] = Field(description="The logins that may decide the step now.")
    due_at: AwareDatetime = Field(description="When the step escalates if still undecided.")


class ApprovalWithdrawn(ApprovalEvent):
    """The requester withdrew a pending approval request; nobody decides it any more.

    Published by approval; the requesting service closes its side (e.g. cancels the
    requisition or the count adjustment waiting on it).
    """

    event_type = "inventory.approval.withdrawn.v1"
    topic = Topics.APPROVALS

    withdrawn_by: str = Field(min_length=1)
    withdrawn_at: AwareDatetime
    reason: str = Field(min_length=1)
