"""The rule language: what a planner writes (JSON) to be told about a KPI, validated field by
field.

A rule has a scope (which stock points), a condition over their KPIs, an optional recovery
condition (hysteresis), a dedupe key (which stock points share one alert: a key coarser than
``{sku}@{location}`` groups them into one message), a cooldown, routes to channels and an
escalation. Conditions:

- ``threshold``: a KPI of the last complete period (or now, for on hand, days since movement,
  age, open backorders) compared with a value;
- ``change``: the change of a KPI from the period before to the last one, in percent;
- ``consecutive``: a threshold or change that held for each of the last N periods;
- ``trend``: a KPI that rose (or fell) period after period for N periods;
- ``age``: stock on hand older than N days; ``absence``: stock on hand, no movement N days;
- ``all`` / ``any``: AND / OR of conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alerting.domain.business_language import (
    SUBJECT_FIELDS,
    SUBJECT_KEYS,
    BusinessCondition,
    Op,
    OverdueApprovals,
    SupplierOnTime,
    placeholders,
)
from alerting.domain.kpis import PERIOD_KPIS, Period
from alerting.domain.rules import Severity

PeriodKpi = Literal[
    "sell_through", "consumed", "received", "opening", "closing", "turnover",
    "days_of_supply", "stockout_days", "backordered", "forecast_error", "forecast_bias",
]  # fmt: skip
AnyKpi = Literal[
    "sell_through", "consumed", "received", "opening", "closing", "turnover",
    "days_of_supply", "stockout_days", "backordered", "forecast_error", "forecast_bias",
    "on_hand", "days_since_movement", "oldest_age_days", "backorder_open",
]  # fmt: skip
"""The period KPIs and those of the stock point now (on hand, idle days, age, backorders)."""
FORECASTS = ("forecast_error", "forecast_bias")
"""The period KPIs of planning's measured forecasts (`domain.forecasts`)."""
KEY_FIELDS = ("sku", "location", "category", "abc_class")
DEFAULT_KEY = "{sku}@{location}"
assert set(PeriodKpi.__args__) == set(PERIOD_KPIS)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    """The KPI of the last complete period (or now) compared with `value`."""

    kind: Literal["threshold"]
    kpi: AnyKpi
    period: Period = "week"
    op: Op
    value: Decimal


class Change(_Strict):
    """The change of a KPI from the period before to the last one, in percent, compared with
    `percent` (``"op": "<", "percent": -20``: fell by more than 20%)."""

    kind: Literal["change"]
    kpi: PeriodKpi
    period: Period = "week"
    op: Op
    percent: Decimal


class Consecutive(_Strict):
    """`condition` held for each of the last `periods` periods."""

    kind: Literal["consecutive"]
    periods: int = Field(ge=2, le=52)
    condition: Annotated[Threshold | Change, Field(discriminator="kind")]


class Trend(_Strict):
    """The KPI rose (``up``) or fell (``down``) period after period over the last `periods`."""

    kind: Literal["trend"]
    kpi: PeriodKpi
    period: Period = "week"
    periods: int = Field(ge=2, le=52)
    direction: Literal["up", "down"]


class Age(_Strict):
    """Some stock on hand was received more than `days` days ago (库龄)."""

    kind: Literal["age"]
    days: int = Field(ge=1, le=3650)


class Absence(_Strict):
    """Stock on hand and no movement for more than `days` days (呆滞料)."""

    kind: Literal["absence"]
    days: int = Field(ge=1, le=3650)


class AllOf(_Strict):
    kind: Literal["all"]
    conditions: list[Condition] = Field(min_length=1, max_length=20)


class AnyOf(_Strict):
    kind: Literal["any"]
    conditions: list[Condition] = Field(min_length=1, max_length=20)


Condition = Annotated[
    Threshold | Change | Consecutive | Trend | Age | Absence | AllOf | AnyOf | BusinessCondition,
    Field(discriminator="kind"),
]


class Scope(_Strict):
    """Which stock points the rule watches: each non-empty list must match (none: all)."""

    abc_classes: list[Literal["A", "B", "C"]] = []
    categories: list[str] = []
    locations: list[str] = []
    skus: list[str] = []
    suppliers: list[str] = []  # rules on supplier on-time only


class QuietHours(_Strict):
    """Hours in which a route's messages wait (``22:00``-``07:00`` spans midnight); critical
    alerts do not wait."""

    start: time
    end: time
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Route(_Strict):
    """Send to `channel_ids` the alerts that match every non-empty filter."""

    severities: list[Severity] = []
    teams: list[str] = []
    abc_classes: list[str] = []
    categories: list[str] = []
    locations: list[str] = []
    channel_ids: list[str] = Field(min_length=1)
    quiet_hours: QuietHours | None = None


class Escalation(_Strict):
    """Tell `channel_ids` too when nobody acknowledged the alert within `after_minutes`."""

    after_minutes: int = Field(ge=1, le=60 * 24 * 30)
    channel_ids: list[str] = Field(min_length=1)


class RuleDefinition(_Strict):
    """A KPI rule as a planner writes it."""

    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    severity: Severity = "warning"
    enabled: bool = False
    scope: Scope = Scope()
    condition: Condition
    recovery: Condition | None = Field(
        None, description="When an open alert resolves; default: the condition no longer holds."
    )
    dedupe_key: str = Field(DEFAULT_KEY, max_length=200)
    cooldown_minutes: int = Field(0, ge=0, le=60 * 24 * 90)
    evaluate_every_minutes: int = Field(60, ge=1, le=60 * 24 * 7)
    team: str | None = Field(None, max_length=100)
    channel_ids: list[str] = []
    routes: list[Route] = []
    escalation: Escalation | None = None

    @field_validator("dedupe_key")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        unknown = sorted(set(placeholders(value)) - set(KEY_FIELDS + SUBJECT_FIELDS))
        if unknown:
            raise ValueError(f"unknown placeholder(s) {unknown}; use {list(KEY_FIELDS)}")
        try:
            value.format(**dict.fromkeys(KEY_FIELDS + SUBJECT_FIELDS, "x"))
        except (ValueError, IndexError, KeyError):
            raise ValueError("unbalanced braces; write {sku}, {location}, ...") from None
        return value

    @model_validator(mode="after")
    def _one_kind_of_subject(self) -> RuleDefinition:
        from alerting.domain.subjects import check_subjects  # it reads this module's models

        check_subjects(self)
        return self

    @property
    def business(self) -> BusinessCondition | None:
        """The condition when it is on suppliers or approvals, not on stock points."""
        return self.condition if isinstance(self.condition, BusinessCondition) else None

    @property
    def key(self) -> str:
        """The dedupe key; a business rule's default is its subject's own key."""
        business = self.business
        if business is not None and self.dedupe_key == DEFAULT_KEY:
            return SUBJECT_KEYS[business.kind]
        return self.dedupe_key

    @property
    def grouped(self) -> bool:
        """Several stock points (or suppliers, kinds of request) share one alert."""
        business = self.business
        if business is not None:
            return SUBJECT_KEYS[business.kind] not in self.key
        return "{sku}" not in self.dedupe_key or "{location}" not in self.dedupe_key

    def forecast_periods(self) -> set[Period]:
        """The period kinds whose forecast error or bias the condition or recovery reads."""
        found: set[Period] = set()
        pending: list[Condition] = [self.condition, *([self.recovery] if self.recovery else [])]
        while pending:
            condition = pending.pop()
            if isinstance(condition, (AllOf, AnyOf)):
                pending.extend(condition.conditions)
            elif isinstance(condition, Consecutive):
                pending.append(condition.condition)
            elif isinstance(condition, (Threshold, Change, Trend)) and condition.kpi in FORECASTS:
                found.add(condition.period)
        return found

    def channels_named(self) -> set[str]:
        """Every channel the rule names (to check they exist)."""
        named = set(self.channel_ids)
        for route in self.routes:
            named |= set(route.channel_ids)
        return named | set(self.escalation.channel_ids if self.escalation else ())


KPI = "kpi"
"""The kind of the rules written in this language (the built-in ones have their own kinds)."""
RULE_COLUMNS = ("name_zh", "name_en", "severity", "enabled", "channel_ids")
"""The definition's fields that are columns of a stored rule; the rest is its `params`."""


def definition_of(row: Mapping[str, Any]) -> RuleDefinition:
    """A stored KPI rule (its columns and `params`) as the language reads it."""
    return RuleDefinition.model_validate({**{c: row[c] for c in RULE_COLUMNS}, **row["params"]})


__all__ = ["OverdueApprovals", "SupplierOnTime"]  # re-exported: the language's conditions

AllOf.model_rebuild()
AnyOf.model_rebuild()
RuleDefinition.model_rebuild()
