"""Commands on rules: create, replace, change, enable or disable, delete; each change a new
version of the rule, audited with what it was before and after."""

from __future__ import annotations

import re
import uuid
from typing import Any

from inventory_runtime.auth.principal import Principal

from alerting.domain.language import KPI, RuleDefinition, definition_of
from alerting.ports import KpiUoW

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


class RuleNotFound(Exception):
    """No rule has the given id."""


class RuleConflict(Exception):
    """The change contradicts what is stored (an id taken, a rule with alerts deleted, ...)."""


class RuleInvalid(Exception):
    """A rule names what does not exist; `problems` are (field, problem) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def _audited(row: dict[str, Any]) -> dict[str, Any]:
    if row["kind"] == KPI:
        return {"version": row["version"], **definition_of(row).model_dump(mode="json")}
    return {k: row[k] for k in ("enabled", "severity", "channel_ids")}


async def check_channels(definition: RuleDefinition, uow: KpiUoW) -> None:
    """422 naming each field that lists a channel that does not exist."""
    named = sorted(definition.channels_named())
    known = await uow.rule_book.channels_known(named)
    fields: list[tuple[str, list[str]]] = [("channel_ids", definition.channel_ids)]
    fields += [(f"routes.{n}.channel_ids", r.channel_ids) for n, r in enumerate(definition.routes)]
    if definition.escalation is not None:
        fields.append(("escalation.channel_ids", definition.escalation.channel_ids))
    problems = [
        (field, f"unknown channel(s): {missing}")
        for field, listed in fields
        if (missing := sorted(set(listed) - known))
    ]
    if problems:
        raise RuleInvalid(problems)


async def create(
    definition: RuleDefinition, rule_id: str | None, actor: Principal, uow: KpiUoW
) -> dict[str, Any]:
    """A new KPI rule, version 1."""
    rule_id = rule_id or f"rul_{uuid.uuid4().hex[:12]}"
    if not RULE_ID.match(rule_id):
        raise RuleInvalid([("id", "use 2-64 of a-z, 0-9, '_', '.', '-'")])
    async with uow:
        await check_channels(definition, uow)
        if await uow.rule_book.row(rule_id) is not None:
            raise RuleConflict(f"a rule {rule_id!r} exists")
        row = await uow.rule_book.save(rule_id, definition, actor.id, new=True)
        uow.audit(actor, "create", "rule", rule_id, after=_audited(row))
        await uow.commit()
    return row


async def replace(
    rule_id: str, definition: RuleDefinition, actor: Principal, uow: KpiUoW
) -> dict[str, Any]:
    """The next version of a KPI rule, as a whole."""
    async with uow:
        before = await _kpi_row(rule_id, uow)
        await check_channels(definition, uow)
        row = await uow.rule_book.save(rule_id, definition, actor.id, new=False)
        uow.audit(actor, "update", "rule", rule_id, before=_audited(before), after=_audited(row))
        await uow.commit()
    return row


async def change(
    rule_id: str, changes: dict[str, Any], actor: Principal, uow: KpiUoW
) -> dict[str, Any]:
    """Enable, disable, change severity or channels of any rule (the next version of it)."""
    async with uow:
        before = await uow.rule_book.row(rule_id, for_update=True)
        if before is None:
            raise RuleNotFound(rule_id)
        if before["kind"] == KPI:
            merged = definition_of(before).model_copy(update=changes)
            await check_channels(merged, uow)
            row = await uow.rule_book.save(rule_id, merged, actor.id, new=False)
        else:
            await _check_plain_channels(changes.get("channel_ids") or [], uow)
            row = await uow.rule_book.update_plain(rule_id, changes)
            await uow.rule_book.add_version(rule_id, row["version"], _audited(row), actor.id)
        if _audited(row) | {"version": 0} != _audited(before) | {"version": 0}:
            uow.audit(
                actor, "update", "rule", rule_id, before=_audited(before), after=_audited(row)
            )
        await uow.commit()
    return row


async def _check_plain_channels(channel_ids: list[str], uow: KpiUoW) -> None:
    known = await uow.rule_book.channels_known(channel_ids)
    missing = sorted(set(channel_ids) - known)
    if missing:
        raise RuleInvalid([("channel_ids", f"unknown channel(s): {missing}")])


async def delete(rule_id: str, actor: Principal, uow: KpiUoW) -> None:
    """Delete a KPI rule that never raised an alert (one that did is disabled instead)."""
    async with uow:
        before = await _kpi_row(rule_id, uow)
        if not await uow.rule_book.delete(rule_id):
            raise RuleConflict(f"rule {rule_id!r} has alerts: disable it instead")
        uow.audit(actor, "delete", "rule", rule_id, before=_audited(before))
        await uow.commit()


async def _kpi_row(rule_id: str, uow: KpiUoW) -> dict[str, Any]:
    row = await uow.rule_book.row(rule_id, for_update=True)
    if row is None:
        raise RuleNotFound(rule_id)
    if row["kind"] != KPI:
        raise RuleConflict(f"rule {rule_id!r} is built in: only enabled, severity, channel_ids")
    return row
