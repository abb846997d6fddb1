"""Delegations for an absence window: give one, list one's own, cancel one (audited)."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now

from approval.domain import (
    Delegation,
    InvalidInput,
    NotAuthorized,
    UnknownDelegation,
    delegation_problems,
)
from approval.ports import ApprovalUoW


async def delegate(
    actor: Principal,
    to: str,
    starts_at: datetime,
    ends_at: datetime,
    flow_ids: tuple[str, ...],
    comment: str | None,
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> Delegation:
    """`actor` lets `to` decide their tasks from `starts_at` until `ends_at`."""
    if actor.kind != "person":
        raise NotAuthorized(f"{actor.id} is a service account; only people delegate")
    at = now()
    problems = delegation_problems(actor.id, to, starts_at, ends_at, at)
    if problems:
        raise InvalidInput(*problems[0])
    delegation = Delegation(
        delegation_id=str(uuid4()),
        delegator=actor.id,
        delegate=to,
        starts_at=starts_at,
        ends_at=ends_at,
        flow_ids=flow_ids,
        comment=comment,
        created_at=at,
    )
    async with uow:
        await uow.delegations.add(delegation)
        uow.audit(
            actor,
            "create",
            "approval_delegation",
            delegation.delegation_id,
            after=delegation.record(),
        )
        await uow.commit()
    return delegation


async def delegations_of(actor: Principal, uow: ApprovalUoW) -> list[Delegation]:
    """The delegations `actor` gave or was given, newest first."""
    async with uow:
        return await uow.delegations.of(actor.id)


async def cancel_delegation(
    delegation_id: str, actor: Principal, uow: ApprovalUoW, now: Clock = utc_now
) -> Delegation:
    """The delegator (or an administrator) ends a delegation before its window does."""
    async with uow:
        delegation = await uow.delegations.get(delegation_id)
        if delegation is None:
            raise UnknownDelegation(delegation_id)
        cancelled = delegation.cancel(actor.id, now(), admin=actor.may("approval:admin"))
        await uow.delegations.save(cancelled)
        uow.audit(
            actor,
            "cancel",
            "approval_delegation",
            delegation_id,
            before=delegation.record(),
            after=cancelled.record(),
        )
        await uow.commit()
    return cancelled
