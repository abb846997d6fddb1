"""The SQL unit of work of approval: one transaction, with the repositories on its session."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from approval.adapters.approvers import ApproverRepository
from approval.adapters.flows import FlowRepository
from approval.adapters.instances import InstanceRepository
from approval.adapters.task_list import TaskList


class ApprovalUnitOfWork(UnitOfWork):
    """`ports.ApprovalUoW` on PostgreSQL, plus the read queries of the API.

    The instance repository tracks the instances it loads or adds, so `commit` writes the
    events they recorded to the outbox in the same transaction.
    """

    flows: FlowRepository
    approvers: ApproverRepository
    instances: InstanceRepository
    task_list: TaskList

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.flows = FlowRepository(self.session)
        self.approvers = ApproverRepository(self.session)
        self.instances = InstanceRepository(self.session, self.track)
        self.task_list = TaskList(self.session)
        return self
