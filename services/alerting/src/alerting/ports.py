"""What the alerting handlers need: its unit of work and repositories, as Protocols.

The SQL unit of work (`adapters.unit_of_work`) and the in-memory fakes of the unit tests both
implement them. Repositories `track` the alerts they load or add, so what an alert records
reaches the outbox when the unit of work commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.replenishment import ForecastAccuracyMeasured
from inventory_runtime.uow import UnitOfWorkProtocol

from alerting.domain import Alert, Rule
from alerting.domain.business_rules import Delivery, Request
from alerting.domain.forecasts import ForecastPeriod
from alerting.domain.grid import Forecasts, Rollups
from alerting.domain.kpis import DayRow, Period
from alerting.domain.language import RuleDefinition
from alerting.domain.movements import DayChange
from alerting.domain.points import Point, PointFilter, StockPoint


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

    async def open_among(
        self, rule_ids: Sequence[str], subjects: Sequence[str] | None
    ) -> Sequence[Alert]:
        """The open alerts of any of these rules about any of these subjects (None: any),
        locked."""
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

    async def classify(self, sku: str, location: str, abc_class: str, at: datetime) -> None:
        """The ABC class planning gave a stock point at `at` (an older one never overwrites)."""
        ...

    async def points(self, where: PointFilter, keys: Sequence[Point] = ()) -> list[StockPoint]:
        """The stock points matching `where` (and among `keys` when given)."""
        ...

    async def days(self, keys: Sequence[Point], since: date) -> dict[Point, list[DayRow]]:
        """The stock points' day rows from `since` on, with the last one before it."""
        ...

    async def rollups(
        self,
        keys: Sequence[Point],
        period: Period,
        start: date,
        today: date,
        *,
        every: bool = False,
    ) -> Rollups:
        """The stock points' roll-ups (weeks, or days) from `start` to the period of `today`,
        with the last one before `start`, column by column in the order of `keys` (`every`:
        they are every stock point, in the order `points` lists them)."""
        ...

    async def measured(
        self, keys: Sequence[Point], period: Period, start: date, today: date, *, every: bool
    ) -> Forecasts:
        """Planning's measured forecasts of the stock points for the periods from `start` to
        today's, numbered as `rollups` numbers them."""
        ...


class RuleBookStore(Protocol):
    """The KPI rules, their schedule and the alert history their noise controls read."""

    async def enabled(self) -> list[tuple[str, RuleDefinition]]: ...
    async def row(self, rule_id: str, *, for_update: bool = False) -> dict[str, Any] | None: ...
    async def save(
        self, rule_id: str, definition: RuleDefinition, by: str | None, *, new: bool
    ) -> dict[str, Any]: ...
    async def add_version(
        self, rule_id: str, version: int, definition: dict[str, Any], by: str | None
    ) -> None: ...
    async def update_plain(self, rule_id: str, changes: dict[str, Any]) -> dict[str, Any]: ...
    async def channels_known(self, ids: Sequence[str]) -> set[str]: ...
    async def delete(self, rule_id: str) -> bool: ...
    async def claim_all_due(self, now: datetime) -> list[tuple[str, RuleDefinition]]: ...
    async def schedule(self, due: Sequence[tuple[str, datetime]]) -> None:
        """Each (rule, its next evaluation)."""
        ...

    async def quiet_among(
        self, wanted: Sequence[tuple[str, str, int]], now: datetime
    ) -> set[tuple[str, str]]:
        """Of these (rule, subject, cooldown minutes): those in their cooldown or snoozed."""
        ...

    async def escalate_due(self, rule_id: str, after_minutes: int, now: datetime) -> list[str]: ...
    async def enqueue_many(self, queued: Sequence[tuple[str, str, datetime | None]]) -> None:
        """Queue a notification per (alert, channel, not before: None for now)."""
        ...


class BusinessKpiStore(Protocol):
    """Purchase orders (supplier on-time), approval requests (overdue approvals) and planning's
    forecasts against demand (forecast error and bias)."""

    async def purchase_order(self, order_id: str, supplier_id: str, expected: date) -> None: ...
    async def cancelled(self, order_id: str) -> None: ...
    async def received(self, order_id: str, at: datetime) -> None: ...
    async def approval(self, request_id: str, changes: dict[str, Any]) -> None: ...
    async def forecast(self, event: ForecastAccuracyMeasured) -> None: ...
    async def deliveries(self, since: date) -> list[Delivery]: ...
    async def overdue_requests(self, since: datetime | None = None) -> list[Request]: ...
    async def forecasts(
        self, keys: Sequence[Point], period: str, start: date, end: date
    ) -> dict[Point, list[ForecastPeriod]]: ...


class KpiAlertStore(AlertStore, Protocol):
    """The alerts as a round of KPI rules writes them: many in one statement."""

    async def add_many(self, alerts: Sequence[Alert]) -> set[str]:
        """Store new alerts; the ids of those stored (none whose condition is already open)."""
        ...

    async def resolve_many(self, alerts: Sequence[Alert]) -> None:
        """Write the resolution of these alerts."""
        ...


class KpiUoW(AlertingUoW, Protocol):
    """A unit of work with the KPI store and the KPI rules too."""

    @property
    def alerts(self) -> KpiAlertStore: ...

    @property
    def business(self) -> BusinessKpiStore: ...

    @property
    def kpis(self) -> KpiStore: ...
    @property
    def rule_book(self) -> RuleBookStore: ...
