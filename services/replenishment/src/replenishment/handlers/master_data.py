"""Master data and demand history from the events of other services."""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from inventory_contracts.events.orders import OrderPlaced
from inventory_runtime.inbound import InboundEvent

from replenishment.domain import Item, Supplier
from replenishment.domain.demand import demand_of_orders
from replenishment.ports import ReplenishmentUoW


def _item(event: ItemUpserted) -> Item:
    return Item(
        sku=event.sku,
        name=event.name,
        name_zh=event.name_zh,
        category=event.category,
        unit_of_measure=event.unit_of_measure,
        unit_cost=event.unit_cost,
        currency=event.currency,
        active=event.active,
        procurement_type=event.procurement_type,
        production_lead_time_days=event.production_lead_time_days,
    )


async def record_items(run: Sequence[InboundEvent[ItemUpserted]], uow: ReplenishmentUoW) -> None:
    """A run of items (a bulk import) at once, with the purchase units of those that have one."""
    events = [message.data for message in run]
    await uow.master_data.upsert_items([_item(event) for event in events])
    units = {
        event.sku: {"purchase_unit": event.purchase_unit, "factor": str(event.purchase_unit_factor)}
        for event in events
        if event.purchase_unit is not None
    }
    if units:
        await uow.master_data.upsert_records("purchase-units", units)


async def record_location(message: InboundEvent[LocationUpserted], uow: ReplenishmentUoW) -> None:
    event = message.data
    await uow.master_data.upsert_location(event.location, event.name, event.active)


async def record_supplier(message: InboundEvent[SupplierUpserted], uow: ReplenishmentUoW) -> None:
    event = message.data
    supplier = Supplier(event.supplier_id, event.name, event.lead_time_days, event.currency)
    await uow.master_data.upsert_supplier(supplier)


async def record_demands(run: Sequence[InboundEvent[OrderPlaced]], uow: ReplenishmentUoW) -> None:
    """Demand history per stock point and day of a run of orders, in one statement; an order_id
    met before (earlier in the run or in an earlier transaction) counts once."""
    orders = [(message.data, message.cloud_event.time) for message in run]
    await uow.demand.record_many(demand_of_orders(orders))


async def record_document(
    message: InboundEvent[SupplierTermsUpserted]
    | InboundEvent[UnitOfMeasureUpserted]
    | InboundEvent[CategoryUpserted],
    uow: ReplenishmentUoW,
) -> None:
    """Supplier terms (price, MOQ, pack size, lead time), a unit's conversion or a category,
    kept as documents for planning (`master_records`)."""
    event = message.data
    if isinstance(event, SupplierTermsUpserted):
        kind, key = "supplier-terms", f"{event.supplier_id}/{event.sku}"
    elif isinstance(event, UnitOfMeasureUpserted):
        kind, key = "units", event.unit
    else:
        kind, key = "categories", event.category
    await uow.master_data.upsert_record(kind, key, event.model_dump(mode="json"))
