"""Stock points with their attributes, and KPIs rolled up by item, location, category or ABC
class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from alerting.domain.kpis import DayRow, Period, PeriodKpis, Snapshot, periods, rollup, snapshot

Grouping = Literal["item", "location", "category", "abc_class"]
Point = tuple[str, str]
UNCLASSIFIED = "-"
"""The group of items without a category or ABC class."""


@dataclass(frozen=True)
class PointFilter:
    """Which stock points: any listed value matches (an empty list: no restriction)."""

    skus: Sequence[str] = ()
    locations: Sequence[str] = ()
    categories: Sequence[str] = ()
    abc_classes: Sequence[str] = ()


@dataclass(frozen=True)
class StockPoint:
    """A stock point (item x location) with the attributes rules scope by and KPIs roll up by."""

    sku: str
    location: str
    category: str | None
    abc_class: str | None
    on_hand: Decimal
    backorder_open: Decimal
    first_seen: date
    last_moved: date | None

    @property
    def key(self) -> str:
        """``sku@location``, the subject of its alerts."""
        return f"{self.sku}@{self.location}"

    @property
    def point(self) -> Point:
        return (self.sku, self.location)

    def attribute(self, name: str) -> str:
        """sku, location, category or abc_class (``-`` when the item has none)."""
        value = {
            "item": self.key,
            "sku": self.sku,
            "location": self.location,
            "category": self.category,
            "abc_class": self.abc_class,
        }[name]
        return value or UNCLASSIFIED

    def snapshot(self, rows: Sequence[DayRow], today: date, *, began: bool = False) -> Snapshot:
        """The stock point at the end of `today` (when it `began`: before its movements)."""
        moved = self.last_moved
        known = moved is not None and (moved < today if began else moved <= today)
        return snapshot(rows, self.first_seen, today, moved if known else None)


def grouped(
    points: Sequence[StockPoint],
    rows: Mapping[Point, Sequence[DayRow]],
    period: Period,
    window: tuple[date, date],
    group: Grouping,
) -> list[tuple[str, PeriodKpis]]:
    """The KPIs of each group and period in `window` (first day, day after the last), by
    group then period; a group's figures are sums over its stock points."""
    members: dict[str, list[list[PeriodKpis]]] = {}
    for point in points:
        series = periods(rows.get(point.point, ()), period, window[0], window[1])
        members.setdefault(point.attribute(group), []).append(series)
    result: list[tuple[str, PeriodKpis]] = []
    for key in sorted(members):
        for index in range(len(members[key][0])):
            total = rollup(series[index] for series in members[key])
            if total is not None:
                result.append((key, total))
    return result
