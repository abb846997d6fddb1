"""The SQL unit of work of approval: one transaction, with the repositories on its session."""

from __future__ import annotations

from typing import ClassVar, Self

from inventory_runtime.clock import utc_now
from inventory_runtime.uow import RecordsEvents, UnitOfWork

from approval.adapters.approvers import ApproverRepository
from approval.adapters.delegations import DelegationRepository
from approval.adapters.flows import FlowRepository
from approval.adapters.instances import InstanceRepository
from approval.adapters.notifications import NoticeConfig, NotificationRepository
from approval.adapters.people import PeopleRepository
from approval.adapters.task_list import TaskList
from approval.adapters.timers import DEFAULT_REMINDER_SHARE, TimerRepository
from approval.domain.assignees import FALLBACK_ROLE
from approval.domain.instances import ApprovalInstance
from approval.domain.notices import NoticeWatch


class ApprovalUnitOfWork(UnitOfWork):
    """`ports.ApprovalUoW` on PostgreSQL, plus the read queries of the API.

    The instance repository tracks the instances it loads or adds, so `commit` writes the
    events they recorded to the outbox in the same transaction, and the messages their change
    causes (`domain.notices`) to `approval_notifications`.
    """

    flows: FlowRepository
    approvers: ApproverRepository
    instances: InstanceRepository
    task_list: TaskList
    timers: TimerRepository
    people: PeopleRepository
    delegations: DelegationRepository
    notifications: NotificationRepository
    reminder_share: ClassVar[float] = DEFAULT_REMINDER_SHARE
    notice_config: ClassVar[NoticeConfig] = NoticeConfig()
    fallback_role: ClassVar[str] = FALLBACK_ROLE

    @classmethod
    def with_fallback_role(cls, role: str) -> type[ApprovalUnitOfWork]:
        """This unit of work handing a step nobody may decide to `role` (the setting)."""
        return type(cls.__name__, (cls,), {"fallback_role": role})

    @classmethod
    def with_reminder_share(cls, share: float) -> type[ApprovalUnitOfWork]:
        """This unit of work writing reminders at `share` of a step's limit (the setting)."""
        return type(cls.__name__, (cls,), {"reminder_share": share})

    @classmethod
    def with_notices(cls, config: NoticeConfig) -> type[ApprovalUnitOfWork]:
        """This unit of work addressing messages as `config` says (the settings)."""
        return type(cls.__name__, (cls,), {"notice_config": config})

    def track(self, *aggregates: RecordsEvents) -> None:
        """Track for the outbox, and remember how each instance was (for its notices)."""
        self._watch.track(*(a for a in aggregates if isinstance(a, ApprovalInstance)))
        super().track(*aggregates)

    def collect_events(self) -> None:
        """Note the events the instances recorded (they cause notices), then queue them."""
        self._watch.note_events()
        super().collect_events()

    async def commit(self) -> None:
        """Write the messages the tracked instances' changes cause, then commit."""
        self._watch.note_events()
        await self.notifications.plan(self._watch.take(), utc_now())
        await super().commit()

    async def rollback(self) -> None:
        self._watch = NoticeWatch()
        await super().rollback()

    async def __aenter__(self) -> Self:
        self._watch = NoticeWatch()
        await super().__aenter__()
        self.flows = FlowRepository(self.session)
        self.approvers = ApproverRepository(self.session)
        self.instances = InstanceRepository(self.session, self.track, self.reminder_share)
        self.task_list = TaskList(self.session)
        self.timers = TimerRepository(self.session, self.reminder_share)
        self.people = PeopleRepository(self.session)
        self.delegations = DelegationRepository(self.session)
        self.notifications = NotificationRepository(
            self.session, self.approvers, self.delegations, self.notice_config
        )
        return self
