"""Examples of the events replenishment publishes about stock points (reorder signals,
requisitions, the classes of planning runs), spread into `examples.EXAMPLES`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final

from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    ReplenishmentProposed,
    StockBelowThreshold,
    StockPointClassified,
)

REPLENISHMENT_EXAMPLES: Final[tuple[Event, ...]] = (
    StockBelowThreshold(
        sku="TEA-LJ-250G",
        location="SH-01",
        inventory_position=Decimal("28"),
        on_hand=Decimal("40"),
        reserved=Decimal("12"),
        on_order=Decimal("0"),
        reorder_point=Decimal("35"),
        safety_stock=Decimal("15"),
    ),
    ReplenishmentProposed(
        requisition_id="PR-2025-0042",
        sku="TEA-LJ-250G",
        location="SH-01",
        supplier_id="SUP-HZ-03",
        quantity=Decimal("120"),
        unit_cost=Decimal("84.00"),
        amount=Decimal("10080.00"),
        reason="Inventory position 28 <= reorder point 35; order up to 148 (MOQ 60).",
        need_by=date(2025, 3, 10),
    ),
    StockPointClassified(
        sku="TEA-LJ-250G",
        location="SH-01",
        abc_class="A",
        previous_abc_class="B",
        xyz_class="X",
        planning_run_id="PLAN-5f0c2a9e41b7",
        classified_at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    ),
    ForecastAccuracyMeasured(
        sku="TEA-LJ-250G",
        location="SH-01",
        period="week",
        period_start=date(2026, 11, 23),
        forecast=Decimal("40"),
        actual=Decimal("32"),
        forecast_run_id="PLAN-4e1b9d0c22a8",
    ),
)
