"""Use cases of alerting: raise alerts from events (once per open condition), resolve them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import event_context
from inventory_runtime.uow import UnitOfWorkProtocol

from alerting import domain
from alerting.domain import LOW_STOCK, RESERVATION_REJECTED, AlertDraft, AlertStatus, Rule


class OpenAlert(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def status(self) -> AlertStatus: ...
    @property
    def details(self) -> dict[str, Any]: ...


class RuleStore(Protocol):
    async def of_kinds(self, kinds: Sequence[str]) -> Sequence[Rule]: ...


class ChannelStore(Protocol):
    async def enabled_ids(self) -> list[str]: ...


class AlertStore(Protocol):
    async def open(self, draft: AlertDraft, raised_at: datetime) -> str | None: ...
    async def open_among(
        self, rule_ids: Sequence[str], subjects: Sequence[str]
    ) -> Sequence[OpenAlert]: ...
    async def get(self, alert_id: str, *, for_update: bool = False) -> OpenAlert | None: ...
    async def set_status(
        self, alert_id: str, status: AlertStatus, at: datetime, resolution: str | None = None
    ) -> None: ...


class NotificationStore(Protocol):
    async def enqueue(self, alert_id: str, channel_id: str) -> bool: ...


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


class AlertNotFound(Exception):
    """No alert has the given id."""


def _now() -> datetime:
    return datetime.now(UTC)


async def raise_alert(rule: Rule, draft: AlertDraft, uow: AlertingUoW) -> str | None:
    """Open the alert, queue one notification per channel and publish `AlertRaised`.

    Nothing happens when the same condition is already open (the unique open-alert index
    decides, so concurrent consumers agree). Returns the new alert's id, if one was raised.
    """
    raised_at = _now()
    alert_id = await uow.alerts.open(draft, raised_at)
    if alert_id is None:
        return None
    for channel_id in rule.targets(await uow.channels.enabled_ids()):
        await uow.notifications.enqueue(alert_id, channel_id)
    uow.publish(
        AlertRaised(
            alert_id=alert_id,
            rule_id=rule.id,
            rule_kind=rule.kind,
            severity=draft.severity,
            subject=draft.subject,
            title=draft.title,
            message=draft.message,
            raised_at=raised_at,
            details=draft.details,
        )
    )
    return alert_id


async def _resolve(alert: OpenAlert, resolution: str, uow: AlertingUoW) -> None:
    resolved_at = _now()
    await uow.alerts.set_status(alert.id, "resolved", resolved_at, resolution)
    uow.publish(
        AlertResolved(
            alert_id=alert.id, rule_id=alert.rule_id, subject=alert.subject, resolved_at=resolved_at
        )
    )


async def on_stock_below_threshold(
    event: InboundEvent, rules: Sequence[Rule], uow: AlertingUoW
) -> None:
    """`StockBelowThreshold` -> a low-stock alert per enabled rule of that kind."""
    assert isinstance(event.data, StockBelowThreshold)
    for rule in _of_kind(rules, LOW_STOCK):
        if rule.enabled:
            draft = domain.low_stock_alert(rule, event.data, event.cloud_event.time)
            await raise_alert(rule, draft, uow)


async def on_reservation_rejected(
    event: InboundEvent, rules: Sequence[Rule], uow: AlertingUoW
) -> None:
    """`ReservationRejected` -> a rejected-reservation alert per enabled rule of that kind."""
    assert isinstance(event.data, ReservationRejected)
    for rule in _of_kind(rules, RESERVATION_REJECTED):
        if rule.enabled:
            draft = domain.reservation_rejected_alert(rule, event.data, event.cloud_event.time)
            await raise_alert(rule, draft, uow)


async def on_availability_changed(
    run: Sequence[InboundEvent], rules: Sequence[Rule], uow: AlertingUoW
) -> None:
    """Consecutive `AvailabilityChanged` -> resolve the shortage alerts of recovered stock points.

    The open alerts of the whole run are read (and locked) in one query, then each event is
    judged in order: an alert resolved by an earlier event of the run is not resolved again.
    """
    watching = [rule for kind in RECOVERED for rule in _of_kind(rules, kind)]
    if not run or not watching:
        return
    subjects = sorted({_stock_point(event) for event in run})
    found = await uow.alerts.open_among([rule.id for rule in watching], subjects)
    open_alerts = {(alert.rule_id, alert.subject): alert for alert in found}
    for event in run:
        availability = event.data
        assert isinstance(availability, AvailabilityChanged)
        subject = _stock_point(event)
        for rule in watching:
            alert = open_alerts.get((rule.id, subject))
            if alert is not None and RECOVERED[rule.kind](
                alert.details, availability.available_to_promise, availability.as_of
            ):
                with event_context(event):
                    await _resolve(alert, "availability_recovered", uow)
                del open_alerts[(rule.id, subject)]


async def acknowledge(alert_id: str, uow: AlertingUoW) -> None:
    """A person has seen the alert (raises `AlertStateError` if it is resolved)."""
    async with uow:
        alert = await uow.alerts.get(alert_id, for_update=True)
        if alert is None:
            raise AlertNotFound(alert_id)
        if alert.status != "acknowledged":
            await uow.alerts.set_status(alert_id, domain.acknowledge(alert.status), _now())
        await uow.commit()


async def resolve(alert_id: str, uow: AlertingUoW) -> None:
    """A person resolved the alert by hand; publishes `AlertResolved`."""
    async with uow:
        alert = await uow.alerts.get(alert_id, for_update=True)
        if alert is None:
            raise AlertNotFound(alert_id)
        domain.check_resolvable(alert.status)
        await _resolve(alert, "manual", uow)
        await uow.commit()


RAISERS = {
    StockBelowThreshold.event_type: on_stock_below_threshold,
    ReservationRejected.event_type: on_reservation_rejected,
}
RECOVERED = {LOW_STOCK: domain.resolves_low_stock, RESERVATION_REJECTED: domain.resolves_shortage}
"""The kinds whose alerts availability resolves, in the order they are checked."""


async def handle(events: Sequence[InboundEvent], uow: AlertingUoW) -> None:
    """Apply consumed events in their order, in the caller's transaction.

    The rules are read once; each run of consecutive `AvailabilityChanged` is checked at once.
    What an event publishes carries that event's correlation id.
    """
    rules = await uow.rules.of_kinds([LOW_STOCK, RESERVATION_REJECTED])
    run: list[InboundEvent] = []
    for event in events:
        if isinstance(event.data, AvailabilityChanged):
            run.append(event)
            continue
        await on_availability_changed(run, rules, uow)
        run = []
        with event_context(event):
            await RAISERS[event.type](event, rules, uow)
    await on_availability_changed(run, rules, uow)


def _of_kind(rules: Sequence[Rule], kind: str) -> list[Rule]:
    return [rule for rule in rules if rule.kind == kind]


def _stock_point(event: InboundEvent) -> str:
    assert isinstance(event.data, AvailabilityChanged)
    return f"{event.data.sku}@{event.data.location}"
