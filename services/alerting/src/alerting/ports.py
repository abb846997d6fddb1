"""What the alerting handlers need: its unit of work and repositories, as Protocols.

The SQL unit of work (`adapters.unit_of_work`) and the in-memory fakes of the unit tests both
implement them. Repositories `track` the alerts they load or add, so what an alert records
reaches the outbox when the unit of work commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from inventory_contracts.events.master_data import ItemUpserted
from inventory_runtime.uow import UnitOfWorkProtocol

from alerting.domain import Alert, Rule
from alerting.domain.movements import DayChange


class RuleStore(Protocol):
    async def all(self) -> Sequence[Rule]:
        """Every rule, enabled or not, in id order (read once per unit of work)."""
        ...


class ChannelStore(Protocol):
    async def enabled_ids(self) -> list[str]:
        """The enabled channels, oldest first."""
        ...


class AlertStore(Protocol):
    def new_id(self) -> str:
        """An id for a new alert."""
        ...

    async def add(self, alert: Alert) -> bool:
        """Store a new alert; False (and nothing stored) when its condition is already open."""
        ...

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None: ...

    async def open_among(self, rule_ids: Sequence[str], subjects: Sequence[str]) -> Sequence[Alert]:
        """The open alerts of any of these rules about any of these subjects, locked."""
        ...

    async def save(self, alert: Alert) -> None:
        """Write the alert's state (status, when acknowledged or resolved, how)."""
        ...


class NotificationStore(Protocol):
    async def enqueue(self, alert_id: str, channel_ids: Sequence[str]) -> None:
        """Queue one notification of the alert per channel (once each)."""
        ...


class AlertingUoW(UnitOfWorkProtocol, Protocol):
    """What the alerting handlers need from a unit of work."""

    @property
    def rules(self) -> RuleStore: ...
    @property
    def channels(self) -> ChannelStore: ...
    @property
    def alerts(self) -> AlertStore: ...
    @property
    def notifications(self) -> NotificationStore: ...


class KpiStore(Protocol):
    async def record(self, changes: Sequence[DayChange]) -> None:
        """Add movements' day changes to the stock points' day rows."""
        ...

    async def record_backorder(self, sku: str, location: str, day: date, delta: Decimal) -> None:
        """Units backordered (`delta` > 0) or filled (< 0) at a stock point on `day`."""
        ...

    async def upsert_item(self, item: ItemUpserted) -> None: ...


class KpiUoW(AlertingUoW, Protocol):
    """A unit of work with the KPI store too."""

    @property
    def kpis(self) -> KpiStore: ...
