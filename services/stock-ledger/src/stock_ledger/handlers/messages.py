"""What the consumed events do: master data is kept, a shipment posts its issue and a goods
receipt its receipt (once each: their document ids follow from them).

A shipment or receipt that names an item or location not known yet waits for it (parked,
`handlers.parking`) and posts when it arrives. One that would take stock negative, or is bad
otherwise, raises: that is not transient, so the runtime dead-letters it with the reason
after its retries.
"""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts import GoodsReceived, ItemUpserted, LocationUpserted, OrderShipped
from inventory_runtime.inbound import InboundEvent

from stock_ledger.handlers.parking import post_or_park, release_parked
from stock_ledger.ports import LedgerUoW


async def upsert_item(message: InboundEvent[ItemUpserted], uow: LedgerUoW) -> None:
    await uow.ledger.upsert_item(message.data)
    await release_parked(uow, [message.data.sku], [])


async def upsert_items(run: Sequence[InboundEvent[ItemUpserted]], uow: LedgerUoW) -> None:
    """A run of items (a bulk import) in one statement; then what waited for them posts."""
    await uow.ledger.upsert_items([message.data for message in run])
    await release_parked(uow, [message.data.sku for message in run], [])


async def upsert_location(message: InboundEvent[LocationUpserted], uow: LedgerUoW) -> None:
    await uow.ledger.upsert_location(message.data)
    await release_parked(uow, [], [message.data.location])


async def issue_shipment(message: InboundEvent[OrderShipped], uow: LedgerUoW) -> None:
    """The shipment's goods leave: its issue document posts (posted by the reporting source)."""
    await post_or_park(message, uow)


async def receive_goods(message: InboundEvent[GoodsReceived], uow: LedgerUoW) -> None:
    """The goods receipt's stock comes in: its receipt document posts."""
    await post_or_park(message, uow)
