"""SQL of the KPIs beyond the stock ledger's movements: supplier on-time rate, overdue approvals,
and planning's forecasts against demand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from inventory_contracts.events.replenishment import ForecastAccuracyMeasured
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters.tables import kpi_approvals, kpi_forecasts, kpi_purchase_orders
from alerting.domain.business_rules import Delivery, Request
from alerting.domain.forecasts import ForecastPeriod, measured
from alerting.domain.points import Point

PO = kpi_purchase_orders


class BusinessKpis:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def purchase_order(self, order_id: str, supplier_id: str, expected: date) -> None:
        statement = insert(PO).values(
            purchase_order_id=order_id, supplier_id=supplier_id, expected_receipt_date=expected
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[PO.c.purchase_order_id],
                set_={"supplier_id": supplier_id, "expected_receipt_date": expected},
            )
        )

    async def cancelled(self, order_id: str) -> None:
        """The order was cancelled: judged no more unless something came against it."""
        await self._session.execute(
            PO.delete().where(PO.c.purchase_order_id == order_id, PO.c.first_received_at.is_(None))
        )

    async def received(self, order_id: str, at: datetime) -> None:
        """Goods arrived against the order (the first arrival counts)."""
        await self._session.execute(
            update(PO)
            .where(PO.c.purchase_order_id == order_id)
            .values(first_received_at=func.least(func.coalesce(PO.c.first_received_at, at), at))
        )

    async def approval(self, request_id: str, changes: dict[str, Any]) -> None:
        """Record when a request was made, went overdue or was decided (the first time)."""
        statement = insert(kpi_approvals).values(request_id=request_id, **changes)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[kpi_approvals.c.request_id],
                set_={
                    name: func.coalesce(getattr(kpi_approvals.c, name), value)
                    for name, value in changes.items()
                    if name != "subject_type"
                },
            )
        )

    async def overdue_approvals(self) -> list[tuple[str, int, datetime | None]]:
        """Per subject type: undecided requests past due, and since when the oldest is."""
        a = kpi_approvals.c
        query = (
            select(a.subject_type, func.count(), func.min(a.overdue_since))
            .where(a.overdue_since.is_not(None), a.decided_at.is_(None))
            .group_by(a.subject_type)
            .order_by(a.subject_type)
        )
        return [(t, int(n), since) for t, n, since in (await self._session.execute(query)).all()]

    async def deliveries(self, since: date) -> list[Delivery]:
        """The purchase orders due on or after `since`."""
        query = select(PO.c.supplier_id, PO.c.expected_receipt_date, PO.c.first_received_at)
        rows = await self._session.execute(query.where(PO.c.expected_receipt_date >= since))
        return [Delivery(supplier, expected, at) for supplier, expected, at in rows.all()]

    async def overdue_requests(self, since: datetime | None = None) -> list[Request]:
        """The approval requests that went overdue and are undecided, or (with `since`) were
        decided after it: what was overdue at any moment from `since` on."""
        a = kpi_approvals.c
        undecided = a.decided_at.is_(None)
        which = undecided if since is None else undecided | (a.decided_at >= since)
        query = select(a.subject_type, a.overdue_since, a.decided_at)
        rows = await self._session.execute(query.where(a.overdue_since.is_not(None), which))
        return [Request(kind, overdue, decided) for kind, overdue, decided in rows.all()]

    async def forecast(self, event: ForecastAccuracyMeasured) -> None:
        """A stock point's forecast against the demand of a closed period (measured again:
        the later measurement stands)."""
        values = {"forecast": event.forecast, "actual": event.actual,
                  "forecast_run_id": event.forecast_run_id}  # fmt: skip
        statement = insert(kpi_forecasts).values(
            sku=event.sku, location=event.location, period=event.period,
            period_start=event.period_start, **values,
        )  # fmt: skip
        await self._session.execute(
            statement.on_conflict_do_update(constraint="pk_kpi_forecasts", set_=values)
        )

    async def forecasts(
        self, keys: Sequence[Point], period: str, start: date, end: date
    ) -> dict[Point, list[ForecastPeriod]]:
        """The stock points' measured periods starting in [start, end], oldest first."""
        found: dict[Point, list[ForecastPeriod]] = {}
        if not keys:
            return found
        f = kpi_forecasts.c
        query = (
            select(f.sku, f.location, f.period_start, f.forecast, f.actual)
            .where(tuple_(f.sku, f.location).in_(list(keys)), f.period == period)
            .where(f.period_start >= start, f.period_start <= end)
            .order_by(f.sku, f.location, f.period_start)
        )
        for sku, location, begins, forecast, actual in (await self._session.execute(query)).all():
            found.setdefault((sku, location), []).append(measured(begins, forecast, actual))
        return found
