"""Financial write-back: each run of posted ledger movements becomes vouchers queued for every
active subscription to ``inventory.stock.voucher.v1`` (one look-up of the subscriptions, one
of the items' units, one insert of the deliveries)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from inventory_contracts.events.stock import StockMoved
from inventory_runtime.inbound import InboundEvent

from integration_gateway.domain import WriteBack
from integration_gateway.domain.vouchers import VOUCHER_TYPE, ErpUnit, Posting, voucher
from integration_gateway.domain.write_back import at_wanted_location
from integration_gateway.ports import VoucherUoW

SOURCE = "/services/integration-gateway"
_IDS = uuid.UUID("5f0b7f52-5a4e-4c61-9a43-5e7a3c1d9b20")


def voucher_event(message: InboundEvent[StockMoved], data: dict[str, Any]) -> bytes:
    """The voucher as a CloudEvent; its id follows from the movement's event id, so a
    redelivered movement queues nothing new."""
    moved = message.data
    document = {
        "specversion": "1.0",
        "id": str(uuid.uuid5(_IDS, message.id)),
        "type": VOUCHER_TYPE,
        "source": SOURCE,
        "subject": moved.movement_id,
        "time": moved.posted_at.isoformat(),
        "datacontenttype": "application/json",
        "correlationid": message.correlation_id,
        "causationid": message.id,
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _units(record: Mapping[str, Any] | None) -> tuple[str | None, ErpUnit | None]:
    if record is None:
        return None, None
    unit, purchase, factor = (
        record.get("unit_of_measure"), record.get("purchase_unit"),
        record.get("purchase_unit_factor"),
    )  # fmt: skip
    erp = ErpUnit(purchase, Decimal(str(factor))) if purchase and factor else None
    return unit, erp


async def queue_vouchers(
    run: Sequence[InboundEvent[StockMoved]],
    uow: VoucherUoW,
    postings: Mapping[str, Posting] | None = None,
) -> None:
    """Queue a voucher of each movement for each active voucher subscription."""
    subscribers = await uow.subscriptions.matching([VOUCHER_TYPE])
    if not subscribers:
        return
    items = await uow.master_records.records("items", sorted({m.data.sku for m in run}))
    write_backs: list[WriteBack] = []
    for message in run:
        stock_unit, erp_unit = _units(items.get(message.data.sku))
        data = voucher(message.data, stock_unit, erp_unit, postings)
        payload = voucher_event(message, data)
        event_id = str(uuid.uuid5(_IDS, message.id))
        write_backs += [
            WriteBack(s.id, event_id, VOUCHER_TYPE, payload)
            for s in subscribers
            if at_wanted_location(s.locations, message.data)
        ]
    if write_backs:
        await uow.deliveries.enqueue(write_backs)
