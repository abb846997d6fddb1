"""SQL for the alerting tables, and the unit of work that carries the repositories."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from inventory_runtime.db import text_array
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import any_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.db import OPEN_ALERT, alerts, channels, notifications, rules
from alerting.domain import AlertDraft, AlertStatus, Rule


@dataclass(frozen=True)
class Alert:
    """A stored alert."""

    id: str
    rule_id: str
    subject: str
    status: AlertStatus
    severity: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None


def new_id(prefix: str) -> str:
    """A readable unique id such as ``alr_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex}"


def _alert(row: Any) -> Alert:
    return Alert(**{name: getattr(row, name) for name in Alert.__dataclass_fields__})


def _rule(row: Any) -> Rule:
    return Rule(row.id, row.kind, row.severity, row.enabled, tuple(row.channel_ids))


class RuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_kinds(self, kinds: Sequence[str]) -> list[Rule]:
        """The rules of these kinds (enabled or not), in id order."""
        query = select(rules).where(rules.c.kind == any_(text_array(kinds))).order_by(rules.c.id)
        return [_rule(row) for row in (await self._session.execute(query)).all()]

    async def all_rows(self) -> list[dict[str, Any]]:
        query = select(rules).order_by(rules.c.id)
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]

    async def update(self, rule_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        statement = (
            update(rules)
            .where(rules.c.id == rule_id)
            .values(**changes, updated_at=datetime.now(UTC))
            .returning(rules)
        )
        row = (await self._session.execute(statement)).mappings().one_or_none()
        return None if row is None else dict(row)


class ChannelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enabled_ids(self) -> list[str]:
        query = select(channels.c.id).where(channels.c.enabled).order_by(channels.c.created_at)
        return list((await self._session.scalars(query)).all())

    async def existing_ids(self, ids: list[str]) -> set[str]:
        query = select(channels.c.id).where(channels.c.id.in_(ids))
        return set((await self._session.scalars(query)).all())

    async def add(self, name: str, kind: str, config: dict[str, Any], enabled: bool) -> str:
        channel_id = new_id("chn")
        await self._session.execute(
            insert(channels).values(
                id=channel_id, name=name, kind=kind, config=config, enabled=enabled
            )
        )
        return channel_id

    async def replace(
        self, channel_id: str, name: str, kind: str, config: dict[str, Any], enabled: bool
    ) -> bool:
        found = await self._session.scalar(
            update(channels)
            .where(channels.c.id == channel_id)
            .values(
                name=name, kind=kind, config=config, enabled=enabled, updated_at=datetime.now(UTC)
            )
            .returning(channels.c.id)
        )
        return found is not None

    async def name_taken(self, name: str, other_than: str | None = None) -> bool:
        query = select(channels.c.id).where(channels.c.name == name)
        if other_than is not None:
            query = query.where(channels.c.id != other_than)
        return (await self._session.scalar(query)) is not None

    async def rows(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        query = select(channels).order_by(channels.c.created_at, channels.c.id)
        if channel_id is not None:
            query = query.where(channels.c.id == channel_id)
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open(self, draft: AlertDraft, raised_at: datetime) -> str | None:
        """Insert the alert; None when one is already open for its rule and subject."""
        statement = (
            insert(alerts)
            .values(
                id=new_id("alr"),
                rule_id=draft.rule_id,
                subject=draft.subject,
                status="raised",
                severity=draft.severity,
                title_zh=draft.title_zh,
                title_en=draft.title_en,
                message_zh=draft.message_zh,
                message_en=draft.message_en,
                details=draft.details,
                raised_at=raised_at,
            )
            .on_conflict_do_nothing(
                index_elements=[alerts.c.rule_id, alerts.c.subject],
                index_where=OPEN_ALERT,
            )
            .returning(alerts.c.id)
        )
        alert_id: str | None = await self._session.scalar(statement)
        return alert_id

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        query = select(alerts).where(alerts.c.id == alert_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).one_or_none()
        return None if row is None else _alert(row)

    async def open_among(self, rule_ids: Sequence[str], subjects: Sequence[str]) -> list[Alert]:
        """The open alerts of any of these rules about any of these subjects, locked in id order.

        The open predicate is literal SQL, as in the partial unique index, so that a generic
        plan of this prepared statement can still use the index.
        """
        query = (
            select(alerts)
            .where(alerts.c.rule_id == any_(text_array(rule_ids)))
            .where(alerts.c.subject == any_(text_array(subjects)))
            .where(OPEN_ALERT)
            .order_by(alerts.c.id)
            .with_for_update()
        )
        return [_alert(row) for row in (await self._session.execute(query)).all()]

    async def set_status(
        self, alert_id: str, status: AlertStatus, at: datetime, resolution: str | None = None
    ) -> None:
        stamp = {"resolved_at": at, "resolution": resolution}
        if status == "acknowledged":
            stamp = {"acknowledged_at": at}
        await self._session.execute(
            update(alerts).where(alerts.c.id == alert_id).values(status=status, **stamp)
        )

    async def find(
        self, *, status: str | None, rule_id: str | None, subject: str | None, limit: int
    ) -> list[Alert]:
        query = select(alerts).order_by(alerts.c.raised_at.desc(), alerts.c.id).limit(limit)
        if status is not None:
            query = query.where(alerts.c.status == status)
        if rule_id is not None:
            query = query.where(alerts.c.rule_id == rule_id)
        if subject is not None:
            query = query.where(alerts.c.subject == subject)
        return [_alert(row) for row in (await self._session.execute(query)).all()]


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, alert_id: str, channel_id: str) -> bool:
        inserted = await self._session.scalar(
            insert(notifications)
            .values(alert_id=alert_id, channel_id=channel_id)
            .on_conflict_do_nothing()
            .returning(notifications.c.id)
        )
        return inserted is not None

    async def find(
        self, *, alert_id: str | None, status: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = (
            select(notifications, channels.c.kind.label("channel_kind"))
            .join(channels, channels.c.id == notifications.c.channel_id)
            .order_by(notifications.c.id.desc())
            .limit(limit)
        )
        if alert_id is not None:
            query = query.where(notifications.c.alert_id == alert_id)
        if status is not None:
            query = query.where(notifications.c.status == status)
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]


class AlertingUnitOfWork(UnitOfWork):
    """The runtime's unit of work with the alerting repositories on it."""

    rules: RuleRepository
    channels: ChannelRepository
    alerts: AlertRepository
    notifications: NotificationRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.rules = RuleRepository(self.session)
        self.channels = ChannelRepository(self.session)
        self.alerts = AlertRepository(self.session)
        self.notifications = NotificationRepository(self.session)
        return self
