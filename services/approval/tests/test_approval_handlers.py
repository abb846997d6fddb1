"""Approval handlers and the consumer against an in-memory unit of work."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from approval import consumer, domain, handlers
from approval.domain import ApprovalInstance, Assignment, AuditEntry, Flow, FlowStep, legacy_flow
from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
)
from inventory_runtime.auth.principal import Principal, PrincipalKind
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.uow import RecordsEvents

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
DEFAULT_FLOW = dataclasses.replace(
    legacy_flow(
        "purchase-requisition",
        "purchase_requisition",
        "Purchase requisition approval",
        (
            FlowStep("department_manager", time_limit_hours=24),
            FlowStep("finance_director", min_amount_exclusive=D(50000), time_limit_hours=48),
        ),
    ),
    version=1,
)
APPROVERS = [
    Assignment("wang.manager", "Wang", "department_manager", "*"),
    Assignment("li.finance", "Li", "finance_director", "*"),
    Assignment("zhao.ops", "Zhao", "department_manager", "operations"),
]


def person(login: str, *roles: str, kind: PrincipalKind = "person") -> Principal:
    """Who an access token names (the API passes the verified token's principal)."""
    return Principal(login, f"sub-{login}", frozenset(roles or ("approver",)), kind=kind)


ADMIN = person("root.admin", "admin")
MessageOf = Callable[..., InboundEvent[ApprovalRequested]]
Start = Callable[[ApprovalRequested], Awaitable[None]]


class FakeFlows:
    def __init__(self) -> None:
        self.rows: dict[str, Flow] = {DEFAULT_FLOW.flow_id: DEFAULT_FLOW}

    async def get(self, flow_id: str) -> Flow | None:
        return self.rows.get(flow_id)

    async def versions(self, flow_id: str) -> list[Flow]:
        return [self.rows[flow_id]] if flow_id in self.rows else []

    async def version(self, flow_id: str, version: int) -> Flow | None:
        flow = self.rows.get(flow_id)
        return flow if flow is not None and flow.version == version else None

    async def for_subject_type(self, subject_type: str) -> Flow | None:
        return next(
            (f for f in self.rows.values() if f.subject_type == subject_type and f.active), None
        )

    async def owner_of(self, subject_type: str) -> str | None:
        return next((f.flow_id for f in self.rows.values() if f.subject_type == subject_type), None)

    async def lock(self, flow_id: str) -> None:
        """One caller at a time already."""

    async def add_version(self, flow: Flow, created_by: str) -> None:
        self.rows[flow.flow_id] = flow


class FakeApprovers:
    def __init__(self) -> None:
        self.rows = list(APPROVERS)

    async def of(self, approver_id: str) -> list[Assignment]:
        return [a for a in self.rows if a.approver_id == approver_id]

    async def add(self, assignment: Assignment) -> bool:
        """Add, or rename the holder of, the (approver, role, department) assignment."""
        key = (assignment.approver_id, assignment.role, assignment.department)
        kept = [a for a in self.rows if (a.approver_id, a.role, a.department) != key]
        created = len(kept) == len(self.rows)
        self.rows = [*kept, assignment]
        return created

    async def holders(self, role: str, department: str) -> list[str]:
        return sorted({a.approver_id for a in self.rows if a.covers(role, department)})


class FakeTimers:
    """No timer is due in these tests (the timer rules: test_approval_timers.py; firing them:
    test_approval_timers_integration.py)."""

    async def claim_due(self, now: datetime, limit: int) -> list[domain.Timer]:
        return []

    async def mark_fired(self, timer: domain.Timer, now: datetime) -> None:
        raise AssertionError("no timer is claimed")

    async def drop(self, timer: domain.Timer) -> None:
        raise AssertionError("no timer is claimed")


class FakePeople:
    def __init__(self) -> None:
        self.rows: dict[str, domain.Person] = {}

    async def apply(self, person: domain.Person) -> None:
        kept = self.rows.get(person.login)
        if kept is None or kept.changed_at <= person.changed_at:
            self.rows[person.login] = person

    async def managers_of(self, logins: list[str]) -> list[str]:
        found = (self.rows[login] for login in logins if login in self.rows)
        return sorted({p.manager_login for p in found if p.active and p.manager_login})

    async def chain_of(self, login: str, levels: int) -> list[str]:
        chain: list[str] = []
        while len(chain) < levels and login in self.rows and self.rows[login].manager_login:
            login = self.rows[login].manager_login or ""
            chain.append(login)
        return chain


class FakeDelegations:
    def __init__(self) -> None:
        self.rows: dict[str, domain.Delegation] = {}

    async def add(self, delegation: domain.Delegation) -> None:
        self.rows[delegation.delegation_id] = delegation

    async def get(self, delegation_id: str) -> domain.Delegation | None:
        return self.rows.get(delegation_id)

    async def save(self, delegation: domain.Delegation) -> None:
        self.rows[delegation.delegation_id] = delegation

    async def of(self, login: str) -> list[domain.Delegation]:
        return [d for d in self.rows.values() if login in (d.delegator, d.delegate)]

    async def to(self, delegate: str) -> list[domain.Delegation]:
        return [d for d in self.rows.values() if d.delegate == delegate and not d.cancelled_at]

    async def from_(self, delegators: list[str]) -> list[domain.Delegation]:
        return [d for d in self.rows.values() if d.delegator in delegators and not d.cancelled_at]


class FakeInstances:
    """Instances kept as copies (as rows would be); what it loads or adds is tracked."""

    def __init__(self, track: Callable[[RecordsEvents], None]) -> None:
        self.rows: dict[str, ApprovalInstance] = {}
        self.audit_rows: dict[str, list[AuditEntry]] = {}
        self._track = track

    async def get(self, request_id: str, *, for_update: bool = False) -> ApprovalInstance | None:
        found = self.rows.get(request_id)
        if found is None:
            return None
        instance = copy.deepcopy(found)
        self._track(instance)
        return instance

    async def add(self, instance: ApprovalInstance) -> bool:
        if instance.request_id in self.rows:
            return False
        await self.save(instance)
        self._track(instance)
        return True

    async def save(self, instance: ApprovalInstance) -> None:
        self.audit_rows.setdefault(instance.request_id, []).extend(instance.new_audit)
        instance.new_audit.clear()
        stored = copy.deepcopy(instance)
        stored.events = []
        self.rows[instance.request_id] = stored

    async def audit(self, request_id: str) -> list[AuditEntry]:
        return list(self.audit_rows.get(request_id, []))


class FakeApprovalUoW(FakeUnitOfWork):
    """`ApprovalUoW` in memory, with the default flow and three approvers."""

    fallback_role = "approval_admin"

    def __init__(self) -> None:
        super().__init__(source="/services/approval")
        self.flows = FakeFlows()
        self.approvers = FakeApprovers()
        self.instances = FakeInstances(self.track)
        self.timers = FakeTimers()
        self.people = FakePeople()
        self.delegations = FakeDelegations()


@pytest.fixture
def uow() -> FakeApprovalUoW:
    return FakeApprovalUoW()


@pytest.fixture
def start(uow: FakeApprovalUoW, message_of: MessageOf) -> Start:
    """Apply a request as the consumer does, in its own committed transaction."""

    async def apply(event: ApprovalRequested) -> None:
        async with uow:
            await handlers.start_approval(message_of(event), uow, lambda: NOW)
            await uow.commit()

    return apply


def requested(
    request_id: str = "APR-1", amount: str = "1000", subject_type: str = "purchase_requisition"
) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type=subject_type,
        subject_id=f"REQ-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by="replenishment",
        summary="restock",
    )


async def test_request_creates_a_pending_instance_and_publishes_nothing(
    uow: FakeApprovalUoW, start: Start
) -> None:
    await start(requested(amount="60000"))
    instance = uow.instances.rows["APR-1"]
    assert instance.status == "pending"
    assert [t.role for t in instance.tasks] == ["department_manager", "finance_director"]
    assert uow.published == []


async def test_duplicate_request_id_creates_nothing_new(uow: FakeApprovalUoW, start: Start) -> None:
    await start(requested())
    await handlers.decide("APR-1", "approve", person("wang.manager"), None, uow, lambda: NOW)
    await start(requested())  # redelivered with a new event id
    assert uow.instances.rows["APR-1"].status == "approved"
    assert len(uow.events_of(ApprovalGranted)) == 1


async def test_decide_publishes_granted_once(uow: FakeApprovalUoW, start: Start) -> None:
    await start(requested())
    outcome = await handlers.decide(
        "APR-1", "approve", person("wang.manager"), "fine", uow, lambda: NOW
    )
    assert outcome.instance.status == "approved"
    assert [a.action for a in outcome.audit] == ["requested", "approved", "granted"]
    (granted,) = uow.events_of(ApprovalGranted)
    assert isinstance(granted, ApprovalGranted)
    assert granted.subject_id == "REQ-APR-1"
    with pytest.raises(domain.AlreadyDecided):
        await handlers.decide("APR-1", "approve", person("wang.manager"), None, uow, lambda: NOW)
    assert len(uow.published) == 1


async def test_refused_decision_changes_nothing(uow: FakeApprovalUoW, start: Start) -> None:
    await start(requested())
    with pytest.raises(domain.NotAuthorized):
        await handlers.decide("APR-1", "approve", person("li.finance"), None, uow, lambda: NOW)
    assert uow.instances.rows["APR-1"].status == "pending"
    assert uow.published == []


async def test_reject_publishes_rejected_with_reason(uow: FakeApprovalUoW, start: Start) -> None:
    await start(requested())
    await handlers.decide("APR-1", "reject", person("wang.manager"), "not needed", uow, lambda: NOW)
    (rejected,) = uow.events_of(ApprovalRejected)
    assert isinstance(rejected, ApprovalRejected)
    assert rejected.reason == "not needed"


async def test_unknown_request(uow: FakeApprovalUoW) -> None:
    with pytest.raises(domain.UnknownRequest):
        await handlers.decide("APR-X", "approve", person("wang.manager"), None, uow, lambda: NOW)


async def test_consumer_publishes_an_outcome_with_the_ids_of_the_request_it_answers(
    uow: FakeApprovalUoW, message_of: MessageOf
) -> None:
    messages = [
        message_of(requested("APR-1", subject_type="unknown"), correlation_id="chain-1"),
        message_of(requested("APR-2", subject_type="unknown"), correlation_id="chain-2"),
        message_of(requested("APR-3")),
    ]
    async with uow:
        await consumer.subscription().handler(messages, uow)
        await uow.commit()
    assert [(type(p.event), p.key) for p in uow.published] == [
        (ApprovalRejected, "REQ-APR-1"),
        (ApprovalRejected, "REQ-APR-2"),
    ]
    assert [(p.cloud_event.correlationid, p.cloud_event.causationid) for p in uow.published] == [
        ("chain-1", messages[0].id),
        ("chain-2", messages[1].id),
    ]
    assert uow.instances.rows["APR-3"].status == "pending"


async def test_flow_set_up_refuses_a_subject_type_another_flow_serves(
    uow: FakeApprovalUoW,
) -> None:
    other = legacy_flow("other", "purchase_requisition", "Other", (FlowStep("clerk"),))
    with pytest.raises(domain.SubjectTypeTaken):
        await handlers.put_flow(other, ADMIN, uow)
    assert await handlers.put_flow(DEFAULT_FLOW, ADMIN, uow) == (DEFAULT_FLOW, False)
    assert uow.flows.rows["purchase-requisition"] == DEFAULT_FLOW
    assert uow.audited == []  # refused, then unchanged: nothing to audit


async def test_the_requester_and_service_accounts_are_refused_and_nothing_changes(
    uow: FakeApprovalUoW, start: Start
) -> None:
    await start(requested().model_copy(update={"requested_by": "wang.manager"}))
    for actor in (person("wang.manager"), person("replenishment", kind="service")):
        with pytest.raises(domain.NotAuthorized):
            await handlers.decide("APR-1", "approve", actor, None, uow, lambda: NOW)
    stored = uow.instances.rows["APR-1"]
    assert (stored.status, [t.status for t in stored.tasks]) == ("pending", ["pending"])
    assert [a.action for a in uow.instances.audit_rows["APR-1"]] == ["requested"]
    assert uow.published == []


async def test_a_decision_is_audited_with_the_request_before_and_after(
    uow: FakeApprovalUoW, start: Start
) -> None:
    await start(requested(amount="60000"))
    await handlers.decide("APR-1", "approve", person("wang.manager"), "ok", uow, lambda: NOW)
    (entry,) = uow.audited
    assert (entry["actor"], entry["actor_kind"], entry["action"]) == (
        "wang.manager",
        "person",
        "approve",
    )
    assert (entry["entity_type"], entry["entity_id"]) == ("approval_request", "APR-1")
    assert [s["status"] for s in entry["before"]["steps"]] == ["pending", "waiting"]
    assert [(s["status"], s["approver"]) for s in entry["after"]["steps"]] == [
        ("approved", "wang.manager"),
        ("pending", None),
    ]


async def test_flow_and_approver_changes_are_audited_before_and_after(
    uow: FakeApprovalUoW,
) -> None:
    changed = legacy_flow(
        DEFAULT_FLOW.flow_id,
        DEFAULT_FLOW.subject_type,
        DEFAULT_FLOW.name,
        (FlowStep("department_manager"),),
    )
    stored, created = await handlers.put_flow(changed, ADMIN, uow)
    assert (stored.version, created) == (2, False)
    renamed = Assignment("wang.manager", "Wang Wei", "department_manager", "*")
    assert await handlers.add_approver(renamed, ADMIN, uow) is False
    assert await handlers.add_approver(renamed, ADMIN, uow) is False  # unchanged: not audited
    flow_entry, approver_entry = uow.audited
    assert (flow_entry["action"], flow_entry["actor"]) == ("update", "root.admin")
    before, after = flow_entry["before"], flow_entry["after"]
    assert (before["version"], after["version"]) == (1, 2)
    assert [len(b["branches"]) for b in (before, after)] == [2, 1]
    assert before["branches"][0]["condition"] == {"field": "amount", "op": "gt", "value": 50000}
    assert (approver_entry["entity_type"], approver_entry["entity_id"]) == (
        "approver",
        "wang.manager",
    )
    assert approver_entry["before"]["display_name"] == "Wang"
    assert approver_entry["after"]["display_name"] == "Wang Wei"
