"""A round settles on arrays what `decide` settles on facts: the same subjects raise, with the
same stock points, and the same open alerts resolve (grouping, hysteresis, orphaned alerts);
an alert names the same figures whether read off the arrays or the facts."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from alerting.domain.alert_text import figures, figures_of
from alerting.domain.day_rollups import rollups_of
from alerting.domain.evaluation import decide, facts_of, in_scope, needs_of
from alerting.domain.grid import build, grid_start, now_of
from alerting.domain.language import RuleDefinition
from alerting.domain.points import StockPoint
from alerting.domain.settling import Subjects, settle
from alerting.domain.vectorised import Frame, holds

from .test_alerting_grid import FIRST, HISTORIES, POINTS, TODAY

D = Decimal
POINTS_OF = [
    StockPoint(f"SKU-{n}", f"L{n % 3}", f"cat-{n % 4}", "ABC"[n % 3], D(0), D(n % 3), FIRST, None)
    for n in range(POINTS)
]
DROP = {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20}
RULES: list[dict[str, Any]] = [
    {"condition": DROP},
    {"condition": DROP, "dedupe_key": "{location}"},
    {"condition": DROP, "dedupe_key": "class-{abc_class}", "scope": {"categories": ["cat-1"]},
     "recovery": {"kind": "change", "kpi": "sell_through", "op": ">=", "percent": 0}},
    {"condition": {"kind": "threshold", "kpi": "on_hand", "op": "<=", "value": 5},
     "recovery": {"kind": "threshold", "kpi": "on_hand", "op": ">", "value": 10}},
    {"condition": {"kind": "absence", "days": 8}, "dedupe_key": "{location}",
     "recovery": {"kind": "threshold", "kpi": "days_since_movement", "op": "<", "value": 3}},
]  # fmt: skip


def frame() -> Frame:
    start = grid_start(TODAY, "week", 53)
    rollups = rollups_of(HISTORIES, "week", start, TODAY)
    weeks = build(rollups, POINTS, "week", start, TODAY)
    first_seen = np.full(POINTS, float((TODAY - FIRST).days))
    now = now_of(weeks, rollups, np.full(POINTS, np.nan), first_seen)
    backorders = np.array([float(p.backorder_open) for p in POINTS_OF])
    return Frame(POINTS, weeks, None, now, backorders)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("body", RULES, ids=lambda b: str(b.get("dedupe_key", "point")))
def test_settling_on_arrays_answers_what_decide_answers(body: dict[str, Any], seed: int) -> None:
    definition = RuleDefinition.model_validate({"name_zh": "规则", "name_en": "rule", **body})
    needs = needs_of(definition)
    since = TODAY - timedelta(days=needs.history_days)
    inside_points = [n for n, p in enumerate(POINTS_OF) if in_scope(definition.scope, p)]
    facts = {n: facts_of(POINTS_OF[n], [r for r in HISTORIES[n] if r.day >= since]
                         + [r for r in HISTORIES[n] if r.day < since][-1:], TODAY, needs)
             for n in inside_points}  # fmt: skip
    subjects = Subjects(POINTS_OF)
    of = subjects.of(definition.dedupe_key)
    rng = random.Random(seed)
    open_items: dict[str, list[int]] = {}
    for subject in sorted({of[n] for n in inside_points}):
        if rng.random() < 0.5:  # open, naming some of its stock points, or none of them
            named = [n for n in inside_points if of[n] == subject and rng.random() < 0.5]
            open_items[subject] = named
    decision = decide(
        definition,
        list(facts.values()),
        {s: {POINTS_OF[n].key for n in named} for s, named in open_items.items()},
    )
    data = frame()
    inside = np.zeros(POINTS, dtype=np.bool_)
    inside[inside_points] = True
    firing = holds(definition.condition, data) & inside
    recovery = definition.recovery
    recovered = None if recovery is None else holds(recovery, data)
    settled = settle(definition.dedupe_key, subjects, inside, firing, recovered, open_items)
    assert sorted(settled.resolve) == sorted(decision.resolve)
    raised = {s: [POINTS_OF[n].key for n in chosen] for s, chosen in settled.raise_.items()}
    assert raised == {s: [f.point.key for f in firing] for s, firing in decision.raise_.items()}
    assert settled.raise_ or settled.resolve  # the example is not vacuous


FIGURED: list[dict[str, Any]] = [
    *(body["condition"] for body in RULES),
    {"kind": "trend", "kpi": "consumed", "periods": 3, "direction": "down"},
    {"kind": "any", "conditions": [
        {"kind": "threshold", "kpi": "days_of_supply", "op": "<", "value": 3},
        {"kind": "threshold", "kpi": "backorder_open", "op": ">", "value": 0},
        {"kind": "age", "days": 30}]},
]  # fmt: skip


@pytest.mark.parametrize("condition", FIGURED, ids=lambda c: str(c["kind"]))
def test_an_alert_names_the_same_figures_from_the_arrays_as_from_the_facts(
    condition: dict[str, Any],
) -> None:
    definition = RuleDefinition.model_validate(
        {"name_zh": "规则", "name_en": "rule", "condition": condition}
    )
    needs = needs_of(definition)  # the whole history, as the round's year of weeks
    scalar = [figures(definition, facts_of(point, rows, TODAY, needs))
              for point, rows in zip(POINTS_OF, HISTORIES, strict=True)]  # fmt: skip
    assert figures_of(definition, frame(), POINTS_OF, list(range(POINTS))) == scalar
