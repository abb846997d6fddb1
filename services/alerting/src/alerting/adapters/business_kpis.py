"""SQL of the KPIs beyond stock points: supplier on-time rate and overdue approvals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters.tables import kpi_approvals, kpi_purchase_orders

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

    async def supplier_deliveries(self, start: date, end: date) -> list[tuple[str, int, int]]:
        """Per supplier: purchase orders first received in [start, end] and how many of them
        by their expected date."""
        received_on = func.date(func.timezone("UTC", PO.c.first_received_at))
        on_time = func.count().filter(received_on <= PO.c.expected_receipt_date)
        query = (
            select(PO.c.supplier_id, func.count(), on_time)
            .where(received_on >= start, received_on <= end)
            .group_by(PO.c.supplier_id)
            .order_by(PO.c.supplier_id)
        )
        return [(s, int(n), int(o)) for s, n, o in (await self._session.execute(query)).all()]

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
