"""Use cases of alerting: raise alerts from events (once per open condition), resolve them.

The consumer's registry calls the event handlers inside its transaction; the API calls the
commands (`acknowledge`, `resolve`), which commit their own. Alerts record what they publish;
the unit of work collects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import utc_now
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import event_context

from alerting.domain import (
    LOW_STOCK,
    RESERVATION_REJECTED,
    Alert,
    AlertDraft,
    AlertNotFound,
    Rule,
    firing,
    low_stock_alert,
    reservation_rejected_alert,
    watching_availability,
)
from alerting.ports import AlertingUoW


async def raise_low_stock(message: InboundEvent[StockBelowThreshold], uow: AlertingUoW) -> None:
    """`StockBelowThreshold` -> a low-stock alert per enabled rule of that kind."""
    for rule in firing(await uow.rules.all(), LOW_STOCK):
        await _raise(rule, low_stock_alert(rule, message.data, message.cloud_event.time), uow)


async def raise_rejected_reservation(
    message: InboundEvent[ReservationRejected], uow: AlertingUoW
) -> None:
    """`ReservationRejected` -> a rejected-reservation alert per enabled rule of that kind."""
    for rule in firing(await uow.rules.all(), RESERVATION_REJECTED):
        draft = reservation_rejected_alert(rule, message.data, message.cloud_event.time)
        await _raise(rule, draft, uow)


async def _raise(rule: Rule, draft: AlertDraft, uow: AlertingUoW) -> None:
    """Open the alert and queue one notification per channel of the rule.

    Nothing happens when the same condition is already open (the unique open-alert index
    decides, so concurrent consumers agree).
    """
    alert = Alert.raise_for(uow.alerts.new_id(), rule, draft, utc_now())
    if await uow.alerts.add(alert):
        channel_ids = rule.targets(await uow.channels.enabled_ids())
        await uow.notifications.enqueue(alert.id, channel_ids)


async def resolve_recovered(
    run: Sequence[InboundEvent[AvailabilityChanged]], uow: AlertingUoW
) -> None:
    """Consecutive `AvailabilityChanged` -> resolve the alerts of recovered stock points.

    The open alerts of the whole run are read (and locked) in one query, then each event is
    judged in order: an alert resolved by an earlier event of the run is not resolved again.
    """
    watching = watching_availability(await uow.rules.all())
    if not watching:
        return
    subjects = sorted({message.data.key() for message in run})
    found = await uow.alerts.open_among([rule.id for rule in watching], subjects)
    open_alerts = {(alert.rule_id, alert.subject): alert for alert in found}
    for message in run:
        for rule in watching:
            alert = open_alerts.get((rule.id, message.data.key()))
            if alert is not None and alert.resolve_if_recovered(rule, message.data, utc_now()):
                await uow.alerts.save(alert)
        # `AlertResolved` is keyed by the alert, not by the stock point, so the batch's
        # key-to-message map cannot name its cause: it leaves with this message's ids.
        with event_context(message):
            uow.collect_events()


async def acknowledge(alert_id: str, actor: Principal, uow: AlertingUoW) -> None:
    """`actor` has seen the alert (raises `AlertStateError` if it is resolved)."""
    async with uow:
        alert = await _get_for_update(alert_id, uow)
        before = _decision_fields(alert)
        alert.acknowledge(actor.id, utc_now())
        await _save_decision(alert, actor, "acknowledge", before, uow)


async def resolve(alert_id: str, actor: Principal, uow: AlertingUoW) -> None:
    """`actor` resolved the alert by hand (it publishes `AlertResolved`)."""
    async with uow:
        alert = await _get_for_update(alert_id, uow)
        before = _decision_fields(alert)
        alert.resolve("manual", utc_now(), by=actor.id)
        await _save_decision(alert, actor, "resolve", before, uow)


async def snooze(alert_id: str, minutes: int, actor: Principal, uow: AlertingUoW) -> None:
    """`actor` holds back the alert's escalation, and a new alert of its condition after it
    resolves, for `minutes` (raises `AlertStateError` if it is resolved)."""
    async with uow:
        alert = await _get_for_update(alert_id, uow)
        before = _decision_fields(alert)
        alert.snooze(utc_now() + timedelta(minutes=minutes), actor.id)
        await _save_decision(alert, actor, "snooze", before, uow)


def _decision_fields(alert: Alert) -> dict[str, Any]:
    """What a person's decision on an alert changes, as the audit log records it."""
    names = ("status", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by")
    return {name: getattr(alert, name) for name in (*names, "resolution", "snoozed_until")}


async def _save_decision(
    alert: Alert, actor: Principal, action: str, before: dict[str, Any], uow: AlertingUoW
) -> None:
    """Store the alert and audit the decision with it, when it changed anything (acknowledging
    twice records nothing the second time)."""
    after = _decision_fields(alert)
    await uow.alerts.save(alert)
    if after != before:
        uow.audit(actor, action, "alert", alert.id, before=before, after=after)
    await uow.commit()


async def _get_for_update(alert_id: str, uow: AlertingUoW) -> Alert:
    alert = await uow.alerts.get(alert_id, for_update=True)
    if alert is None:
        raise AlertNotFound(alert_id)
    return alert
