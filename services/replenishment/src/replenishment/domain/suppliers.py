"""Supplier delivery performance from purchase order lines: on time or not, and lead times.

A PO line is *on time* when the receipt completing it falls on or before its expected receipt
date, *late* when after, *overdue* when still open past that date, *pending* when open and not
yet due (pending lines do not count in the rate). Its lead time is the days from release to the
completing receipt. Percentiles are nearest-rank (p-th smallest of n at rank ceil(p * n)).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

DeliveryOutcome = Literal["on_time", "late", "overdue", "pending"]


@dataclass(frozen=True)
class DeliveryLine:
    purchase_order_id: str
    supplier_id: str
    sku: str
    location: str
    quantity: Decimal
    received_quantity: Decimal
    released_on: date
    expected_on: date
    completed_on: date | None  # date of the receipt that completed the line

    def outcome(self, today: date) -> DeliveryOutcome:
        if self.completed_on is not None:
            return "on_time" if self.completed_on <= self.expected_on else "late"
        return "overdue" if today > self.expected_on else "pending"

    @property
    def lead_time_days(self) -> int | None:
        return None if self.completed_on is None else (self.completed_on - self.released_on).days

    @property
    def days_late(self) -> int | None:
        return None if self.completed_on is None else (self.completed_on - self.expected_on).days


@dataclass(frozen=True)
class LeadTimeStats:
    observations: int
    mean_days: float
    std_days: float  # sample standard deviation; 0 for one observation
    min_days: int
    p50_days: int
    p90_days: int
    max_days: int
    histogram: dict[int, int]  # days -> lines


def nearest_rank(sorted_values: Sequence[int], p: float) -> int:
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def lead_time_stats(days: Iterable[int]) -> LeadTimeStats | None:
    values = sorted(days)
    if not values:
        return None
    return LeadTimeStats(
        observations=len(values),
        mean_days=statistics.fmean(values),
        std_days=statistics.stdev(values) if len(values) > 1 else 0.0,
        min_days=values[0],
        p50_days=nearest_rank(values, 0.5),
        p90_days=nearest_rank(values, 0.9),
        max_days=values[-1],
        histogram=dict(sorted(Counter(values).items())),
    )


@dataclass(frozen=True)
class SupplierPerformance:
    supplier_id: str
    lines: int
    on_time: int
    late: int
    overdue: int
    pending: int
    on_time_rate: float | None  # on time / (on time + late + overdue); None if none was due
    average_days_late: float | None  # over completed lines (negative = early)
    lead_time: LeadTimeStats | None  # all SKUs
    lead_time_by_sku: dict[str, LeadTimeStats]


def supplier_performance(
    supplier_id: str, lines: Iterable[DeliveryLine], today: date
) -> SupplierPerformance:
    own = [line for line in lines if line.supplier_id == supplier_id]
    outcomes = Counter(line.outcome(today) for line in own)
    due = outcomes["on_time"] + outcomes["late"] + outcomes["overdue"]
    delays = [line.days_late for line in own if line.days_late is not None]
    by_sku: dict[str, list[int]] = {}
    for line in own:
        if line.lead_time_days is not None:
            by_sku.setdefault(line.sku, []).append(line.lead_time_days)
    return SupplierPerformance(
        supplier_id=supplier_id,
        lines=len(own),
        on_time=outcomes["on_time"],
        late=outcomes["late"],
        overdue=outcomes["overdue"],
        pending=outcomes["pending"],
        on_time_rate=outcomes["on_time"] / due if due else None,
        average_days_late=statistics.fmean(delays) if delays else None,
        lead_time=lead_time_stats(d for days in by_sku.values() for d in days),
        lead_time_by_sku={
            sku: stats for sku, days in sorted(by_sku.items()) if (stats := lead_time_stats(days))
        },
    )


def lead_time_probabilities(
    observed_days: Sequence[int], quoted_days: int, days_per_period: float, min_observations: int
) -> dict[int, float]:
    """Lead time in whole planning periods -> probability: the observed distribution when there
    are at least `min_observations`, else the quoted lead time for certain. Days round to the
    nearest period (half up)."""
    days = observed_days if len(observed_days) >= min_observations else [quoted_days]
    periods = Counter(math.floor(d / days_per_period + 0.5) for d in days)
    return {p: n / len(days) for p, n in sorted(periods.items())}
