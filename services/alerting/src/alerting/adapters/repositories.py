"""SQL for the alerting tables: rules, channels, alerts (the aggregate) and notifications.

The alert repository tells the unit of work to `track` each alert it loads or adds, so what
the alert records reaches the outbox on commit. The ``rows`` and ``find`` queries serve the
API's views.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from inventory_runtime.db import text_array
from inventory_runtime.uow import RecordsEvents
from sqlalchemy import Row, Text, any_, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters.tables import OPEN_ALERT, alerts, channels, notifications, rules
from alerting.domain import Alert, Rule

Track = Callable[[RecordsEvents], None]
ALERT_COLUMNS = [column for column in alerts.c]
"""The stored alert, column for column the fields of `Alert` (but its events)."""


def new_id(prefix: str) -> str:
    """A readable unique id such as ``alr_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex}"


def _alert(row: Row[Any]) -> Alert:
    return Alert(**row._asdict())


class RuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._all: list[Rule] | None = None

    async def all(self) -> list[Rule]:
        """Every rule (enabled or not) in id order, read once per unit of work: a consumed
        batch asks for them with each message."""
        if self._all is None:
            query = select(
                rules.c.id, rules.c.kind, rules.c.severity, rules.c.enabled, rules.c.channel_ids
            ).order_by(rules.c.id)
            self._all = [
                Rule(rule_id, kind, severity, enabled, tuple(channel_ids))
                for rule_id, kind, severity, enabled, channel_ids in await self._session.execute(
                    query
                )
            ]
        return self._all

    async def all_rows(self) -> list[dict[str, Any]]:
        query = select(rules).order_by(rules.c.id)
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]


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
    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    def new_id(self) -> str:
        return new_id("alr")

    async def add(self, alert: Alert) -> bool:
        """Insert the alert; False when one is already open for its rule and subject."""
        statement = (
            insert(alerts)
            .values({column.name: getattr(alert, column.name) for column in ALERT_COLUMNS})
            .on_conflict_do_nothing(
                index_elements=[alerts.c.rule_id, alerts.c.subject],
                index_where=OPEN_ALERT,
            )
            .returning(alerts.c.id)
        )
        if await self._session.scalar(statement) is None:
            return False
        self._track(alert)
        return True

    async def add_many(self, added: Sequence[Alert]) -> set[str]:
        """Insert new alerts in one statement; the ids stored (one already open for its rule and
        subject keeps the new one out)."""
        if not added:
            return set()
        params: dict[str, list[Any]] = {name: [] for name in _RAISED}
        for alert in added:
            for name in _RAISED:
                value = getattr(alert, name)
                params[name].append(json.dumps(value) if name == "details" else value)
        stored = set((await self._session.scalars(_ADD_MANY, params)).all())
        self._track(*(alert for alert in added if alert.id in stored))
        return stored

    async def resolve_many(self, resolved: Sequence[Alert]) -> None:
        """Write the resolution of these alerts in one statement."""
        if resolved:
            params = {name: [getattr(alert, name) for alert in resolved] for name in _RESOLVED}
            await self._session.execute(_RESOLVE_MANY, params)

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        query = select(*ALERT_COLUMNS).where(alerts.c.id == alert_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).one_or_none()
        return None if row is None else self._loaded(row)

    async def open_among(
        self, rule_ids: Sequence[str], subjects: Sequence[str] | None
    ) -> list[Alert]:
        """The open alerts of any of these rules about any of these subjects (None: any),
        locked in id order.

        The open predicate is literal SQL, as in the partial unique index, so that a generic
        plan of this prepared statement can still use the index.
        """
        query = (
            select(*ALERT_COLUMNS)
            .where(alerts.c.rule_id == any_(text_array(rule_ids)))
            .where(OPEN_ALERT)
            .order_by(alerts.c.id)
            .with_for_update()
        )
        if subjects is not None:
            query = query.where(alerts.c.subject == any_(text_array(subjects)))
        return [self._loaded(row) for row in (await self._session.execute(query)).all()]

    async def save(self, alert: Alert) -> None:
        await self._session.execute(
            update(alerts)
            .where(alerts.c.id == alert.id)
            .values(
                status=alert.status,
                acknowledged_at=alert.acknowledged_at,
                acknowledged_by=alert.acknowledged_by,
                resolved_at=alert.resolved_at,
                resolved_by=alert.resolved_by,
                resolution=alert.resolution,
                snoozed_until=alert.snoozed_until,
                snoozed_by=alert.snoozed_by,
            )
        )

    async def rows(
        self,
        *,
        alert_id: str | None = None,
        status: str | None = None,
        rule_id: str | None = None,
        subject: str | None = None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Stored alerts as the API shows them, newest first."""
        query = select(alerts).order_by(alerts.c.raised_at.desc(), alerts.c.id).limit(limit)
        for column, value in (
            (alerts.c.id, alert_id),
            (alerts.c.status, status),
            (alerts.c.rule_id, rule_id),
            (alerts.c.subject, subject),
        ):
            if value is not None:
                query = query.where(column == value)
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]

    def _loaded(self, row: Row[Any]) -> Alert:
        alert = _alert(row)
        self._track(alert)
        return alert


_RAISED = {
    "id": "text", "rule_id": "text", "subject": "text", "severity": "text",
    "title_zh": "text", "title_en": "text", "message_zh": "text", "message_en": "text",
    "details": "text", "raised_at": "timestamptz",
}  # fmt: skip
_ADD_MANY = text(
    f"""INSERT INTO alerts ({", ".join(_RAISED)})
        SELECT {", ".join(f"a.{n}" if n != "details" else "CAST(a.details AS jsonb)"
                          for n in _RAISED)}
          FROM unnest({", ".join(f"CAST(:{n} AS {t}[])" for n, t in _RAISED.items())})
            AS a({", ".join(_RAISED)})
        ON CONFLICT (rule_id, subject) WHERE status <> 'resolved' DO NOTHING
        RETURNING id"""
)  # fmt: skip
_RESOLVED = {
    "id": "text", "status": "text", "resolved_at": "timestamptz", "resolved_by": "text",
    "resolution": "text",
}  # fmt: skip
_RESOLVE_MANY = text(
    f"""UPDATE alerts SET status = r.status, resolved_at = r.resolved_at,
               resolved_by = r.resolved_by, resolution = r.resolution
          FROM unnest({", ".join(f"CAST(:{n} AS {t}[])" for n, t in _RESOLVED.items())})
            AS r({", ".join(_RESOLVED)})
         WHERE alerts.id = r.id"""
)


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, alert_id: str, channel_ids: Sequence[str]) -> None:
        """One statement for all channels; a notification already queued stays as it is."""
        if not channel_ids:
            return
        await self._session.execute(
            insert(notifications)
            .from_select(
                ["alert_id", "channel_id"],
                select(literal(alert_id, Text), func.unnest(text_array(channel_ids))),
            )
            .on_conflict_do_nothing()
        )

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
