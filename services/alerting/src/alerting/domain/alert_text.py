"""The text of a KPI rule's alert: the stock points that fire with their figures of the KPIs
the rule reads (the last two periods, or now), in Simplified Chinese and English.

The figures come from a stock point's facts (`figures`, the scalar path) or straight from a
round's arrays (`figures_of`: a round raising thousands of alerts builds no per-item facts);
`test_alerting_settling.py` pins that both write the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from alerting.domain.evaluation import Facts, kpis_named, needs_of
from alerting.domain.grid import LENGTH
from alerting.domain.kpis import period_label
from alerting.domain.language import RuleDefinition
from alerting.domain.points import StockPoint
from alerting.domain.rules import AlertDraft
from alerting.domain.vectorised import Frame

KPI_ZH = {
    "sell_through": "去化率", "consumed": "消耗量", "received": "入库量",
    "opening": "期初现存量", "closing": "期末现存量", "turnover": "库存周转率",
    "days_of_supply": "可供天数", "stockout_days": "缺货天数", "backordered": "新增缺货量",
    "on_hand": "现存量", "days_since_movement": "未动天数", "oldest_age_days": "最长库龄天数",
    "backorder_open": "未补缺货量", "forecast_error": "预测误差(WAPE)",
    "forecast_bias": "预测偏差%",
}  # fmt: skip


def figures(definition: RuleDefinition, item: Facts) -> dict[str, Any]:
    """The stock point's figures of the KPIs the rule reads (last two periods, or now)."""
    result: dict[str, Any] = {"sku": item.point.sku, "location": item.point.location}
    for kpi, period in kpis_named(definition):
        if period is None:
            result[kpi] = _text(item.value_now(kpi))
        else:
            series = item.series(period)[-2:]
            result[kpi] = {kpis.label: _text(kpis.value(kpi)) for kpis in series}
    return result


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def figures_of(
    definition: RuleDefinition, frame: Frame, points: Sequence[StockPoint], chosen: Sequence[int]
) -> list[dict[str, Any]]:
    """`figures` of the stock points `chosen` (indices into `points`, the round's), read off
    the round's arrays."""
    needs = needs_of(definition)
    rows = np.asarray(chosen, dtype=np.int64)
    items: list[dict[str, Any]] = [
        {"sku": points[n].sku, "location": points[n].location} for n in chosen
    ]
    for kpi, period in kpis_named(definition):
        if period is None:
            for item, now in zip(items, frame.value_now(kpi)[rows].tolist(), strict=True):
                item[kpi] = _figure(now)
            continue
        grid = frame.grid(period)
        last = min(2, needs.weeks if period == "week" else needs.days, grid.complete)
        slots = range(grid.complete - last, grid.complete)
        labels = [period_label(grid.start + timedelta(days=LENGTH[period] * s), period)
                  for s in slots]  # fmt: skip
        values = grid.kpi(kpi)[rows][:, grid.complete - last : grid.complete].tolist()
        for item, row in zip(items, values, strict=True):
            item[kpi] = {label: _figure(v) for label, v in zip(labels, row, strict=True)}
    return items


def _figure(value: float) -> str | None:
    return None if np.isnan(value) else _text(Decimal(repr(value)))


def alert_draft(
    rule_id: str, definition: RuleDefinition, subject: str, firing: Sequence[Facts]
) -> AlertDraft:
    """The alert about `subject` from the facts of the stock points that fire."""
    return draft(rule_id, definition, subject, [figures(definition, item) for item in firing])


def draft(
    rule_id: str, definition: RuleDefinition, subject: str, items: Sequence[dict[str, Any]]
) -> AlertDraft:
    """The alert about `subject`: the rule's name, the stock points that fire, their figures."""
    lines_zh, lines_en = [], []
    for item in items:
        shown = [(k, v) for k, v in item.items() if k not in ("sku", "location")]
        where = f"{item['sku']} @ {item['location']}"
        lines_zh.append(f"{where}：" + "；".join(f"{KPI_ZH[k]} {_shown(v)}" for k, v in shown))
        lines_en.append(f"{where}: " + "; ".join(f"{k} {_shown(v)}" for k, v in shown))
    return AlertDraft(
        rule_id=rule_id, subject=subject, severity=definition.severity,
        title_zh=definition.name_zh, title_en=definition.name_en,
        message_zh=f"{len(items)} 个库存点\n" + "\n".join(lines_zh),
        message_en=f"{len(items)} stock point(s)\n" + "\n".join(lines_en),
        details={"items": list(items), "team": definition.team},
    )  # fmt: skip


def _shown(value: Mapping[str, Any] | str | None) -> str:
    if isinstance(value, Mapping):
        return " → ".join(f"{label} {figure}" for label, figure in value.items())
    return "-" if value is None else value
