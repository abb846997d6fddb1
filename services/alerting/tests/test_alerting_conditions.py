"""Each condition kind of the rule language, `decide` (grouping, cooldown, hysteresis) and
routing with quiet hours, on small worked series."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alerting.domain.evaluation import Facts, Needs, decide, holds, in_scope, needs_of, subject_of
from alerting.domain.kpis import PeriodKpis, Snapshot
from alerting.domain.language import Condition, QuietHours, RuleDefinition, Scope
from alerting.domain.points import StockPoint
from alerting.domain.routing import quiet_until, targets
from pydantic import TypeAdapter, ValidationError

D = Decimal
MONDAY = date(2026, 11, 2)
CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)


def week(n: int, consumed: int, opening: int = 100, received: int = 0) -> PeriodKpis:
    start = MONDAY + timedelta(weeks=n)
    closing = opening + received - consumed
    return PeriodKpis(start, "week", D(opening), D(closing), D(consumed), D(received),
                      D(0), 0, 7)  # fmt: skip


def facts(*consumed: int, sku: str = "TEA-1", abc: str = "A", **now: Any) -> Facts:
    point = StockPoint(sku, "SH", "tea", abc, D(10), D(0), MONDAY, None)
    snapshot = Snapshot(now.get("on_hand", D(10)), now.get("idle"), now.get("age"))
    return Facts(point, [week(n, c) for n, c in enumerate(consumed)], [], snapshot)


def cond(**body: Any) -> Any:
    return CONDITION.validate_python(body)


DROP = {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20}


def test_threshold_reads_the_last_complete_period_or_now() -> None:
    low = cond(kind="threshold", kpi="sell_through", op="<", value="0.2")
    assert holds(low, facts(50, 10))  # 0.1
    assert not holds(low, facts(10, 50))
    assert holds(cond(kind="threshold", kpi="on_hand", op="<=", value=10), facts(1))


def test_change_compares_the_last_period_with_the_one_before_in_percent() -> None:
    assert holds(cond(**DROP), facts(50, 35))  # 0.5 -> 0.35: -30%
    assert not holds(cond(**DROP), facts(50, 45))  # -10%
    assert not holds(cond(**DROP), facts(35))  # no period before


def test_consecutive_needs_each_of_the_last_n_periods() -> None:
    twice = cond(kind="consecutive", periods=2, condition=DROP)
    assert holds(twice, facts(50, 35, 20))  # -30%, then -43%
    assert not holds(twice, facts(50, 50, 35))  # only the last week fell
    assert not holds(twice, facts(50, 35, 40))  # fell, then rose


def test_trend_rises_or_falls_period_after_period() -> None:
    down = cond(kind="trend", kpi="consumed", periods=3, direction="down")
    assert holds(down, facts(30, 20, 10))
    assert not holds(down, facts(30, 30, 10))
    assert holds(cond(kind="trend", kpi="consumed", periods=2, direction="up"), facts(1, 2))


def test_age_and_absence_look_at_stock_on_hand_now() -> None:
    assert holds(cond(kind="age", days=365), facts(0, age=400))
    assert not holds(cond(kind="age", days=365), facts(0, age=400, on_hand=D(0)))
    assert holds(cond(kind="absence", days=180), facts(0, idle=181))
    assert not holds(cond(kind="absence", days=180), facts(0, idle=180))


def test_all_and_any() -> None:
    idle, old = {"kind": "absence", "days": 180}, {"kind": "age", "days": 365}
    assert holds(cond(kind="any", conditions=[idle, old]), facts(0, idle=200, age=10))
    assert not holds(cond(kind="all", conditions=[idle, old]), facts(0, idle=200, age=10))


def test_field_level_errors_name_the_field() -> None:
    with pytest.raises(ValidationError) as error:
        RuleDefinition.model_validate(
            {"name_zh": "x", "name_en": "x", "dedupe_key": "{warehouse}",
             "condition": {"kind": "change", "kpi": "sell_thru", "op": "<", "percent": 1}}
        )  # fmt: skip
    where = {tuple(e["loc"]) for e in error.value.errors()}
    assert ("condition", "change", "kpi") in where
    assert ("dedupe_key",) in where
    with pytest.raises(ValidationError, match="unbalanced"):
        rule(dedupe_key="class-{abc_class")


def rule(**fields: Any) -> RuleDefinition:
    body = {"name_zh": "去化率下降", "name_en": "Sell-through fell", "condition": DROP, **fields}
    return RuleDefinition.model_validate(body)


def test_decide_raises_once_per_subject_and_groups_by_a_coarser_dedupe_key() -> None:
    dropping = [facts(50, 35, sku="TEA-1"), facts(50, 30, sku="TEA-2"), facts(50, 50, sku="OK")]
    single = decide(rule(), dropping, {"TEA-2@SH": ["TEA-2@SH"]})
    assert list(single.raise_) == ["TEA-1@SH"]
    grouped = decide(rule(dedupe_key="class-{abc_class}"), dropping, {})
    [(subject, firing)] = grouped.raise_.items()
    assert subject == "class-A"
    assert [f.point.sku for f in firing] == ["TEA-1", "TEA-2"]
    assert subject_of(rule(), dropping[0].point) == "TEA-1@SH"


def test_cooldown_or_snooze_holds_back_a_new_alert() -> None:
    assert decide(rule(), [facts(50, 35)], {}, quiet_subjects=["TEA-1@SH"]).raise_ == {}


def test_hysteresis_an_open_alert_resolves_only_past_the_recovery_condition() -> None:
    recovery = {"kind": "change", "kpi": "sell_through", "op": ">=", "percent": 10}
    strict = rule(recovery=recovery)
    flat = facts(50, 49)  # -2%: no longer firing, not recovered either
    named = {"TEA-1@SH": ["TEA-1@SH"]}
    assert decide(strict, [flat], named).resolve == []
    assert decide(strict, [facts(40, 50)], named).resolve == ["TEA-1@SH"]
    assert decide(rule(), [flat], named).resolve == ["TEA-1@SH"]
    # A grouped alert recovers on the stock points it named; the others need not improve.
    grouped = rule(recovery=recovery, dedupe_key="class-{abc_class}")
    members = [facts(40, 50, sku="TEA-1"), facts(50, 49, sku="TEA-3")]
    assert decide(grouped, members, {"class-A": ["TEA-1@SH"]}).resolve == ["class-A"]


def test_routes_by_severity_and_scope_with_quiet_hours() -> None:
    quiet = {"start": "22:00", "end": "07:00", "timezone": "Asia/Shanghai"}
    definition = rule(
        channel_ids=["chn_default"],
        routes=[
            {"abc_classes": ["A"], "channel_ids": ["chn_buyer"], "quiet_hours": quiet},
            {"severities": ["critical"], "channel_ids": ["chn_pager"]},
        ],
    )
    late = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    [(channel, wait)] = targets(definition, [facts(1).point], late) or []
    assert channel == "chn_buyer"
    assert wait == datetime(2026, 11, 2, 23, 0, tzinfo=UTC)  # 07:00 in Shanghai
    assert targets(definition, [facts(1, abc="C").point], late) == [("chn_default", None)]
    office = QuietHours(start=time(9), end=time(17), timezone="UTC")
    assert quiet_until(office, late) == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    assert quiet_until(office, late + timedelta(hours=2)) is None


def test_the_documented_seed_rule_file_is_a_valid_rule_naming_its_channels() -> None:
    path = Path(__file__).parents[1] / "examples" / "class-a-sell-through-drop.json"
    definition = RuleDefinition.model_validate(
        {k: v for k, v in json.loads(path.read_text()).items() if k != "id"}
    )
    assert definition.grouped and definition.scope.abc_classes == ["A"]
    assert holds(definition.condition, facts(50, 35, 20))
    assert len(definition.channels_named()) == 2


def test_scope_needs_every_non_empty_list_to_match() -> None:
    tea_a = facts(1).point
    assert in_scope(Scope(), tea_a)
    assert in_scope(Scope(abc_classes=["A"], locations=["SH"]), tea_a)
    assert not in_scope(Scope(abc_classes=["A"], locations=["BJ"]), tea_a)
    assert not in_scope(Scope(categories=["cups"]), tea_a)


def test_a_rule_reads_only_the_periods_and_history_its_conditions_need() -> None:
    twice = rule(condition={"kind": "consecutive", "periods": 2, "condition": DROP})
    assert needs_of(twice) == Needs(weeks=3, days=0, history_days=35)
    aged = rule(condition={"kind": "age", "days": 365})
    assert (needs_of(aged).weeks, needs_of(aged).history_days) == (0, 373)
