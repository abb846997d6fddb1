"""Approval use cases: start an instance, decide a step, set up flows and approvers, keep the
people directory, and fire the timers of pending steps (reminders, escalation).

Each loads through the ports, lets the domain decide and commits; the events the instances
record reach the outbox through the unit of work. The event handler runs inside the consumer's
transaction (the consumer loop commits); the command handlers, called by the API, open and
commit their own.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Final

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.identity import PersonChanged
from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.inbound import InboundEvent

from approval.domain import (
    TIMER_ACTOR,
    ApprovalInstance,
    Assignment,
    AuditEntry,
    Decision,
    EscalationTarget,
    Flow,
    NotAuthorized,
    Person,
    Task,
    UnknownRequest,
    escalate,
    escalation_target,
    remind,
)
from approval.ports import ApprovalUoW

log = logging.getLogger(__name__)

FALLBACK_ROLE: Final = "approval_admin"
"""Who an overdue step goes to when it has no escalation role holder and no known manager."""


async def start_approval(
    message: InboundEvent[ApprovalRequested],
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> None:
    """Create the instance with the flow's steps for the amount; a known request_id is a no-op."""
    request = message.data
    if await uow.instances.get(request.request_id) is not None:
        log.info("approval request %s already known", request.request_id)
        return
    flow = await uow.flows.for_subject_type(request.subject_type)
    await uow.instances.add(ApprovalInstance.start(request, flow, now()))


@dataclass(frozen=True)
class InstanceWithAudit:
    """A decided-on instance and its audit trail, as the API answers a decision."""

    instance: ApprovalInstance
    audit: list[AuditEntry]


async def decide(
    request_id: str,
    decision: Decision,
    actor: Principal,
    comment: str | None,
    uow: ApprovalUoW,
    now: Clock = utc_now,
) -> InstanceWithAudit:
    """`actor` (whom the access token names) approves or rejects the current step of a request,
    audited with the request's state before and after; domain errors say why not, and a
    refusal changes nothing (the transaction is rolled back)."""
    if actor.kind != "person":
        raise NotAuthorized(f"{actor.id} is a service account; approvals are decided by people")
    async with uow:
        instance = await uow.instances.get(request_id, for_update=True)
        if instance is None:
            raise UnknownRequest(request_id)
        before = instance.record()
        assignments = await uow.approvers.of(actor.id)
        if decision == "approve":
            instance.approve(actor.id, assignments, now(), comment)
        else:
            instance.reject(actor.id, assignments, now(), comment)
        await uow.instances.save(instance)
        uow.audit(
            actor, decision, "approval_request", request_id, before=before, after=instance.record()
        )
        audit = await uow.instances.audit(request_id)
        await uow.commit()
    return InstanceWithAudit(instance, audit)


async def put_flow(flow: Flow, actor: Principal, uow: ApprovalUoW) -> bool:
    """Create or replace a flow; True if created. Running instances keep their steps. A change
    is audited with the flow before and after (putting the same flow again records nothing)."""
    async with uow:
        flow.check_subject_type_free(await uow.flows.owner_of(flow.subject_type))
        before = await uow.flows.get(flow.flow_id)
        created = await uow.flows.save(flow)
        if before != flow:
            uow.audit(
                actor,
                "create" if before is None else "update",
                "approval_flow",
                flow.flow_id,
                before=None if before is None else before.record(),
                after=flow.record(),
            )
        await uow.commit()
    return created


async def add_approver(assignment: Assignment, actor: Principal, uow: ApprovalUoW) -> bool:
    """Give an approver a role (for a department or all); True if the assignment is new. A
    change is audited with the assignment before and after (an unchanged one records nothing)."""
    async with uow:
        before = next(
            (
                held
                for held in await uow.approvers.of(assignment.approver_id)
                if (held.role, held.department) == (assignment.role, assignment.department)
            ),
            None,
        )
        created = await uow.approvers.add(assignment)
        if before != assignment:
            uow.audit(
                actor,
                "create" if before is None else "update",
                "approver",
                assignment.approver_id,
                before=None if before is None else asdict(before),
                after=asdict(assignment),
            )
        await uow.commit()
    return created


async def apply_person(message: InboundEvent[PersonChanged], uow: ApprovalUoW) -> None:
    """Keep who manages whom (the consumer's inbox makes a redelivery a no-op; an older change
    arriving late does not overwrite a newer one)."""
    person = message.data
    await uow.people.apply(
        Person(
            login=person.login,
            manager_login=person.manager_login,
            department=person.department,
            active=person.active,
            changed_at=person.changed_at,
        )
    )


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
    """Who may decide `task` now: its named assignees, or its role's holders (four eyes)."""
    people = task.assignees or await uow.approvers.holders(task.role, instance.department)
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
