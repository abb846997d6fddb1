"""Messages waiting for their master data, for whoever runs the integration: a receipt or
shipment the ERP sent before the item or location it names (`domain.parking`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query
from inventory_runtime.auth.routes import require, secured_router
from pydantic import BaseModel, Field

from stock_ledger.api import Uow

router = secured_router(prefix="/v1", tags=["integration"])
Reader = [require("stock:read")]


class ParkedView(BaseModel):
    event_id: str
    event_type: str
    source: str
    status: Literal["waiting", "failed"] = Field(
        description="waiting: for the SKUs and locations named; failed: could not post once "
        "they arrived (the reason says why)"
    )
    waiting_skus: list[str]
    waiting_locations: list[str]
    reason: str
    parked_at: datetime | None
    data: dict[str, Any]


@router.get("/parked-messages", response_model=list[ParkedView], dependencies=Reader)
async def parked_messages(
    uow: Uow,
    status: Literal["waiting", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ParkedView]:
    """Goods receipts and shipments that arrived before their item or location, oldest
    first: they post by themselves when it arrives."""
    async with uow:
        found = await uow.parking.find(status, limit)
    return [ParkedView.model_validate(message, from_attributes=True) for message in found]
