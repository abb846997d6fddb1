"""What the approvals API answers: requests with their steps and audit trail, and task lists."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from approval.adapters.task_list import TaskRow
from approval.domain import ApprovalInstance, AuditEntry, Task


class VoteView(BaseModel):
    """One assignee's approval of a countersign step."""

    login: str
    at: datetime
    comment: str | None
    on_behalf_of: str | None


class TaskView(BaseModel):
    step_no: int
    role: str
    status: str
    time_limit_hours: int | None
    activated_at: datetime | None
    due_at: datetime | None
    approver: str | None
    decided_at: datetime | None
    comment: str | None
    time_limit_minutes: int | None
    escalation_role: str | None
    assignees: list[str]
    escalated_at: datetime | None
    on_behalf_of: str | None = None
    mode: str = "single"
    rules: list[dict[str, Any]] = []
    votes: list[VoteView] = []


class AuditView(BaseModel):
    action: str
    actor: str
    at: datetime
    step_no: int | None
    comment: str | None
    version: int = 1


class ApprovalSummary(BaseModel):
    request_id: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    requested_by: str
    summary: str
    status: str
    current_step: TaskView | None
    step_count: int
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    version: int = 1


class ApprovalDetail(ApprovalSummary):
    flow_id: str | None
    flow_version: int | None
    details: dict[str, Any]
    steps: list[TaskView]
    audit: list[AuditView]


class TaskListItem(BaseModel):
    request_id: str
    step_no: int
    role: str
    status: str
    subject_type: str
    subject_id: str
    amount: Decimal
    currency: str
    department: str
    summary: str
    activated_at: datetime | None
    due_at: datetime | None
    approver: str | None
    decided_at: datetime | None
    mode: str = "single"
    on_behalf_of: str | None = Field(
        None, description="Whose task this is, when the approver may decide it as their delegate."
    )


def _task_view(task: Task) -> TaskView:
    return TaskView(
        **task.__dict__
        | {
            "rules": [rule.record() for rule in task.rules],
            "votes": [vote.__dict__ for vote in task.votes],
        }
    )


def _summary_fields(instance: ApprovalInstance) -> dict[str, Any]:
    current = instance.current_task
    return {
        "request_id": instance.request_id,
        "subject_type": instance.subject_type,
        "subject_id": instance.subject_id,
        "amount": instance.amount,
        "currency": instance.currency,
        "department": instance.department,
        "requested_by": instance.requested_by,
        "summary": instance.summary,
        "status": instance.status,
        "current_step": _task_view(current) if current else None,
        "step_count": len(instance.tasks),
        "requested_at": instance.requested_at,
        "decided_at": instance.decided_at,
        "decided_by": instance.decided_by,
        "decision_reason": instance.decision_reason,
        "version": instance.version,
    }


def summary(instance: ApprovalInstance) -> ApprovalSummary:
    """A request in a list: its state and current step."""
    return ApprovalSummary(**_summary_fields(instance))


def detail(instance: ApprovalInstance, audit: list[AuditEntry]) -> ApprovalDetail:
    """A request with all its steps and its audit trail."""
    return ApprovalDetail(
        **_summary_fields(instance),
        flow_id=instance.flow_id,
        flow_version=instance.flow_version,
        details=instance.details,
        steps=[_task_view(t) for t in instance.tasks],
        audit=[AuditView(**entry.__dict__) for entry in audit],
    )


def task_list_item(row: TaskRow, on_behalf_of: str | None = None) -> TaskListItem:
    return TaskListItem(**row.__dict__, on_behalf_of=on_behalf_of)
