"""Cycle counting: which stock points are due, and which variances need approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ABC_CLASSES = ("A", "B", "C")
DEFAULT_INTERVAL_DAYS = {"A": 30, "B": 90, "C": 365}
"""A monthly, B quarterly, C yearly."""
APPROVAL_SUBJECT = "stock_count_variance"
"""`subject_type` of the ApprovalRequested a large count variance publishes."""


def is_due(last_counted: date | None, interval_days: int, today: date) -> bool:
    """Never counted, or last counted `interval_days` or more days ago."""
    return last_counted is None or last_counted + timedelta(days=interval_days) <= today


@dataclass(frozen=True)
class Variance:
    book: Decimal
    counted: Decimal
    unit_cost: Decimal

    @property
    def quantity(self) -> Decimal:
        return self.counted - self.book

    @property
    def value(self) -> Decimal:
        """Absolute value of the difference at the current cost (a loss and a gain alike)."""
        return abs(self.quantity) * self.unit_cost

    def needs_approval(self, threshold: Decimal) -> bool:
        return self.value > threshold
