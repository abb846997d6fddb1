"""What people do to a request over the API: decide its current step (in person or as a
delegate), transfer the step, withdraw or resubmit it (the requester), comment on it.

Each acts as whom the access token names, loads the instance locked, lets the domain decide,
writes the audit log with the request before and after, and commits; a refusal raises and
changes nothing (the transaction is rolled back).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now

from approval import domain
from approval.domain import (
    ApprovalInstance,
    Assignment,
    AuditEntry,
    Decision,
    NotAuthorized,
    UnknownRequest,
)
from approval.handlers.assign import assign_current
from approval.ports import ApprovalUoW


@dataclass(frozen=True)
class InstanceWithAudit:
    """An acted-on instance and its timeline, as the API answers an action."""

    instance: ApprovalInstance
    audit: list[AuditEntry]


async def _authority(
    uow: ApprovalUoW, instance: ApprovalInstance, actor: str, now: datetime
) -> tuple[list[Assignment], str | None]:
    """The assignments `actor` acts with on the current step, and for whom: their own, or
    those of a delegator whose running delegation to them covers the request (the
    delegator's own assignments only: delegations do not chain)."""
    own = await uow.approvers.of(actor)
    task = instance.current_task
    if task is None or instance.can_act(actor, own):
        return own, None
    for delegation in await uow.delegations.to(actor):
        if not delegation.covers(instance.flow_id, now):
            continue
        theirs = await uow.approvers.of(delegation.delegator)
        if domain.refusal(instance, task, actor, theirs, delegation.delegator) is None:
            return theirs, delegation.delegator
    return own, None


async def may_decide(
    uow: ApprovalUoW, instance: ApprovalInstance, actor: str, now: datetime
) -> bool:
    """Whether `actor` may decide the current step now, in person or as a delegate (the rules
    `decide` applies; the caller has `uow` open)."""
    task = instance.current_task
    if task is None or instance.status != "pending":
        return False
    assignments, acting_for = await _authority(uow, instance, actor, now)
    return domain.refusal(instance, task, actor, assignments, acting_for) is None


async def _act(
    request_id: str,
    actor: Principal,
    action: str,
    uow: ApprovalUoW,
    change: Callable[[ApprovalInstance], Awaitable[None]],
    people_only: bool = True,
) -> InstanceWithAudit:
    """Load `request_id` locked, apply `change`, audit and commit."""
    if people_only and actor.kind != "person":
        raise NotAuthorized(f"{actor.id} is a service account; approvals are decided by people")
    async with uow:
        instance = await uow.instances.get(request_id, for_update=True)
        if instance is None:
            raise UnknownRequest(request_id)
        before = instance.record()
        await change(instance)
        await assign_current(uow, instance)
        await uow.instances.save(instance)
        uow.audit(
            actor, action, "approval_request", request_id, before=before, after=instance.record()
        )
        audit = await uow.instances.audit(request_id)
        await uow.commit()
    return InstanceWithAudit(instance, audit)


async def decide(
    request_id: str,
    decision: Decision,
    actor: Principal,
    comment: str | None,
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> InstanceWithAudit:
    """`actor` approves or rejects the current step, in person or for the assignee who
    delegated to them (recorded as "X for Y")."""
    at = now()

    async def change(instance: ApprovalInstance) -> None:
        assignments, acting_for = await _authority(uow, instance, actor.id, at)
        if decision == "approve":
            instance.approve(actor.id, assignments, at, comment, acting_for)
        else:
            instance.reject(actor.id, assignments, at, comment, acting_for)

    return await _act(request_id, actor, decision, uow, change)


async def transfer(
    request_id: str,
    actor: Principal,
    to: str,
    comment: str | None,
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> InstanceWithAudit:
    """A current assignee (or their delegate) hands the current step to `to` alone."""
    at = now()

    async def change(instance: ApprovalInstance) -> None:
        assignments, acting_for = await _authority(uow, instance, actor.id, at)
        domain.transfer(instance, actor.id, assignments, to, comment, at, acting_for)

    return await _act(request_id, actor, "transfer", uow, change)


async def withdraw(
    request_id: str, actor: Principal, reason: str | None, uow: ApprovalUoW, now: Clock = utc_now
) -> InstanceWithAudit:
    """The requester withdraws a pending request; `ApprovalWithdrawn` is published."""
    at = now()

    async def change(instance: ApprovalInstance) -> None:
        domain.withdraw(instance, actor.id, reason, at)

    # The requester may be the requesting service itself (replenishment's requisitions).
    return await _act(request_id, actor, "withdraw", uow, change, people_only=False)


async def resubmit(
    request_id: str,
    actor: Principal,
    details: dict[str, Any] | None,
    comment: str | None,
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> InstanceWithAudit:
    """The requester resubmits a rejected request as its next version, from step 1."""
    at = now()

    async def change(instance: ApprovalInstance) -> None:
        domain.resubmit(instance, actor.id, details, comment, at)

    return await _act(request_id, actor, "resubmit", uow, change, people_only=False)


async def comment(
    request_id: str, actor: Principal, text: str | None, uow: ApprovalUoW, now: Clock = utc_now
) -> InstanceWithAudit:
    """A participant (requester, assignee, their delegate, an earlier decider) or an
    administrator comments on the current step."""
    at = now()

    async def change(instance: ApprovalInstance) -> None:
        if not actor.may("approval:admin") and actor.id not in await _participants(
            uow, instance, at
        ):
            raise NotAuthorized(
                f"{actor.id} takes no part in request {instance.request_id}; only its "
                "requester, assignees, their delegates and earlier approvers comment on it"
            )
        domain.add_comment(instance, actor.id, text, at)

    return await _act(request_id, actor, "comment", uow, change, people_only=False)


async def _participants(uow: ApprovalUoW, instance: ApprovalInstance, now: datetime) -> set[str]:
    people = domain.participants(instance)
    task = instance.current_task
    if task is not None:
        assignees = list(task.assignees) or await uow.approvers.holders(
            task.role, instance.department
        )
        people.update(assignees)
        delegations = await uow.delegations.from_(assignees)
        people.update(d.delegate for d in delegations if d.covers(instance.flow_id, now))
    return people
