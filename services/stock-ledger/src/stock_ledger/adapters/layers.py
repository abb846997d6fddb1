"""Cost layers in PostgreSQL: open layers and consumptions for posting, the later outbound
entries a back-dated posting re-costs, and the daily sums the reports read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters import rows
from stock_ledger.adapters.rows import n
from stock_ledger.adapters.tables import (
    cost_layers,
    daily_stock,
    documents,
    layer_consumptions,
    ledger_entries,
)
from stock_ledger.domain import Consumption, CostLayer, Document, LaterOutbound, PointKey, Posting
from stock_ledger.ports import CostState


class _State:
    def __init__(self) -> None:
        self.layers: dict[PointKey, list[CostLayer]] = defaultdict(list)
        self.consumed: dict[str, list[Consumption]] = defaultdict(list)
        self.later: dict[PointKey, list[LaterOutbound]] = defaultdict(list)


class CostLayerStore:
    """The cost-layer half of `SqlLedgerRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._loaded: dict[int | None, Any] = {}
        """Remaining quantity of each layer as loaded: only changed ones are written back."""

    async def cost_state(
        self,
        keys: Iterable[PointKey],
        movements: Iterable[str] = (),
        backdated: Mapping[PointKey, date] | None = None,
    ) -> CostState:
        """Open layers at `keys`; what `movements` consumed; outbound after back-dated dates."""
        state = _State()
        keys = sorted(set(keys))
        movements = set(movements)
        by_id: dict[int, CostLayer] = {}

        def keep(found: Iterable[Any]) -> None:
            for row in found:
                if row.layer_id not in by_id:
                    by_id[row.layer_id] = rows.layer(row)
                    self._loaded[row.layer_id] = by_id[row.layer_id].remaining
                    state.layers[(row.sku, row.location)].append(by_id[row.layer_id])

        point = tuple_(cost_layers.c.sku, cost_layers.c.location)
        keep(
            await self.session.execute(
                select(cost_layers).where(point.in_(keys), cost_layers.c.remaining > 0)
            )
        )
        later_rows: list[Any] = []
        if backdated:
            later_rows = list(await self._later_outbound(backdated))
        wanted = movements | {r.movement_id for r in later_rows}
        if wanted:
            consumption_rows = (
                await self.session.execute(
                    select(layer_consumptions).where(layer_consumptions.c.movement_id.in_(wanted))
                )
            ).all()
            missing = {r.layer_id for r in consumption_rows} - by_id.keys()
            conditions = [cost_layers.c.layer_id.in_(missing)] if missing else []
            if movements:
                conditions.append(cost_layers.c.movement_id.in_(movements))
            if conditions:
                keep(await self.session.execute(select(cost_layers).where(or_(*conditions))))
            for r in consumption_rows:
                state.consumed[r.movement_id].append(Consumption(by_id[r.layer_id], n(r.quantity)))
        for r in later_rows:
            state.later[(r.sku, r.location)].append(
                LaterOutbound(
                    r.movement_id,
                    r.document_id,
                    r.effective_date,
                    n(-r.quantity_delta),
                    r.lot,
                    n(r.cost),
                    tuple(state.consumed.get(r.movement_id, ())),
                    r.movement_type == "issue",
                )
            )
        return state

    async def _later_outbound(self, backdated: Mapping[PointKey, date]) -> Sequence[Any]:
        """Outbound entries effective after each stock point's back-dated date, date order."""
        entry = ledger_entries.alias("entry")
        adjustments = ledger_entries.alias("adjustment")
        adjusted = (
            select(func.coalesce(func.sum(adjustments.c.value), 0))
            .where(adjustments.c.adjusts_movement_id == entry.c.movement_id)
            .scalar_subquery()
        )
        reversed_documents = select(documents.c.reverses_document_id).where(
            documents.c.reverses_document_id.is_not(None)
        )
        points = or_(
            *(
                and_(entry.c.sku == sku, entry.c.location == loc, entry.c.effective_date > day)
                for (sku, loc), day in sorted(backdated.items())
            )
        )
        query = (
            select(
                entry.c.movement_id,
                entry.c.document_id,
                entry.c.sku,
                entry.c.location,
                entry.c.effective_date,
                entry.c.quantity_delta,
                entry.c.lot,
                entry.c.movement_type,
                (-(entry.c.value + adjusted)).label("cost"),
            )
            .where(
                points,
                entry.c.quantity_delta < 0,
                entry.c.movement_type != "reversal",
                entry.c.document_id.not_in(reversed_documents),
            )
            .order_by(entry.c.effective_date, entry.c.seq)
        )
        return (await self.session.execute(query)).all()

    async def save_posting(self, document: Document, posting: Posting) -> None:
        """Insert new layers, save changed remaining quantities, replace consumptions."""
        new = [layer for found in posting.layers.values() for layer in found if not layer.layer_id]
        old = [
            layer
            for found in posting.layers.values()
            for layer in found
            if layer.layer_id and self._loaded.get(layer.layer_id) != layer.remaining
        ]
        if new:
            ids = await self.session.execute(
                insert(cost_layers).returning(cost_layers.c.layer_id, sort_by_parameter_order=True),
                [
                    {
                        "sku": x.sku,
                        "location": x.location,
                        "lot": x.lot,
                        "expiry_date": x.expiry_date,
                        "receipt_date": x.receipt_date,
                        "quantity": x.quantity,
                        "remaining": x.remaining,
                        "unit_cost": x.unit_cost,
                        "movement_id": x.movement_id,
                    }
                    for x in new
                ],
            )
            for layer, layer_id in zip(new, ids.scalars().all(), strict=True):
                layer.layer_id = layer_id
                self._loaded[layer_id] = layer.remaining
        if old:
            await self.session.execute(
                update(cost_layers)
                .where(cost_layers.c.layer_id == bindparam("l_id"))
                .values(remaining=bindparam("l_remaining")),
                [{"l_id": x.layer_id, "l_remaining": x.remaining} for x in old],
            )
            for x in old:
                self._loaded[x.layer_id] = x.remaining
        if posting.replaced_consumptions:
            await self.session.execute(
                delete(layer_consumptions).where(
                    layer_consumptions.c.movement_id.in_(posting.replaced_consumptions)
                )
            )
        taken: dict[tuple[str, int], Any] = {}
        for movement_id, c in posting.consumptions:
            assert c.layer.layer_id is not None
            point = (movement_id, c.layer.layer_id)
            taken[point] = taken.get(point, 0) + c.quantity
        if taken:
            await self.session.execute(
                insert(layer_consumptions),
                [
                    {"movement_id": m, "layer_id": layer_id, "quantity": quantity}
                    for (m, layer_id), quantity in taken.items()
                ],
            )
        await self._add_daily(document)

    async def _add_daily(self, document: Document) -> None:
        sums: dict[tuple[str, str, date], list[Any]] = {}
        for e in document.entries:
            assert e.effective_date is not None
            row = sums.setdefault((e.sku, e.location, e.effective_date), [0, 0, 0, 0, 0])
            row[0] += max(e.quantity_delta, 0)
            row[1] += max(-e.quantity_delta, 0)
            row[2] += -e.quantity_delta if e.movement_type == "issue" else 0
            row[3] += e.cogs
            row[4] += e.value
        if not sums:
            return
        names = ("quantity_in", "quantity_out", "issued_quantity", "cogs", "value_delta")
        statement = insert(daily_stock)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["sku", "location", "day"],
                set_={name: daily_stock.c[name] + statement.excluded[name] for name in names},
            ),
            [
                {"sku": sku, "location": loc, "day": day, **dict(zip(names, row, strict=True))}
                for (sku, loc, day), row in sorted(sums.items())
            ],
        )
