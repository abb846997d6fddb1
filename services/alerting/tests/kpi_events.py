"""Events that build KPI history in tests: movements of a stock point on given days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import count

from alerting.adapters.unit_of_work import AlertingUnitOfWork
from alerting.consumer import subscription
from inventory_contracts.envelope import new_event
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.inbound import InboundEvent

_ids = count(1)


def inbound(event: Event, at: datetime | None = None) -> InboundEvent[Event]:
    cloud_event = new_event(event, source="/services/test", time=at or datetime.now(UTC))
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


def moved(sku: str, location: str, on: date, delta: int, after: int) -> StockMoved:
    """A receipt (delta > 0) or an issue (< 0) posted at noon UTC of `on`."""
    return StockMoved(
        sku=sku, location=location, movement_id=f"mv-{next(_ids)}",
        quantity_delta=Decimal(delta), movement_type="receipt" if delta > 0 else "issue",
        unit_cost=Decimal(1), value=Decimal(delta), on_hand_after=Decimal(after),
        document_id="doc", document_type="test", posted_by="tester",
        posted_at=datetime.combine(on, time(12), tzinfo=UTC),
    )  # fmt: skip


def item(sku: str, category: str, abc_class: str | None) -> ItemUpserted:
    return ItemUpserted(
        sku=sku, name=sku, unit_of_measure="pcs", category=category, unit_cost=Decimal(1),
        abc_class=abc_class,
    )  # fmt: skip


async def consume(runtime: ServiceRuntime, *events: Event) -> None:
    """The events through alerting's consumer handler, in one transaction."""
    uow = runtime.uow_factory()
    assert isinstance(uow, AlertingUnitOfWork)
    async with uow:
        await subscription().handler([inbound(event) for event in events], uow)
        await uow.commit()
