"""SQL of the KPI rules: their definitions and versions, the evaluation schedule (claimed with
SKIP LOCKED), and the noise controls that need the alert history (cooldown, snooze,
escalation)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from inventory_runtime.db import text_array
from sqlalchemy import any_, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters.tables import (
    OPEN_ALERT,
    alerts,
    channels,
    rule_versions,
    rules,
)
from alerting.domain.language import KPI, RULE_COLUMNS, RuleDefinition, definition_of


def _columns(definition: RuleDefinition) -> dict[str, Any]:
    body = definition.model_dump(mode="json")
    return {**{c: body.pop(c) for c in RULE_COLUMNS}, "params": body}


_PARSED: dict[str, RuleDefinition] = {}
"""Stored rules as the language read them, by their stored content (its columns and params),
so a consumed run does not validate every enabled rule again."""


def _parsed(row: Any) -> RuleDefinition:
    key = json.dumps([{c: row[c] for c in RULE_COLUMNS}, row["params"]], sort_keys=True)
    if key not in _PARSED:
        if len(_PARSED) > 10_000:
            _PARSED.clear()
        _PARSED[key] = definition_of(dict(row))
    return _PARSED[key]


class RuleBook:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enabled(self) -> list[tuple[str, RuleDefinition]]:
        """The enabled KPI rules, by id."""
        query = select(rules).where(rules.c.kind == KPI, rules.c.enabled).order_by(rules.c.id)
        found = (await self._session.execute(query)).mappings().all()
        return [(row["id"], _parsed(row)) for row in found]

    async def row(self, rule_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        query = select(rules).where(rules.c.id == rule_id)
        if for_update:
            query = query.with_for_update()
        found = (await self._session.execute(query)).mappings().one_or_none()
        return None if found is None else dict(found)

    async def save(
        self, rule_id: str, definition: RuleDefinition, by: str | None, *, new: bool
    ) -> dict[str, Any]:
        """Store the rule (a new one, or the next version of it) and its version."""
        values = _columns(definition)
        if new:
            created = insert(rules).values(
                id=rule_id, kind=KPI, event_type="inventory.stock.moved.v1", **values
            )
            result = await self._session.execute(created.returning(rules))
        else:
            changed = (
                update(rules)
                .where(rules.c.id == rule_id)
                .values(**values, version=rules.c.version + 1, updated_at=func.now())
            )
            result = await self._session.execute(changed.returning(rules))
        row = result.mappings().one()
        await self.add_version(rule_id, row["version"], definition.model_dump(mode="json"), by)
        return dict(row)

    async def update_plain(self, rule_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a built-in rule's columns, as its next version."""
        statement = (
            update(rules)
            .where(rules.c.id == rule_id)
            .values(**changes, version=rules.c.version + 1, updated_at=func.now())
            .returning(rules)
        )
        return dict((await self._session.execute(statement)).mappings().one())

    async def channels_known(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` that are channels."""
        if not ids:
            return set()
        query = select(channels.c.id).where(channels.c.id == any_(text_array(ids)))
        return set((await self._session.scalars(query)).all())

    async def add_version(
        self, rule_id: str, version: int, definition: dict[str, Any], by: str | None
    ) -> None:
        await self._session.execute(
            insert(rule_versions)
            .values(rule_id=rule_id, version=version, definition=definition, changed_by=by)
            .on_conflict_do_nothing()
        )

    async def versions(self, rule_id: str) -> list[dict[str, Any]]:
        query = (
            select(rule_versions)
            .where(rule_versions.c.rule_id == rule_id)
            .order_by(rule_versions.c.version)
        )
        return [dict(row) for row in (await self._session.execute(query)).mappings().all()]

    async def delete(self, rule_id: str) -> bool:
        """Delete a KPI rule that never raised an alert; False when it has some."""
        raised = exists().where(alerts.c.rule_id == rule_id)
        if await self._session.scalar(select(raised)):
            return False
        await self._session.execute(delete(rules).where(rules.c.id == rule_id))
        return True

    async def claim_all_due(self, now: datetime) -> list[tuple[str, RuleDefinition]]:
        """The enabled KPI rules whose scheduled evaluation is due, locked until the
        transaction ends (SKIP LOCKED: another instance takes the ones not locked here)."""
        due = or_(rules.c.next_evaluation_at.is_(None), rules.c.next_evaluation_at <= now)
        query = (
            select(rules)
            .where(rules.c.kind == KPI, rules.c.enabled, due)
            .order_by(rules.c.next_evaluation_at.nulls_first(), rules.c.id)
            .with_for_update(skip_locked=True)
        )
        found = (await self._session.execute(query)).mappings().all()
        return [(row["id"], _parsed(row)) for row in found]

    async def schedule(self, due: Sequence[tuple[str, datetime]]) -> None:
        """Each rule's next evaluation, in one statement."""
        if due:
            rule_ids, at = (list(column) for column in zip(*due, strict=True))
            await self._session.execute(_SCHEDULE, {"rule_ids": rule_ids, "at": at})

    async def quiet_among(
        self, wanted: Sequence[tuple[str, str, int]], now: datetime
    ) -> set[tuple[str, str]]:
        """Of these (rule, subject, cooldown minutes): those resolved within the cooldown, or
        snoozed past now (no new alert yet); one statement for a whole round."""
        if not wanted:
            return set()
        rule_ids, subjects, cooldowns = (list(column) for column in zip(*wanted, strict=True))
        params = {"rule_ids": rule_ids, "subjects": subjects, "cooldowns": cooldowns, "now": now}
        found = await self._session.execute(_QUIET, params)
        return {(rule_id, subject) for rule_id, subject in found.all()}

    async def open_subjects(self, rule_id: str) -> list[str]:
        query = select(alerts.c.subject).where(alerts.c.rule_id == rule_id, OPEN_ALERT)
        return list((await self._session.scalars(query)).all())

    async def escalate_due(self, rule_id: str, after_minutes: int, now: datetime) -> list[str]:
        """Mark escalated (and return) the rule's alerts nobody acknowledged in time and nobody
        snoozed."""
        statement = (
            update(alerts)
            .where(
                alerts.c.rule_id == rule_id,
                alerts.c.status == "raised",
                alerts.c.escalated_at.is_(None),
                alerts.c.raised_at <= now - timedelta(minutes=after_minutes),
                or_(alerts.c.snoozed_until.is_(None), alerts.c.snoozed_until <= now),
            )
            .values(escalated_at=now)
            .returning(alerts.c.id)
        )
        return list((await self._session.scalars(statement)).all())

    async def enqueue_many(self, queued: Sequence[tuple[str, str, datetime | None]]) -> None:
        """One notification per (alert, channel, not before): due then (after quiet hours) or
        now; one statement for them all, a notification already queued stays as it is."""
        if not queued:
            return
        alert_ids, channel_ids, not_before = (list(column) for column in zip(*queued, strict=True))
        params = {"alert_ids": alert_ids, "channel_ids": channel_ids, "not_before": not_before}
        await self._session.execute(_ENQUEUE, params)


_SCHEDULE = text(
    """UPDATE rules SET next_evaluation_at = d.at
         FROM unnest(CAST(:rule_ids AS text[]), CAST(:at AS timestamptz[])) AS d(rule_id, at)
        WHERE rules.id = d.rule_id"""
)
_QUIET = text(
    """SELECT DISTINCT w.rule_id, w.subject
         FROM unnest(CAST(:rule_ids AS text[]), CAST(:subjects AS text[]),
                     CAST(:cooldowns AS int[])) AS w(rule_id, subject, cooldown)
         JOIN alerts AS a ON a.rule_id = w.rule_id AND a.subject = w.subject
        WHERE a.resolved_at > CAST(:now AS timestamptz) - make_interval(mins => w.cooldown)
           OR a.snoozed_until > CAST(:now AS timestamptz)"""
)
_ENQUEUE = text(
    """INSERT INTO notifications (alert_id, channel_id, next_attempt_at)
       SELECT q.alert_id, q.channel_id, coalesce(q.not_before, now())
         FROM unnest(CAST(:alert_ids AS text[]), CAST(:channel_ids AS text[]),
                     CAST(:not_before AS timestamptz[])) AS q(alert_id, channel_id, not_before)
       ON CONFLICT DO NOTHING"""
)
