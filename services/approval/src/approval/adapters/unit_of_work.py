"""The SQL unit of work of approval: one transaction, with the repositories on its session."""

from __future__ import annotations

from typing import ClassVar, Self

from inventory_runtime.uow import UnitOfWork

from approval.adapters.approvers import ApproverRepository
from approval.adapters.delegations import DelegationRepository
from approval.adapters.flows import FlowRepository
from approval.adapters.instances import InstanceRepository
from approval.adapters.people import PeopleRepository
from approval.adapters.task_list import TaskList
from approval.adapters.timers import DEFAULT_REMINDER_SHARE, TimerRepository


class ApprovalUnitOfWork(UnitOfWork):
    """`ports.ApprovalUoW` on PostgreSQL, plus the read queries of the API.

    The instance repository tracks the instances it loads or adds, so `commit` writes the
    events they recorded to the outbox in the same transaction.
    """

    flows: FlowRepository
    approvers: ApproverRepository
    instances: InstanceRepository
    task_list: TaskList
    timers: TimerRepository
    people: PeopleRepository
    delegations: DelegationRepository
    reminder_share: ClassVar[float] = DEFAULT_REMINDER_SHARE

    @classmethod
    def with_reminder_share(cls, share: float) -> type[ApprovalUnitOfWork]:
        """This unit of work writing reminders at `share` of a step's limit (the setting)."""
        return type(cls.__name__, (cls,), {"reminder_share": share})

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.flows = FlowRepository(self.session)
        self.approvers = ApproverRepository(self.session)
        self.instances = InstanceRepository(self.session, self.track, self.reminder_share)
        self.task_list = TaskList(self.session)
        self.timers = TimerRepository(self.session, self.reminder_share)
        self.people = PeopleRepository(self.session)
        self.delegations = DelegationRepository(self.session)
        return self
