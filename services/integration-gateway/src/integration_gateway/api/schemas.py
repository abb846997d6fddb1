"""Request and response bodies of the gateway's HTTP API.

Inbound bodies reuse the field types of the event contracts, so the API refuses exactly what
the events would; the path supplies the identifier (a body may repeat it, but must agree).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    ContractModel,
    Currency,
    Identifier,
    LocationCode,
    Money,
    NonNegativeInt32,
    Sku,
)
from inventory_contracts.events.master_data import ProcurementType, ValuationMethod
from inventory_contracts.events.orders import OrderLines
from inventory_contracts.events.purchase_orders import ReceiptLine
from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from integration_gateway.api.examples import (
    CANCEL_ORDER,
    DELIVERY,
    ITEM,
    LOCATION_BODY,
    RECEIPT,
    REPLAY,
    SHIPMENT,
    SUBSCRIPTION,
    SUBSCRIPTION_VIEW,
    SUPPLIER,
    examples_of,
)
from integration_gateway.domain import DELIVERABLE_TYPES


class Accepted(BaseModel):
    """The event a request became; it is published to Kafka shortly (through the outbox)."""

    model_config = ConfigDict(
        json_schema_extra=examples_of(
            {
                "event_id": "0b7e6a52-3f1c-4d55-9a1e-6c2f1e0d4b8a",
                "type": "inventory.order.placed.v1",
                "topic": "inventory.orders",
            }
        )
    )

    event_id: str
    type: str
    topic: str


class CancelOrderBody(ContractModel):
    """Cancel a whole order (no lines) or some quantities of it."""

    model_config = ConfigDict(json_schema_extra=examples_of(CANCEL_ORDER, {}))

    lines: OrderLines | None = Field(None, description="Quantities cancelled; absent: all.")
    reason: str | None = None


class ShipmentBody(ContractModel):
    """Goods of the order left the warehouse."""

    model_config = ConfigDict(json_schema_extra=examples_of(SHIPMENT))

    lines: OrderLines
    shipment_id: Identifier | None = None
    shipped_at: AwareDatetime | None = None


class ItemBody(ContractModel):
    """An item's full current state (the SKU is in the path)."""

    model_config = ConfigDict(json_schema_extra=examples_of(ITEM))

    sku: Sku | None = Field(None, description="If given, must equal the SKU in the path.")
    name: str = Field(min_length=1)
    name_zh: str | None = None
    unit_of_measure: str = Field(min_length=1)
    category: str = Field(min_length=1)
    unit_cost: Money
    currency: Currency = DEFAULT_CURRENCY
    valuation_method: ValuationMethod = "moving_average"
    lot_tracked: bool = False
    expiry_managed: bool = False
    active: bool = True
    procurement_type: ProcurementType = Field(
        "buy", description="buy: purchase requisitions; make: production work orders."
    )
    production_lead_time_days: NonNegativeInt32 | None = Field(
        None, description="Make items: days from release to completion (None: planning default)."
    )


class LocationBody(ContractModel):
    """A location's full current state (the code is in the path)."""

    model_config = ConfigDict(json_schema_extra=examples_of(LOCATION_BODY))

    location: str | None = Field(None, description="If given, must equal the code in the path.")
    name: str = Field(min_length=1)
    allow_negative_stock: bool = False
    active: bool = True


class SupplierBody(ContractModel):
    """A supplier's full current state (the id is in the path)."""

    model_config = ConfigDict(json_schema_extra=examples_of(SUPPLIER))

    supplier_id: str | None = Field(None, description="If given, must equal the id in the path.")
    name: str = Field(min_length=1)
    lead_time_days: NonNegativeInt32
    currency: Currency = DEFAULT_CURRENCY


class ReceiptBody(ContractModel):
    """A goods receipt from the ERP, usually against a purchase order."""

    model_config = ConfigDict(json_schema_extra=examples_of(RECEIPT))

    receipt_id: Identifier
    purchase_order_id: Identifier | None = None
    lines: tuple[ReceiptLine, ...] = Field(min_length=1)
    currency: Currency = DEFAULT_CURRENCY
    received_at: AwareDatetime | None = Field(None, description="Defaults to the time of arrival.")


class SubscriptionBody(BaseModel):
    """Where to POST which events, and the secret they are signed with."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(SUBSCRIPTION))

    url: AnyHttpUrl
    secret: str = Field(min_length=8, max_length=512)
    event_types: list[str] = Field(min_length=1)
    locations: list[LocationCode] | None = Field(
        None, min_length=1, description="Only events at these locations; absent: all."
    )

    @field_validator("event_types")
    @classmethod
    def _deliverable(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(DELIVERABLE_TYPES))
        if unknown:
            raise ValueError(
                f"not deliverable: {', '.join(unknown)}; choose from {', '.join(DELIVERABLE_TYPES)}"
            )
        return sorted(set(value))


class SubscriptionView(BaseModel):
    """A subscription as the API shows it (the secret is never shown)."""

    model_config = ConfigDict(json_schema_extra=examples_of(SUBSCRIPTION_VIEW))

    id: str
    url: str
    event_types: list[str]
    active: bool
    origin: str
    created_at: datetime | None
    locations: list[str] | None = None
    consecutive_failures: int = 0
    paused_until: datetime | None = Field(
        None, description="The circuit breaker paused the receiver until then (deliveries wait)."
    )


ReplayedStatus = Literal["failed", "delivered", "cancelled"]


def _failed_only() -> list[ReplayedStatus]:
    return ["failed"]


class ReplayBody(BaseModel):
    """Which of a subscription's deliveries to send again (by delivery id, inclusive)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(REPLAY))
    subscription_id: str = Field(min_length=1)
    from_id: int | None = Field(None, ge=1)
    to_id: int | None = Field(None, ge=1)
    statuses: list[ReplayedStatus] = Field(default_factory=_failed_only, min_length=1)


class DeliveryView(BaseModel):
    """One event's delivery to one subscription."""

    model_config = ConfigDict(json_schema_extra=examples_of(DELIVERY))

    id: int
    subscription_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status_code: int | None
    created_at: datetime
    delivered_at: datetime | None


def path_agrees(path_value: str, body_value: str | None) -> bool:
    """A body may repeat the path's identifier, but not contradict it."""
    return body_value is None or body_value == path_value


class Replayed(BaseModel):
    """How many deliveries were queued again."""

    model_config = ConfigDict(json_schema_extra=examples_of({"replayed": 12}))
    replayed: int
