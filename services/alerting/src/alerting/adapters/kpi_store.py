"""SQL of the KPI store: day rows written a consumed run at a time, read back per stock point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from inventory_contracts.events.master_data import ItemUpserted
from inventory_runtime.db import text_array
from sqlalchemy import func, literal, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters.kpi_rollups import read_forecasts, read_rollups, refresh_weeks
from alerting.adapters.tables import kpi_days, kpi_items, kpi_point_classes, kpi_points
from alerting.domain.grid import Forecasts, Rollups
from alerting.domain.kpis import DayRow, Period
from alerting.domain.movements import DayChange
from alerting.domain.points import Point, PointFilter, StockPoint


class KpiRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, changes: Sequence[DayChange]) -> None:
        """Add the day changes to their (stock point, day) rows and move the stock points on:
        one statement each for the run (arrays, not a statement compiled per run's size)."""
        if not changes:
            return
        days = {name: [getattr(c, name) for c in changes] for name in _DAY_CHANGE}
        await self._session.execute(_RECORD_DAYS, days)
        await refresh_weeks(self._session, [(c.sku, c.location, c.day) for c in changes])
        latest: dict[Point, DayChange] = {}
        for change in changes:
            key = (change.sku, change.location)
            if key not in latest or change.last_at >= latest[key].last_at:
                latest[key] = change
        moved = {name: [getattr(c, name) for c in latest.values()] for name in _POINT_CHANGE}
        await self._session.execute(_RECORD_POINTS, moved)

    async def record_backorder(self, sku: str, location: str, day: date, delta: Decimal) -> None:
        """Backordered units (`delta` > 0) or filled ones (< 0) of a stock point on `day`."""
        on_hand = select(kpi_points.c.on_hand).where(
            kpi_points.c.sku == sku, kpi_points.c.location == location
        )
        carried = func.coalesce(on_hand.scalar_subquery(), literal(Decimal(0)))
        opened = max(delta, Decimal(0))
        row = insert(kpi_days).values(
            sku=sku, location=location, day=day, opening=carried, closing=carried,
            backordered=opened,
        )  # fmt: skip
        await self._session.execute(
            row.on_conflict_do_update(
                index_elements=[kpi_days.c.sku, kpi_days.c.location, kpi_days.c.day],
                set_={"backordered": kpi_days.c.backordered + opened},
            )
        )
        await refresh_weeks(self._session, [(sku, location, day)])
        point = insert(kpi_points).values(
            sku=sku, location=location, first_seen=day, backorder_open=max(delta, Decimal(0))
        )
        await self._session.execute(
            point.on_conflict_do_update(
                index_elements=[kpi_points.c.sku, kpi_points.c.location],
                set_={"backorder_open": func.greatest(kpi_points.c.backorder_open + delta, 0)},
            )
        )

    async def upsert_item(self, item: ItemUpserted) -> None:
        values = {"name": item.name_zh or item.name, "category": item.category}
        if item.abc_class is not None:
            values["abc_class"] = item.abc_class
        statement = insert(kpi_items).values(sku=item.sku, **values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[kpi_items.c.sku], set_={**values, "updated_at": func.now()}
            )
        )

    async def classify(self, sku: str, location: str, abc_class: str, at: datetime) -> None:
        """The ABC class planning gave the stock point at `at` (an older one never overwrites)."""
        classes = kpi_point_classes
        row = insert(classes).values(sku=sku, location=location, abc_class=abc_class,
                                     classified_at=at)  # fmt: skip
        await self._session.execute(
            row.on_conflict_do_update(
                index_elements=[classes.c.sku, classes.c.location],
                set_={"abc_class": abc_class, "classified_at": at},
                where=classes.c.classified_at <= at,
            )
        )

    async def points(self, where: PointFilter, keys: Sequence[Point] = ()) -> list[StockPoint]:
        """The stock points matching `where` (and among `keys` when given), by sku, location;
        a stock point's ABC class is the one planning gave it, else its item's."""
        classes = kpi_point_classes
        abc_class = func.coalesce(classes.c.abc_class, kpi_items.c.abc_class)
        query = (
            select(
                kpi_points.c.sku,
                kpi_points.c.location,
                kpi_items.c.category,
                abc_class,
                kpi_points.c.on_hand,
                kpi_points.c.backorder_open,
                kpi_points.c.first_seen,
                func.date(kpi_points.c.last_movement_at),
            )
            .outerjoin(kpi_items, kpi_items.c.sku == kpi_points.c.sku)
            .outerjoin(
                classes,
                (classes.c.sku == kpi_points.c.sku) & (classes.c.location == kpi_points.c.location),
            )
            .order_by(kpi_points.c.sku, kpi_points.c.location)
        )
        for column, values in (
            (kpi_points.c.sku, where.skus),
            (kpi_points.c.location, where.locations),
            (kpi_items.c.category, where.categories),
            (abc_class, where.abc_classes),
        ):
            if values:
                query = query.where(column.in_(list(values)))
        if keys:
            wanted = (
                select(func.unnest(text_array([k[0] for k in keys])).label("sku"),
                       func.unnest(text_array([k[1] for k in keys])).label("location"))
                .subquery()
            )  # fmt: skip
            query = query.join(
                wanted,
                (wanted.c.sku == kpi_points.c.sku) & (wanted.c.location == kpi_points.c.location),
            )
        result = await self._session.execute(query)
        return [StockPoint(*row) for row in result.all()]

    async def rollups(
        self,
        keys: Sequence[Point],
        period: Period,
        start: date,
        today: date,
        *,
        every: bool = False,
    ) -> Rollups:
        """The roll-ups of the stock points (in that order) from `start` to today's period;
        `every`: they are all the stock points, as `points` lists them."""
        return await read_rollups(self._session, keys, period, start, today, every=every)

    async def measured(
        self, keys: Sequence[Point], period: Period, start: date, today: date, *, every: bool
    ) -> Forecasts:
        """Planning's measured forecasts of the stock points (numbered as `rollups` numbers
        them) for the periods from `start` to today's."""
        return await read_forecasts(self._session, keys, period, start, today, every=every)

    async def days(self, keys: Sequence[Point], since: date) -> dict[Point, list[DayRow]]:
        """The day rows of the stock points from `since` on, with the last one before it (so on
        hand carries into the window), oldest first.

        The stock points are joined as two arrays (a long ``IN`` list of pairs plans badly),
        the last row before the window found through the primary key, one per stock point."""
        rows: dict[Point, list[DayRow]] = {key: [] for key in keys}
        if not keys:
            return rows
        params = {"skus": [k[0] for k in keys], "locations": [k[1] for k in keys], "since": since}
        for row in (await self._session.execute(_DAYS, params)).mappings():
            rows[(row["sku"], row["location"])].append(_day_row(row))
        return rows


_DAY_CHANGE = {
    "sku": "text", "location": "text", "day": "date", "opening": "numeric",
    "closing": "numeric", "consumed": "numeric", "received": "numeric", "moves": "int",
}  # fmt: skip
_POINT_CHANGE = {
    "sku": "text", "location": "text", "closing": "numeric", "day": "date",
    "last_at": "timestamptz",
}  # fmt: skip


def _unnest(columns: dict[str, str]) -> str:
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns.items())
    return f"unnest({arrays}) AS c({', '.join(columns)})"


_RECORD_DAYS = text(
    f"""INSERT INTO kpi_days ({", ".join(_DAY_CHANGE)})
        SELECT * FROM {_unnest(_DAY_CHANGE)}
        ON CONFLICT (sku, location, day) DO UPDATE SET
            closing = excluded.closing, consumed = kpi_days.consumed + excluded.consumed,
            received = kpi_days.received + excluded.received,
            moves = kpi_days.moves + excluded.moves"""
)
_RECORD_POINTS = text(
    f"""INSERT INTO kpi_points (sku, location, on_hand, first_seen, last_movement_at)
        SELECT * FROM {_unnest(_POINT_CHANGE)}
        ON CONFLICT (sku, location) DO UPDATE SET
            on_hand = excluded.on_hand,
            first_seen = least(kpi_points.first_seen, excluded.first_seen),
            last_movement_at = greatest(kpi_points.last_movement_at, excluded.last_movement_at)"""
)
_KEYS = "unnest(CAST(:skus AS text[]), CAST(:locations AS text[])) AS k(sku, location)"
_DAYS = text(
    f"""
    SELECT d.* FROM {_KEYS} JOIN kpi_days AS d USING (sku, location) WHERE d.day >= :since
    UNION ALL
    SELECT before.* FROM {_KEYS} CROSS JOIN LATERAL (
        SELECT * FROM kpi_days AS d
         WHERE d.sku = k.sku AND d.location = k.location AND d.day < :since
         ORDER BY d.day DESC LIMIT 1
    ) AS before
    ORDER BY sku, location, day
    """
)


def _day_row(row: Any) -> DayRow:
    fields = ("opening", "closing", "consumed", "received", "backordered", "moves")
    return DayRow(row["day"], *(row[name] for name in fields))
