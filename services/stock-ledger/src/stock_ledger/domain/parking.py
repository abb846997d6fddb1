"""Messages that wait for their master data.

An ERP sends its items, locations and goods receipts on different topics, so a receipt (or a
shipment) can reach the ledger before the item or location it names. Such a message is not
bad and not transient either: it waits, parked, with the SKUs and locations it needs, and
posts once the last of them arrives, as the message that caused it (its correlation and
causation ids). If it then cannot post for another reason (a shipment that would take stock
negative) it stays parked as `failed`, with the reason, for someone to look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

ParkedStatus = Literal["waiting", "failed"]


@dataclass(frozen=True)
class ParkedMessage:
    event_id: str
    event_type: str  # "GoodsReceived" or "OrderShipped"
    source: str
    correlation_id: str | None
    data: dict[str, Any]
    waiting_skus: tuple[str, ...]
    waiting_locations: tuple[str, ...]
    status: ParkedStatus
    reason: str
    parked_at: datetime | None = None
