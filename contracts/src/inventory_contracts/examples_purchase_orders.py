"""Examples of the purchase-orders topic (a released purchase order, a cancelled one, a
released production work order, a goods receipt), spread into `examples.EXAMPLES`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final

from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderLine,
    PurchaseOrderReleased,
    ReceiptLine,
    WorkOrderReleased,
)

_SKU, _LOC = "TEA-LJ-250G", "SH-01"

PURCHASE_ORDER_EXAMPLES: Final[tuple[Event, ...]] = (
    PurchaseOrderReleased(
        purchase_order_id="PO-2025-0107",
        requisition_id="PR-2025-0042",
        supplier_id="SUP-HZ-03",
        lines=(
            PurchaseOrderLine(
                sku=_SKU, location=_LOC, quantity=Decimal("120"), unit_cost=Decimal("84.00")
            ),
        ),
        total_amount=Decimal("10080.00"),
        expected_receipt_date=date(2025, 3, 10),
        released_at=datetime(2025, 3, 3, 11, 30, tzinfo=UTC),
    ),
    PurchaseOrderCancelled(
        purchase_order_id="PO-2025-0108",
        requisition_id="PR-2025-0043",
        supplier_id="SUP-HZ-03",
        sku=_SKU,
        location=_LOC,
        cancelled_quantity=Decimal("80"),
        reason="supplier cannot deliver before the season ends",
        cancelled_by="li.buyer",
        cancelled_at=datetime(2025, 3, 5, 16, 10, tzinfo=UTC),
    ),
    WorkOrderReleased(
        work_order_id="WO-20250303-5C1D2E3F",
        proposal_id="WOP-20250303-9A8B7C6D",
        sku="MOONCAKE-6PK",
        location=_LOC,
        quantity=Decimal("200"),
        unit_cost=Decimal("61.50"),
        total_amount=Decimal("12300.00"),
        due_date=date(2025, 3, 6),
        released_at=datetime(2025, 3, 3, 11, 45, tzinfo=UTC),
    ),
    GoodsReceived(
        receipt_id="GR-2025-0220",
        purchase_order_id="PO-2025-0107",
        lines=(
            ReceiptLine(
                sku=_SKU,
                location=_LOC,
                quantity=Decimal("120"),
                unit_cost=Decimal("84.00"),
                lot="L2503",
                expiry_date=date(2026, 3, 1),
            ),
        ),
        received_at=datetime(2025, 3, 10, 9, 40, tzinfo=UTC),
    ),
)
