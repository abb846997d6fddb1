"""The inputs of a planning run: read in bulk on the event loop, shaped in the executor.

`read_inputs` is the only part that touches the database (a handful of set-wise queries; demand
is summed to planning periods by PostgreSQL). `prepare` turns the rows into the demand matrix
(stock points x complete periods, NaN before a stock point's first demand) and per-point terms;
it is CPU work, so it runs in the executor with the planning itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from replenishment.domain import Item, Policy, StockPointKey, Supplier
from replenishment.domain.demand import (
    DAYS_PER_PERIOD,
    PERIODS_PER_YEAR,
    Period,
    period_start,
    shift_periods,
)
from replenishment.domain.suppliers import DeliveryLine, lead_time_probabilities
from replenishment.planning import plan as planning
from replenishment.planning.forecast import ForecastSettings
from replenishment.ports import PlanningUoW

DEFAULT_SEASON = {"day": 7, "week": 52, "month": 12}


@dataclass(frozen=True)
class PlanningConfig:
    period: Period = "week"
    history_periods: int = 104
    review_periods: int = 1
    season_length: int | None = None
    service_levels: dict[str, float] = field(
        default_factory=lambda: dict(planning.DEFAULT_SERVICE_LEVELS)
    )
    order_cost: float = 50.0
    holding_rate: float = 0.25
    min_lead_time_observations: int = 3

    @property
    def days_per_period(self) -> float:
        return DAYS_PER_PERIOD[self.period]

    def window(self, today: date) -> tuple[date, date]:
        """[start, end) of the history: complete periods only (the current one is left out)."""
        end = period_start(today, self.period)
        return shift_periods(end, self.period, -self.history_periods), end

    def planning_settings(self) -> planning.PlanningSettings:
        season = self.season_length or DEFAULT_SEASON[self.period]
        return planning.PlanningSettings(
            periods_per_year=PERIODS_PER_YEAR[self.period],
            review_periods=self.review_periods,
            service_levels=dict(self.service_levels),
            holding_rate=self.holding_rate,
            forecast=ForecastSettings(season_length=season),
        )


@dataclass(frozen=True)
class RawInputs:
    """The rows a run reads; plain data, so it can be handed to a worker process."""

    policies: dict[StockPointKey, Policy]
    items: dict[str, Item]
    suppliers: dict[str, Supplier]
    demand_spans: dict[StockPointKey, tuple[date, date]]
    latest_supplier: dict[str, str]
    delivery_lines: list[DeliveryLine]
    demand: list[tuple[str, str, date, Decimal]]  # per stock point and period start


async def read_inputs(uow: PlanningUoW, config: PlanningConfig, today: date) -> RawInputs:
    repo = uow.planning
    start, end = config.window(today)
    return RawInputs(
        policies=await repo.policies(),
        items=await repo.items(),
        suppliers=await repo.suppliers(),
        demand_spans=await repo.demand_span(),
        latest_supplier=await repo.latest_supplier_by_sku(),
        delivery_lines=await repo.delivery_lines(),
        demand=await repo.demand_by_period(config.period, start, end),
    )


@dataclass(frozen=True)
class StockPointTerms:
    sku: str
    location: str
    supplier_id: str
    unit_cost: float
    lead_time_days: list[int]  # the observations behind the distribution (or the quoted one)
    lead_time_probs: dict[int, float]  # periods -> probability
    moq: float
    pack_size: float
    first_period: int  # index of the first listed period in the window


@dataclass
class Prepared:
    points: list[StockPointTerms]
    history: np.ndarray  # stock points x periods, NaN before listing
    new_policies: dict[StockPointKey, Policy]
    skipped: Counter[str]


def _period_index(day: date, window_start: date, period: Period) -> int:
    start = period_start(day, period)
    if period == "month":
        return (start.year - window_start.year) * 12 + start.month - window_start.month
    return (start - window_start).days // (7 if period == "week" else 1)


def prepare(raw: RawInputs, config: PlanningConfig, today: date) -> Prepared:
    """Stock points to plan (with a policy or demand), their terms and the demand matrix.

    Skipped, and counted by reason: no demand at all, no complete period yet, no supplier (no
    policy and never ordered), no unit cost (no policy cost and unknown item).
    """
    window = config.window(today)
    observed = _observed_lead_times(raw.delivery_lines)
    skipped: Counter[str] = Counter()
    points: list[StockPointTerms] = []
    new_policies: dict[StockPointKey, Policy] = {}
    for key in sorted(set(raw.policies) | set(raw.demand_spans)):
        found = _terms_of(key, raw, config, observed, window)
        if isinstance(found, str):
            skipped[found] += 1
            continue
        if key not in raw.policies:
            new_policies[key] = Policy(*key, Decimal(0), Decimal(1), found.supplier_id)
        points.append(found)
    matrix = _demand_matrix(points, raw.demand, config, window[0])
    return Prepared(points, matrix, new_policies, skipped)


def _observed_lead_times(lines: list[DeliveryLine]) -> dict[tuple[str, str], list[int]]:
    """Lead times of the completed purchase order lines per (supplier, sku), oldest first."""
    observed: dict[tuple[str, str], list[int]] = {}
    for line in lines:
        if line.lead_time_days is not None:
            observed.setdefault((line.supplier_id, line.sku), []).append(line.lead_time_days)
    return observed


def _terms_of(
    key: StockPointKey,
    raw: RawInputs,
    config: PlanningConfig,
    observed: dict[tuple[str, str], list[int]],
    window: tuple[date, date],
) -> StockPointTerms | str:
    """The stock point's terms, or why it is skipped."""
    sku, location = key
    span = raw.demand_spans.get(key)
    if span is None:
        return "no_demand_history"
    if span[0] >= window[1]:
        return "no_complete_period"
    policy = raw.policies.get(key)
    supplier_id = policy.supplier_id if policy else raw.latest_supplier.get(sku)
    supplier = raw.suppliers.get(supplier_id) if supplier_id else None
    item = raw.items.get(sku)
    unit_cost = policy.unit_cost if policy else None
    unit_cost = unit_cost if unit_cost is not None else (item.unit_cost if item else None)
    quoted = policy.lead_time_days if policy else None
    quoted = quoted if quoted is not None else (supplier.lead_time_days if supplier else None)
    if supplier_id is None or quoted is None:
        return "no_supplier"
    if unit_cost is None:
        return "no_unit_cost"
    history = observed.get((supplier_id, sku), [])
    minimum = config.min_lead_time_observations
    return StockPointTerms(
        sku=sku,
        location=location,
        supplier_id=supplier_id,
        unit_cost=float(unit_cost),
        lead_time_days=history if len(history) >= minimum else [quoted],
        lead_time_probs=lead_time_probabilities(history, quoted, config.days_per_period, minimum),
        moq=float(policy.moq or 0) if policy else 0.0,
        pack_size=float(policy.pack_size or 1) if policy else 1.0,
        first_period=max(0, _period_index(span[0], window[0], config.period)),
    )


def _demand_matrix(
    points: list[StockPointTerms],
    demand: list[tuple[str, str, date, Decimal]],
    config: PlanningConfig,
    window_start: date,
) -> np.ndarray:
    """Stock points x periods of the window: NaN before a point's first demand, else its sum."""
    matrix = np.full((len(points), config.history_periods), np.nan)
    row_of = {(p.sku, p.location): i for i, p in enumerate(points)}
    for i, point in enumerate(points):
        matrix[i, point.first_period :] = 0.0
    for sku, location, start, quantity in demand:
        row = row_of.get((sku, location))
        column = _period_index(start, window_start, config.period)
        if row is not None and 0 <= column < config.history_periods:
            matrix[row, column] += float(quantity)
    return matrix
