"""Unit tests of alerting's handlers with an in-memory unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from alerting import handlers
from alerting.domain import AlertDraft, AlertStateError, AlertStatus, Rule
from inventory_contracts.envelope import new_event
from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent


@dataclass(frozen=True)
class FakeAlert:
    id: str
    rule_id: str
    subject: str
    status: AlertStatus
    details: dict[str, Any]


class FakeAlerts:
    def __init__(self) -> None:
        self.rows: dict[str, FakeAlert] = {}

    async def open(self, draft: AlertDraft, raised_at: datetime) -> str | None:
        if await self.open_for(draft.rule_id, draft.subject):
            return None
        alert_id = f"alr_{len(self.rows) + 1}"
        self.rows[alert_id] = FakeAlert(
            alert_id, draft.rule_id, draft.subject, "raised", draft.details
        )
        return alert_id

    async def open_for(self, rule_id: str, subject: str) -> FakeAlert | None:
        return next(iter(await self.open_among([rule_id], [subject])), None)

    async def open_among(self, rule_ids: Sequence[str], subjects: Sequence[str]) -> list[FakeAlert]:
        return [
            a for a in self.rows.values()
            if a.rule_id in rule_ids and a.subject in subjects and a.status != "resolved"
        ]  # fmt: skip

    async def get(self, alert_id: str, *, for_update: bool = False) -> FakeAlert | None:
        return self.rows.get(alert_id)

    async def set_status(
        self, alert_id: str, status: AlertStatus, at: datetime, resolution: str | None = None
    ) -> None:
        self.rows[alert_id] = replace(self.rows[alert_id], status=status)


class FakeRules:
    def __init__(self, *rules: Rule) -> None:
        self.rules = list(rules)

    async def of_kinds(self, kinds: Sequence[str]) -> list[Rule]:
        return sorted((rule for rule in self.rules if rule.kind in kinds), key=lambda r: r.id)


class FakeChannels:
    def __init__(self, *enabled: str) -> None:
        self.enabled = list(enabled)

    async def enabled_ids(self) -> list[str]:
        return self.enabled


class FakeNotifications:
    def __init__(self) -> None:
        self.queued: set[tuple[str, str]] = set()

    async def enqueue(self, alert_id: str, channel_id: str) -> bool:
        new = (alert_id, channel_id) not in self.queued
        self.queued.add((alert_id, channel_id))
        return new


LOW_STOCK = Rule("low_stock", "low_stock", "warning", True)
REJECTED = Rule("reservation_rejected", "reservation_rejected", "critical", True)


class FakeAlertingUoW(FakeUnitOfWork):
    def __init__(self, *rules: Rule, channels: tuple[str, ...] = ("chn_mail", "chn_hook")) -> None:
        super().__init__(source="/services/alerting")
        self.rules = FakeRules(*(rules or (LOW_STOCK, REJECTED)))
        self.channels = FakeChannels(*channels)
        self.alerts = FakeAlerts()
        self.notifications = FakeNotifications()


T0 = datetime.now(UTC)
BREACH = StockBelowThreshold(
    sku="SKU-1", location="WH1", inventory_position=Decimal("3"), on_hand=Decimal("3"),
    reserved=Decimal("0"), on_order=Decimal("0"), reorder_point=Decimal("5"),
)  # fmt: skip


def inbound(event: Event, time: datetime = T0) -> InboundEvent:
    cloud_event = new_event(event, source="/services/test", time=time)
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)  # type: ignore[arg-type]


def availability(atp: str, as_of: datetime) -> InboundEvent:
    event = AvailabilityChanged(
        sku="SKU-1", location="WH1", on_hand=Decimal(atp), reserved=Decimal("0"),
        available_to_promise=Decimal(atp), as_of=as_of,
    )  # fmt: skip
    return inbound(event)


async def consume(uow: FakeAlertingUoW, *events: InboundEvent) -> None:
    async with uow:
        await handlers.handle(events, uow)
        await uow.commit()


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
    assert uow.alerts.rows["alr_1"].status == "raised"
    await consume(uow, availability("8", T0 + timedelta(seconds=2)))
    assert uow.alerts.rows["alr_1"].status == "resolved"
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
    await handlers.acknowledge("alr_1", uow)
    assert uow.alerts.rows["alr_1"].status == "acknowledged"
    await handlers.resolve("alr_1", uow)
    assert uow.alerts.rows["alr_1"].status == "resolved"
    assert len(uow.events_of(AlertResolved)) == 1
    with pytest.raises(AlertStateError):
        await handlers.resolve("alr_1", uow)
    with pytest.raises(handlers.AlertNotFound):
        await handlers.acknowledge("alr_404", uow)
