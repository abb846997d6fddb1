"""Approval use cases: start an instance from a request, decide a step, set up flows and approvers.

Each loads through the ports, lets the domain decide and commits; the events the instances
record reach the outbox through the unit of work. The event handler runs inside the consumer's
transaction (the consumer loop commits); the command handlers, called by the API, open and
commit their own.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.inbound import InboundEvent

from approval.domain import (
    ApprovalInstance,
    Assignment,
    AuditEntry,
    Decision,
    Flow,
    NotAuthorized,
    UnknownRequest,
)
from approval.ports import ApprovalUoW

log = logging.getLogger(__name__)


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
