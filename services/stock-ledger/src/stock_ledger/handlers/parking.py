"""Goods receipts and shipments that name master data the ledger does not know yet: parked
when they arrive, posted when the last of it arrives (`domain.parking`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from inventory_contracts import GoodsReceived, OrderShipped
from inventory_contracts.events.base import Event
from inventory_runtime.clock import utc_now
from inventory_runtime.context import message_context
from inventory_runtime.inbound import InboundEvent

from stock_ledger.domain.errors import InvalidDocument, NegativeStock
from stock_ledger.domain.external import goods_receipt, shipment_issue
from stock_ledger.domain.model import Document
from stock_ledger.domain.parking import ParkedMessage, ParkedStatus
from stock_ledger.handlers.documents import post_document
from stock_ledger.ports import LedgerUoW

log = logging.getLogger(__name__)

PARKABLE: dict[str, tuple[type[Event], Callable[[Any, str], Document]]] = {
    "GoodsReceived": (GoodsReceived, goods_receipt),
    "OrderShipped": (OrderShipped, shipment_issue),
}
"""What may wait for its master data: the event class and the document it posts."""


async def post_or_park(message: InboundEvent[Any], uow: LedgerUoW) -> None:
    """Post the message's document; if all that is wrong is an item or location not known
    yet, park the message until they arrive (anything else wrong raises, as before)."""
    kind = type(message.data).__name__
    document = PARKABLE[kind][1](message.data, message.cloud_event.source)
    try:
        await post_document(document, uow, utc_now())
    except InvalidDocument as invalid:
        if not invalid.only_master_data_missing:
            raise
        parked = ParkedMessage(
            event_id=message.id, event_type=kind, source=message.cloud_event.source,
            correlation_id=message.correlation_id, data=message.data.model_dump(mode="json"),
            waiting_skus=invalid.missing_skus, waiting_locations=invalid.missing_locations,
            status="waiting", reason=str(invalid),
        )  # fmt: skip
        await uow.parking.park(parked)
        log.info("%s %s waits for master data: %s", kind, message.id, invalid)


async def release_parked(uow: LedgerUoW, skus: Sequence[str], locations: Sequence[str]) -> int:
    """Post the parked messages that waited for any of these SKUs or locations, each as the
    message that caused it; those still missing something wait on, those that now fail for
    another reason are kept as failed. Returns how many posted."""
    posted = 0
    for parked in await uow.parking.waiting_for(skus, locations):
        event_class, build = PARKABLE[parked.event_type]
        document = build(event_class.model_validate(parked.data), parked.source)
        with message_context(correlation_id=parked.correlation_id, causation_id=parked.event_id):
            try:
                await post_document(document, uow, utc_now())
            except InvalidDocument as invalid:
                status: ParkedStatus = "waiting" if invalid.only_master_data_missing else "failed"
                await uow.parking.keep(
                    parked.event_id, status, str(invalid),
                    invalid.missing_skus, invalid.missing_locations,
                )  # fmt: skip
                continue
            except NegativeStock as short:
                await uow.parking.keep(parked.event_id, "failed", str(short))
                log.warning("parked %s cannot post: %s", parked.event_id, short)
                continue
            uow.collect_events()
        await uow.parking.settle(parked.event_id)
        posted += 1
    return posted
