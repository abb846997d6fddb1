"""Supplier delivery performance: on-time rate and lead-time distribution, from our POs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Path
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError
from pydantic import BaseModel, Field

from replenishment.api import NOT_FOUND, READ, Today, Uow
from replenishment.domain.suppliers import DeliveryLine, LeadTimeStats, supplier_performance

router = secured_router(prefix="/v1", tags=["planning"], dependencies=READ)

MAX_LINES_SHOWN = 100
SupplierId = Annotated[str, Path(min_length=1, max_length=100)]


class LeadTimeView(BaseModel):
    observations: int
    mean_days: float
    std_days: float
    min_days: int
    p50_days: int
    p90_days: int
    max_days: int
    histogram: dict[int, int]


class DeliveryLineView(BaseModel):
    purchase_order_id: str
    sku: str
    location: str
    quantity: Decimal
    received_quantity: Decimal
    released_on: date
    expected_on: date
    received_on: date | None
    lead_time_days: int | None
    outcome: str


class SupplierPerformanceView(BaseModel):
    supplier_id: str
    lines: int
    on_time: int
    late: int
    overdue: int
    pending: int
    on_time_rate: float | None = Field(description="on time / (on time + late + overdue)")
    average_days_late: float | None
    lead_time: LeadTimeView | None
    lead_time_by_sku: dict[str, LeadTimeView]
    recent_lines: list[DeliveryLineView]


def _lead_view(stats: LeadTimeStats | None) -> LeadTimeView | None:
    return None if stats is None else LeadTimeView(**stats.__dict__)


def _line_view(line: DeliveryLine, today: date) -> DeliveryLineView:
    return DeliveryLineView(
        purchase_order_id=line.purchase_order_id,
        sku=line.sku,
        location=line.location,
        quantity=line.quantity,
        received_quantity=line.received_quantity,
        released_on=line.released_on,
        expected_on=line.expected_on,
        received_on=line.completed_on,
        lead_time_days=line.lead_time_days,
        outcome=line.outcome(today),
    )


@router.get(
    "/suppliers/{supplier_id}/performance",
    response_model=SupplierPerformanceView,
    responses=NOT_FOUND,
)
async def get_supplier_performance(
    supplier_id: SupplierId, uow: Uow, today: Today
) -> SupplierPerformanceView:
    """On-time delivery rate and lead-time distribution (overall and per SKU) of a supplier."""
    async with uow:
        lines = await uow.planning.delivery_lines(supplier_id)
        known = await uow.master_data.supplier(supplier_id)
    if known is None and not lines:
        raise ApiError(404, "not_found", f"supplier {supplier_id} not found")
    found = supplier_performance(supplier_id, lines, today)
    by_sku = {sku: LeadTimeView(**stats.__dict__) for sku, stats in found.lead_time_by_sku.items()}
    return SupplierPerformanceView(
        **{k: v for k, v in found.__dict__.items() if k not in ("lead_time", "lead_time_by_sku")},
        lead_time=_lead_view(found.lead_time),
        lead_time_by_sku=by_sku,
        recent_lines=[_line_view(line, today) for line in lines[-MAX_LINES_SHOWN:][::-1]],
    )
