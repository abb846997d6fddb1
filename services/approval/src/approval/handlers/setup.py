"""Start an instance from a consumed request, set up flows and approvers, keep the people
directory. Set-up changes are audited with the state before and after."""

from __future__ import annotations

import logging
from dataclasses import asdict, replace

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.identity import PersonChanged
from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.inbound import InboundEvent

from approval.domain import ApprovalInstance, Assignment, Flow, Person
from approval.handlers.assign import assign_current
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
    instance = ApprovalInstance.start(request, flow, now())
    await assign_current(uow, instance)
    await uow.instances.add(instance)


async def put_flow(flow: Flow, actor: Principal, uow: ApprovalUoW) -> tuple[Flow, bool]:
    """Store `flow` as the flow's next version and make it current; the stored version and
    whether the flow is new. Running instances keep the version they started with. A new
    version is audited with the flow before and after; putting the current one again changes
    and records nothing."""
    async with uow:
        await uow.flows.lock(flow.flow_id)
        flow.check_subject_type_free(await uow.flows.owner_of(flow.subject_type))
        before = await uow.flows.get(flow.flow_id)
        if before is not None and flow.same_as(before):
            return before, False
        stored = replace(flow, version=1 if before is None else before.version + 1)
        await uow.flows.add_version(stored, actor.id)
        uow.audit(
            actor,
            "create" if before is None else "update",
            "approval_flow",
            flow.flow_id,
            before=None if before is None else before.record(),
            after=stored.record(),
        )
        await uow.commit()
    return stored, before is None


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
    """Keep who manages whom and how to reach them (the consumer's inbox makes a redelivery a
    no-op; an older change arriving late does not overwrite a newer one)."""
    person = message.data
    await uow.people.apply(
        Person(
            login=person.login,
            manager_login=person.manager_login,
            department=person.department,
            active=person.active,
            changed_at=person.changed_at,
            email=person.email,
            locale=person.locale,
            dingtalk_user_id=person.dingtalk_user_id,
            wecom_user_id=person.wecom_user_id,
            feishu_user_id=person.feishu_user_id,
            slack_user_id=person.slack_user_id,
        )
    )
