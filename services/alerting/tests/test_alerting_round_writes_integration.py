"""A round's writes on PostgreSQL: the alerts of several rules raised together, each with its
notifications and one `AlertRaised`, none in its cooldown, none twice; resolved together on
the movements that end them (and by the next round for a grouped one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alerting.adapters.rule_job import run_due
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.domain import Alert, Rule
from alerting.domain.language import RuleDefinition
from alerting.domain.rules import AlertDraft
from alerting.handlers.rules import escalate, evaluate_due
from inventory_contracts.envelope import decode
from inventory_runtime.app import ServiceRuntime
from sqlalchemy import text

from .kpi_events import consume, moved
from .test_alerting_integration import rows

pytestmark = pytest.mark.integration

TODAY = datetime.now(UTC).date()
LOW = {"kind": "threshold", "kpi": "on_hand", "op": "<=", "value": 5}
RULES: dict[str, dict[str, Any]] = {
    "low_each": {},
    "low_grouped": {"dedupe_key": "{location}"},
    "low_cooled": {"cooldown_minutes": 60, "channel_ids": ["chn_1"]},
}


def definition(**fields: Any) -> RuleDefinition:
    return RuleDefinition.model_validate({
        "name_zh": "现存量过低", "name_en": "On hand low", "enabled": True,
        "scope": {"skus": ["P1", "P2", "P3", "P4"]}, "condition": LOW, **fields,
    })  # fmt: skip


async def setup(runtime: ServiceRuntime) -> None:
    left = {"P1": 2, "P2": 3, "P3": 0, "P4": 40}
    await consume(runtime, *(moved(sku, "SH", TODAY, -8, after) for sku, after in left.items()))
    async with runtime.engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO channels (id, name, kind, config) VALUES "
            "('chn_1', 'one', 'webhook', '{\"url\": \"http://127.0.0.1:9/1\"}'), "
            "('chn_2', 'two', 'webhook', '{\"url\": \"http://127.0.0.1:9/2\"}')"
        ))  # fmt: skip
    uow = runtime.uow_factory()
    assert isinstance(uow, AlertingUnitOfWork)
    async with uow:
        for rule_id, fields in RULES.items():
            await uow.rule_book.save(rule_id, definition(**fields), "test", new=True)
        await uow.commit()
    async with runtime.engine.begin() as connection:  # P1 came back 10 minutes ago
        await connection.execute(text(
            "INSERT INTO alerts (id, rule_id, subject, status, severity, title_zh, title_en,"
            " message_zh, message_en, raised_at, resolved_at, resolution) VALUES ('alr_old',"
            " 'low_cooled', 'P1@SH', 'resolved', 'warning', '', '', '', '', now() - interval"
            " '1 hour', now() - interval '10 minutes', 'condition_recovered')"
        ))  # fmt: skip


async def published(runtime: ServiceRuntime, kind: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for row in await rows(runtime, "SELECT payload FROM outbox ORDER BY id"):
        event = decode(row.payload)
        if event.type.endswith(kind):
            found.append((str(event.data["rule_id"]), str(event.data["subject"])))
    return sorted(f for f in found if f[0] in RULES)


async def test_a_round_raises_its_rules_alerts_together_once_each_and_resolves_them(
    runtime: ServiceRuntime,
) -> None:
    await setup(runtime)
    await run_due(runtime.uow_factory, evaluate_due, escalate)

    open_now = await rows(runtime, "SELECT rule_id, subject, details FROM alerts "
                                   "WHERE status = 'raised' ORDER BY rule_id, subject")  # fmt: skip
    raised = [(r.rule_id, r.subject) for r in open_now if r.rule_id in RULES]
    expected = [("low_cooled", "P2@SH"), ("low_cooled", "P3@SH"), ("low_each", "P1@SH"),
                ("low_each", "P2@SH"), ("low_each", "P3@SH"), ("low_grouped", "SH")]  # fmt: skip
    assert raised == expected  # P1 is in low_cooled's cooldown; P4 is fine
    [grouped] = [r for r in open_now if r.rule_id == "low_grouped"]
    assert [i["sku"] for i in grouped.details["items"]] == ["P1", "P2", "P3"]
    queued = await rows(runtime, "SELECT a.rule_id, n.channel_id FROM notifications n "
                                 "JOIN alerts a ON a.id = n.alert_id")  # fmt: skip
    per_rule = sorted((r.rule_id, r.channel_id) for r in queued if r.rule_id in RULES)
    assert per_rule == sorted([("low_cooled", "chn_1")] * 2 + [
        (rule_id, channel) for rule_id in ("low_each", "low_each", "low_each", "low_grouped")
        for channel in ("chn_1", "chn_2")])  # fmt: skip
    assert await published(runtime, "raised.v1") == expected

    async with runtime.engine.begin() as connection:
        await connection.execute(text("UPDATE rules SET next_evaluation_at = NULL"))
    await run_due(runtime.uow_factory, evaluate_due, escalate)  # open already: nothing new
    assert await published(runtime, "raised.v1") == expected

    await consume(runtime, *(moved(sku, "SH", TODAY, 50, 50) for sku in ("P1", "P2", "P3")))
    assert await published(runtime, "resolved.v1") == [e for e in expected if e[1] != "SH"]
    async with runtime.engine.begin() as connection:
        await connection.execute(text("UPDATE rules SET next_evaluation_at = NULL"))
    await run_due(runtime.uow_factory, evaluate_due, escalate)
    assert await published(runtime, "resolved.v1") == expected


async def test_alerts_added_together_keep_out_one_already_open(runtime: ServiceRuntime) -> None:
    await setup(runtime)
    rule = Rule("low_each", "kpi", "warning", True)
    at = datetime.now(UTC) - timedelta(minutes=1)

    def alert(alert_id: str, subject: str) -> Alert:
        draft = AlertDraft("low_each", subject, "warning", "低", "low", "低", "low")
        return Alert.raise_for(alert_id, rule, draft, at)

    uow = runtime.uow_factory()
    assert isinstance(uow, AlertingUnitOfWork)
    async with uow:
        assert await uow.alerts.add_many([alert("alr_a", "P9@SH")]) == {"alr_a"}
        await uow.commit()
    async with uow:
        stored = await uow.alerts.add_many([alert("alr_b", "P9@SH"), alert("alr_c", "P8@SH")])
        await uow.commit()
    assert stored == {"alr_c"}
    assert [s for _, s in await published(runtime, "raised.v1")] == ["P8@SH", "P9@SH"]
