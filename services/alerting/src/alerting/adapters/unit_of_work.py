"""The alerting unit of work: the runtime's, with the alerting repositories on it."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from alerting.adapters.business_kpis import BusinessKpis
from alerting.adapters.kpi_store import KpiRepository
from alerting.adapters.repositories import (
    AlertRepository,
    ChannelRepository,
    NotificationRepository,
    RuleRepository,
)
from alerting.adapters.rule_store import RuleBook


class AlertingUnitOfWork(UnitOfWork):
    """Implements `ports.AlertingUoW` over PostgreSQL; repositories are new per transaction."""

    rules: RuleRepository
    channels: ChannelRepository
    alerts: AlertRepository
    notifications: NotificationRepository
    kpis: KpiRepository
    rule_book: RuleBook
    business: BusinessKpis

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.rules = RuleRepository(self.session)
        self.channels = ChannelRepository(self.session)
        self.alerts = AlertRepository(self.session, self.track)
        self.notifications = NotificationRepository(self.session)
        self.kpis = KpiRepository(self.session)
        self.rule_book = RuleBook(self.session)
        self.business = BusinessKpis(self.session)
        return self
