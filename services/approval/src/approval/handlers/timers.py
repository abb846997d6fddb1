"""Fire the timers of pending steps: reminders, and escalation once per step."""

from __future__ import annotations

from datetime import datetime

from approval.domain import (
    TIMER_ACTOR,
    ApprovalInstance,
    EscalationTarget,
    Task,
    escalate,
    escalation_target,
    remind,
)
from approval.domain.assignees import FALLBACK_ROLE
from approval.ports import ApprovalUoW


async def fire_due_timers(
    uow: ApprovalUoW, now: datetime, limit: int, fallback_role: str = FALLBACK_ROLE
) -> int:
    """Fire up to `limit` due timers in the caller's transaction, each once (marked fired with
    what it caused); timers of steps decided or escalated meanwhile are dropped. Returns how
    many were claimed."""
    due = await uow.timers.claim_due(now, limit)
    for timer in due:
        instance = await uow.instances.get(timer.request_id, for_update=True)
        task = instance.current_task if instance is not None else None
        if instance is None or task is None or task.step_no != timer.step_no:
            await uow.timers.drop(timer)
            continue
        if not task.runs_timers:
            await uow.timers.drop(timer)
            continue
        current = await _assignees(uow, instance, task)
        if timer.kind == "reminder":
            remind(instance, task, current, now)
        else:
            before = instance.record()
            target = await _target(uow, instance, task, current, fallback_role)
            escalate(instance, task, current, target, now)
            uow.audit(
                TIMER_ACTOR,
                "escalate",
                "approval_request",
                instance.request_id,
                before=before,
                after=instance.record(),
            )
        await uow.timers.mark_fired(timer, now)
        await uow.instances.save(instance)
    return len(due)


async def _assignees(uow: ApprovalUoW, instance: ApprovalInstance, task: Task) -> list[str]:
    """Who may decide `task` now: its named assignees (of a countersign step, those who have not
    approved yet), or its role's holders (four eyes)."""
    named = task.undecided() if task.mode == "all_of" else task.assignees
    people = list(named) or await uow.approvers.holders(task.role, instance.department)
    return [login for login in people if instance.may_be_decided_by(login)]


async def _target(
    uow: ApprovalUoW,
    instance: ApprovalInstance,
    task: Task,
    current: list[str],
    fallback_role: str,
) -> EscalationTarget:
    holders: list[str] = []
    if task.escalation_role is not None:
        holders = await uow.approvers.holders(task.escalation_role, instance.department)
    managers = await uow.people.managers_of(current)
    return escalation_target(
        task,
        [h for h in holders if instance.may_be_decided_by(h)],
        [m for m in managers if instance.may_be_decided_by(m) and m not in current],
        fallback_role,
    )
