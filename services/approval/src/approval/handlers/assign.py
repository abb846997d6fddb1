"""Resolve the assignees of a step that just became pending: its role holders, the requester's
manager chain, named people (the rules of `domain.assignees`)."""

from __future__ import annotations

from approval import domain
from approval.domain import ApprovalInstance
from approval.domain.assignees import FALLBACK_ROLE
from approval.ports import ApprovalUoW

__all__ = ["FALLBACK_ROLE", "assign_current"]


async def assign_current(uow: ApprovalUoW, instance: ApprovalInstance) -> None:
    """Give the step that just became pending its assignees (a step that stays with its role
    keeps none: its holders decide as they are when they decide); nobody: the unit of work's
    fallback role (`APPROVAL_ESCALATION_FALLBACK_ROLE`)."""
    task = instance.current_task
    if task is None or not task.unresolved:
        return
    task.unresolved = False
    if domain.stays_with_role(task):
        return
    holders = {
        rule.role: await uow.approvers.holders(rule.role, instance.department)
        for rule in task.rules
        if rule.kind == "role" and rule.role is not None
    }
    levels = domain.levels_needed(task.rules)
    chain = await uow.people.chain_of(instance.requested_by, levels) if levels else []
    people = domain.resolve(task.rules, holders, chain, instance.may_be_decided_by)
    domain.assign(instance, task, people, uow.fallback_role)
