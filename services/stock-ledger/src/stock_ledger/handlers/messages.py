"""What the consumed events do: master data is kept, a shipment posts its issue and a goods
receipt its receipt (once each: their document ids follow from them).

A shipment that would take stock negative, or names an unknown SKU or location, raises: that is
not transient, so the runtime dead-letters it with the reason after its retries.
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts import GoodsReceived, ItemUpserted, LocationUpserted, OrderShipped
from inventory_runtime.clock import utc_now
from inventory_runtime.inbound import InboundEvent

from stock_ledger.domain.external import goods_receipt, shipment_issue
from stock_ledger.handlers.documents import post_document
from stock_ledger.ports import LedgerUoW


async def upsert_item(message: InboundEvent[ItemUpserted], uow: LedgerUoW) -> None:
    await uow.ledger.upsert_item(message.data)


async def upsert_items(run: Sequence[InboundEvent[ItemUpserted]], uow: LedgerUoW) -> None:
    """A run of items (a bulk import) in one statement."""
    await uow.ledger.upsert_items([message.data for message in run])


async def upsert_location(message: InboundEvent[LocationUpserted], uow: LedgerUoW) -> None:
    await uow.ledger.upsert_location(message.data)


async def issue_shipment(message: InboundEvent[OrderShipped], uow: LedgerUoW) -> None:
    """The shipment's goods leave: its issue document posts (posted by the reporting source)."""
    document = shipment_issue(message.data, message.cloud_event.source)
    await post_document(document, uow, utc_now())


async def receive_goods(message: InboundEvent[GoodsReceived], uow: LedgerUoW) -> None:
    """The goods receipt's stock comes in: its receipt document posts."""
    document = goods_receipt(message.data, message.cloud_event.source)
    await post_document(document, uow, utc_now())
