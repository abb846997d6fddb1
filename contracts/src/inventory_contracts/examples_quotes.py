"""Examples of the quote events (soft holds for a CRM's quote), spread into
`examples.EXAMPLES`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Final

from inventory_contracts.events.base import Event
from inventory_contracts.events.reservations import (
    HeldLine,
    QuoteConverted,
    QuoteHeld,
    QuoteReleased,
)

_HELD = HeldLine(sku="TEA-LJ-250G", location="SH-01", quantity=Decimal(12), held=Decimal(8))

QUOTE_EXAMPLES: Final[tuple[Event, ...]] = (
    QuoteHeld(
        quote_id="QT-2025-0007",
        lines=(_HELD,),
        expires_at=datetime(2025, 3, 3, 20, 0, tzinfo=UTC),
    ),
    QuoteConverted(quote_id="QT-2025-0007", order_id="SO-1005"),
    QuoteReleased(quote_id="QT-2025-0008", reason="expired", lines=(_HELD,)),
)
