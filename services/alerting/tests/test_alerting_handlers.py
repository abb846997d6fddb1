"""Unit tests of alerting's handlers with an in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

import pytest
from alerting import handlers
from alerting.consumer import subscription
from alerting.domain import Alert, AlertNotFound, AlertStateError, AlertStatus, Rule
from alerting.ports import KpiUoW
from inventory_contracts.envelope import new_event
from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.auth.principal import Principal
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.uow import RecordsEvents

OPERATOR = Principal(id="zhao.op", subject="s-zhao", roles=frozenset({"operator"}))
PLANNER = Principal(id="sun.planner", subject="s-sun", roles=frozenset({"planner"}))


class FakeAlerts:
    def __init__(self, track: Callable[[RecordsEvents], None]) -> None:
        self.rows: dict[str, Alert] = {}
        self._track = track

    def new_id(self) -> str:
        return f"alr_{len(self.rows) + 1}"

    async def add(self, alert: Alert) -> bool:
        if await self.open_among([alert.rule_id], [alert.subject]):
            return False
        self.rows[alert.id] = alert
        self._track(alert)
        return True

    async def open_among(
        self, rule_ids: Sequence[str], subjects: Sequence[str] | None
    ) -> list[Alert]:
        found = [
            a for a in self.rows.values()
            if a.rule_id in rule_ids and (subjects is None or a.subject in subjects) and a.is_open
        ]  # fmt: skip
        for alert in found:
            self._track(alert)
        return found

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        alert = self.rows.get(alert_id)
        if alert is not None:
            self._track(alert)
        return alert

    async def save(self, alert: Alert) -> None:
        self.rows[alert.id] = alert


class FakeRules:
    def __init__(self, *rules: Rule) -> None:
        self.rules = list(rules)

    async def all(self) -> list[Rule]:
        return sorted(self.rules, key=lambda r: r.id)


class FakeChannels:
    def __init__(self, *enabled: str) -> None:
        self.enabled = list(enabled)

    async def enabled_ids(self) -> list[str]:
        return self.enabled


class FakeNotifications:
    def __init__(self) -> None:
        self.queued: set[tuple[str, str]] = set()

    async def enqueue(self, alert_id: str, channel_ids: Sequence[str]) -> None:
        self.queued |= {(alert_id, channel_id) for channel_id in channel_ids}


LOW_STOCK = Rule("low_stock", "low_stock", "warning", True)
REJECTED = Rule("reservation_rejected", "reservation_rejected", "critical", True)


class FakeAlertingUoW(FakeUnitOfWork):
    def __init__(self, *rules: Rule, channels: tuple[str, ...] = ("chn_mail", "chn_hook")) -> None:
        super().__init__(source="/services/alerting")
        self.rules = FakeRules(*(rules or (LOW_STOCK, REJECTED)))
        self.channels = FakeChannels(*channels)
        self.alerts = FakeAlerts(self.track)
        self.notifications = FakeNotifications()


T0 = datetime.now(UTC)
BREACH = StockBelowThreshold(
    sku="SKU-1", location="WH1", inventory_position=Decimal("3"), on_hand=Decimal("3"),
    reserved=Decimal("0"), on_order=Decimal("0"), reorder_point=Decimal("5"),
)  # fmt: skip


def inbound(event: Event, time: datetime = T0) -> InboundEvent:
    cloud_event = new_event(event, source="/services/test", time=time)
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


def availability(atp: str, as_of: datetime) -> InboundEvent:
    event = AvailabilityChanged(
        sku="SKU-1", location="WH1", on_hand=Decimal(atp), reserved=Decimal("0"),
        available_to_promise=Decimal(atp), as_of=as_of,
    )  # fmt: skip
    return inbound(event)


async def consume(uow: FakeAlertingUoW, *events: InboundEvent) -> None:
    """As the consumer loop applies a batch: in one transaction, through the registry (these
    events never reach the KPI store, which the fake does not have)."""
    async with uow:
        await subscription().handler(events, cast(KpiUoW, uow))
        await uow.commit()


def status_of(uow: FakeAlertingUoW, alert_id: str) -> AlertStatus:
    return uow.alerts.rows[alert_id].status


async def test_same_open_condition_twice_raises_one_alert_and_notifies_each_channel_once() -> None:
    uow = FakeAlertingUoW()
    await consume(uow, inbound(BREACH))
    await consume(uow, inbound(BREACH, T0 + timedelta(seconds=5)))  # new event id, same condition
    assert len(uow.alerts.rows) == 1
    assert uow.notifications.queued == {("alr_1", "chn_mail"), ("alr_1", "chn_hook")}
    [raised] = uow.events_of(AlertRaised)
    assert isinstance(raised, AlertRaised)
    assert (raised.rule_kind, raised.subject, raised.severity) == (
        "low_stock",
        "SKU-1@WH1",
        "warning",
    )
    assert raised.title == "库存低于再订货点 / Stock below reorder point"


async def test_disabled_rule_raises_nothing() -> None:
    uow = FakeAlertingUoW(replace(LOW_STOCK, enabled=False))
    await consume(uow, inbound(BREACH))
    assert uow.alerts.rows == {} and uow.published == []


async def test_rule_with_its_own_channels_notifies_only_those() -> None:
    uow = FakeAlertingUoW(replace(LOW_STOCK, channel_ids=("chn_hook",)))
    await consume(uow, inbound(BREACH))
    assert uow.notifications.queued == {("alr_1", "chn_hook")}


async def test_no_channel_still_records_and_publishes_the_alert() -> None:
    uow = FakeAlertingUoW(channels=())
    await consume(uow, inbound(BREACH))
    assert len(uow.alerts.rows) == 1 and uow.notifications.queued == set()
    assert len(uow.events_of(AlertRaised)) == 1


async def test_availability_above_reorder_point_resolves_and_a_new_breach_raises_again() -> None:
    uow = FakeAlertingUoW()
    await consume(uow, inbound(BREACH))
    await consume(uow, availability("5", T0 + timedelta(seconds=1)))  # not above: stays open
    await consume(uow, availability("40", T0 - timedelta(seconds=1)))  # stale: stays open
    assert status_of(uow, "alr_1") == "raised"
    await consume(uow, availability("8", T0 + timedelta(seconds=2)))
    assert status_of(uow, "alr_1") == "resolved"
    [resolved] = uow.events_of(AlertResolved)
    assert isinstance(resolved, AlertResolved) and resolved.alert_id == "alr_1"
    await consume(uow, inbound(BREACH, T0 + timedelta(seconds=3)))
    assert [a.status for a in uow.alerts.rows.values()] == ["resolved", "raised"]
    assert len(uow.events_of(AlertRaised)) == 2


async def test_rejected_reservation_raises_an_alert_about_the_order() -> None:
    uow = FakeAlertingUoW()
    rejected = ReservationRejected(order_id="SO-9", reason="unknown_sku", message="unknown SKU")
    await consume(uow, inbound(rejected))
    [raised] = uow.events_of(AlertRaised)
    assert isinstance(raised, AlertRaised)
    assert (raised.subject, raised.severity, raised.rule_id) == (
        "SO-9",
        "critical",
        "reservation_rejected",
    )


async def test_manual_acknowledge_and_resolve() -> None:
    uow = FakeAlertingUoW()
    await consume(uow, inbound(BREACH))
    await handlers.acknowledge("alr_1", OPERATOR, uow)
    assert status_of(uow, "alr_1") == "acknowledged"
    await handlers.acknowledge("alr_1", PLANNER, uow)  # changes nothing, audits nothing
    await handlers.resolve("alr_1", PLANNER, uow)
    alert = uow.alerts.rows["alr_1"]
    assert (alert.status, alert.acknowledged_by, alert.resolved_by) == (
        "resolved",
        "zhao.op",
        "sun.planner",
    )
    assert len(uow.events_of(AlertResolved)) == 1
    acknowledged, resolved = uow.audited
    assert (acknowledged["actor"], acknowledged["action"], acknowledged["entity_id"]) == (
        "zhao.op",
        "acknowledge",
        "alr_1",
    )
    assert acknowledged["before"]["status"] == "raised"
    assert acknowledged["after"]["acknowledged_by"] == "zhao.op"
    assert (resolved["actor"], resolved["before"]["status"]) == ("sun.planner", "acknowledged")
    assert (resolved["after"]["status"], resolved["after"]["resolution"]) == ("resolved", "manual")
    with pytest.raises(AlertStateError):
        await handlers.resolve("alr_1", PLANNER, uow)
    with pytest.raises(AlertNotFound):
        await handlers.acknowledge("alr_404", OPERATOR, uow)
