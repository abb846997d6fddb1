"""Stock aging: what is still on hand, by how long ago it was received."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from stock_ledger.domain.model import ZERO
from stock_ledger.domain.valuation import CostLayer

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    (">365", 366, None),
)
"""Age buckets in days since receipt (label, first day, last day)."""


def bucket_of(age_days: int) -> str:
    for label, _, last in BUCKETS:
        if last is None or age_days <= last:
            return label
    raise AssertionError("unreachable")


def aging(layers: Iterable[CostLayer], today: date) -> dict[str, tuple[Decimal, Decimal]]:
    """(quantity, value) still on hand per age bucket, from each layer's receipt date."""
    result = {label: (ZERO, ZERO) for label, _, _ in BUCKETS}
    for layer in layers:
        if layer.remaining <= 0:
            continue
        label = bucket_of(max((today - layer.receipt_date).days, 0))
        quantity, value = result[label]
        result[label] = (quantity + layer.remaining, value + layer.value)
    return result
