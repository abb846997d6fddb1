"""Examples of the master-data events of the bulk import (categories, units of measure,
item-supplier terms), spread into `examples.EXAMPLES`."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    SupplierTermsUpserted,
    UnitOfMeasureUpserted,
)

MASTER_DATA_EXAMPLES: Final[tuple[Event, ...]] = (
    CategoryUpserted(category="tea", name="Tea", name_zh="茶叶"),
    UnitOfMeasureUpserted(
        unit="case", name="Case of 12 boxes", name_zh="箱", base_unit="box", factor=Decimal(12)
    ),
    SupplierTermsUpserted(
        supplier_id="SUP-HZ-03",
        sku="TEA-LJ-250G",
        price=Decimal("990.00"),
        lead_time_days=7,
        minimum_order_quantity=Decimal(2),
        purchase_unit="case",
    ),
)
