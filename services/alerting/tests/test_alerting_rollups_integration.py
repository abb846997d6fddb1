"""The weekly roll-ups on PostgreSQL equal a recomputation from the raw movements, and the
live evaluation (on the roll-ups, vectorised) raises and resolves what the back-test (on the
day rows, scalar) says it would have."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.domain.grid import build, grid_start, now_of
from alerting.domain.kpis import periods, snapshot
from alerting.domain.language import RuleDefinition
from alerting.domain.points import PointFilter
from alerting.handlers.rules import backtest_rule
from inventory_contracts.events.base import Event
from inventory_runtime.app import ServiceRuntime
from sqlalchemy import text

from .kpi_events import consume, item, moved
from .test_alerting_seed_rule_integration import run_rules

pytestmark = pytest.mark.integration

FIRST_MONDAY = date(2026, 9, 7)
POINTS = [(sku, location) for sku in ("TEA-1", "TEA-2", "CUP-1") for location in ("SH", "BJ")]


def week_of_movements(rng: random.Random, monday: date, on_hand: dict[Any, int]) -> list[Event]:
    """A random week at each stock point: receipts, issues, sometimes nothing, sometimes empty."""
    events: list[Event] = []
    for sku, location in POINTS:
        for offset in sorted(rng.sample(range(7), rng.choice([0, 1, 2, 3]))):
            left = on_hand[sku, location]
            receive = left < 15 or rng.random() < 0.3
            delta = rng.choice([20, 40]) if receive else -rng.randint(1, left)
            on_hand[sku, location] = left + delta
            on = monday + timedelta(days=offset)
            events.append(moved(sku, location, on, delta, left + delta))
    return events


async def test_weekly_roll_ups_equal_the_recomputation_from_the_day_rows(
    runtime: ServiceRuntime,
) -> None:
    rng = random.Random(17)
    on_hand = dict.fromkeys(POINTS, 0)
    weeks = [week_of_movements(rng, FIRST_MONDAY + timedelta(weeks=n), on_hand) for n in range(9)]
    late = weeks[3][-2:]  # two movements of week 3 arrive after week 5's
    await consume(runtime, *weeks[0], *weeks[1], *weeks[2])
    await consume(runtime, *weeks[3][:-2], *weeks[4], *weeks[5])
    await consume(runtime, *late)
    for week in weeks[6:]:
        await consume(runtime, *week)
    async with runtime.uow_factory() as uow:
        assert isinstance(uow, AlertingUnitOfWork)
        backordered_on = FIRST_MONDAY + timedelta(days=20)
        await uow.kpis.record_backorder("TEA-1", "SH", backordered_on, Decimal(4))
        await uow.commit()
    today = FIRST_MONDAY + timedelta(weeks=9, days=2)
    async with runtime.uow_factory() as uow:
        assert isinstance(uow, AlertingUnitOfWork)
        points = await uow.kpis.points(PointFilter())
        keys = [p.point for p in points]
        for complete in (3, 8):
            start = grid_start(today, "week", complete)
            rollups = await uow.kpis.rollups(keys, "week", start, today)
            grid = build(rollups, len(keys), "week", start, today)
            rows = await uow.kpis.days(keys, start)
            for n, key in enumerate(keys):
                assert grid.periods_of(n, complete) == periods(rows[key], "week", start, today)
        first_seen = np.array([float((today - p.first_seen).days) for p in points])
        now = now_of(grid, rollups, np.full(len(keys), np.nan), first_seen)
        for n, point in enumerate(points):
            expected = snapshot(rows[point.point], point.first_seen, today)
            figures = (expected.on_hand, expected.days_since_movement, expected.oldest_age_days)
            found = now.snapshot(n)
            assert (found.on_hand, found.days_since_movement, found.oldest_age_days) == figures
    assert len(keys) == len(POINTS)


RULES: dict[str, dict[str, Any]] = {
    "bt_drop": {"condition": {"kind": "consecutive", "periods": 2, "condition": {
        "kind": "change", "kpi": "sell_through", "op": "<", "percent": -20}},
        "dedupe_key": "{sku}"},
    "bt_short": {"condition": {"kind": "threshold", "kpi": "days_of_supply", "op": "<",
                               "value": 7},
                 "recovery": {"kind": "threshold", "kpi": "days_of_supply", "op": ">=",
                              "value": 10},
                 "dedupe_key": "{location}", "cooldown_minutes": 7 * 1440},
    "bt_idle": {"condition": {"kind": "any", "conditions": [
        {"kind": "absence", "days": 6},
        {"kind": "trend", "kpi": "consumed", "periods": 3, "direction": "down"}]},
        "dedupe_key": "{sku}"},
}  # fmt: skip


def definition(rule_id: str) -> RuleDefinition:
    body = {"name_zh": rule_id, "name_en": rule_id, "enabled": True, **RULES[rule_id]}
    return RuleDefinition.model_validate(body)


async def test_the_back_test_says_what_live_evaluation_did_monday_by_monday(
    runtime: ServiceRuntime,
) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(text("UPDATE rules SET enabled = false"))
    async with runtime.uow_factory() as uow:
        assert isinstance(uow, AlertingUnitOfWork)
        for rule_id in RULES:
            await uow.rule_book.save(rule_id, definition(rule_id), "test", new=True)
        await uow.commit()
    await consume(runtime, *(item(sku, "tea", "A") for sku in ("TEA-1", "TEA-2", "CUP-1")))
    rng, on_hand = random.Random(5), dict.fromkeys(POINTS, 0)
    mondays = [FIRST_MONDAY + timedelta(weeks=n) for n in range(1, 13)]
    await consume(runtime, *week_of_movements(rng, FIRST_MONDAY, on_hand))
    for monday in mondays:  # evaluated live each Monday at 09:00, history up to Sunday
        async with runtime.engine.begin() as connection:
            await connection.execute(text("UPDATE rules SET next_evaluation_at = NULL"))
        await run_rules(runtime, datetime.combine(monday, time(9), tzinfo=UTC))
        await consume(runtime, *week_of_movements(rng, monday, on_hand))
    async with runtime.engine.begin() as connection:
        found = (await connection.execute(text(
            "SELECT rule_id, subject, raised_at, resolved_at, details FROM alerts "
            "WHERE rule_id LIKE 'bt_%'"))).all()  # fmt: skip
    last = mondays[-1] - timedelta(weeks=1)
    for rule_id in RULES:
        live = set()
        for rid, subject, raised_at, resolved_at, details in found:
            if rid == rule_id:
                items = tuple(f"{i['sku']}@{i['location']}" for i in details["items"])
                live.add((raised_at.date(), "raised", subject, items))
                if resolved_at is not None:
                    live.add((resolved_at.date(), "resolved", subject, ()))
        now = datetime.combine(last, time(10), tzinfo=UTC)
        uow = runtime.uow_factory()
        assert isinstance(uow, AlertingUnitOfWork)
        tried = await backtest_rule(definition(rule_id), len(mondays) - 1, uow, now)
        said = {(h.on, h.action, h.subject, h.items) for h in tried.happenings}
        assert said == {h for h in live if h[0] <= last}, rule_id
        assert said, f"{rule_id} never fired: the example is vacuous"
