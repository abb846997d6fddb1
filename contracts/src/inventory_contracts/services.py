"""Which service publishes and which consumes each event (the table of the architecture brief).

Used to generate the AsyncAPI operations and to give every service its CloudEvent `source`.
Every event type has one publisher, except ApprovalRequested: any service may ask for approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalReminderDue,
    ApprovalRequested,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.identity import PersonChanged
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from inventory_contracts.events.orders import OrderCancelled, OrderPlaced, OrderShipped
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
    WorkOrderReleased,
)
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    ReplenishmentProposed,
    StockBelowThreshold,
    StockPointClassified,
)
from inventory_contracts.events.reservations import (
    BackorderFilled,
    QuoteConverted,
    QuoteHeld,
    QuoteReleased,
    ReservationExpired,
    ReservationFulfilled,
    ReservationRejected,
    ReservationReleased,
    StockOvercommitted,
    StockReserved,
)
from inventory_contracts.events.stock import StockMoved


@dataclass(frozen=True)
class Service:
    """A service of the platform and the events it publishes and consumes."""

    name: str
    publishes: tuple[type[Event], ...]
    consumes: tuple[type[Event], ...]

    @property
    def source(self) -> str:
        """CloudEvent `source` of the events this service publishes."""
        return f"/services/{self.name}"


STOCK_LEDGER: Final = Service(
    name="stock-ledger",
    # ApprovalRequested: a stock-count variance above the approval amount waits for approval.
    publishes=(StockMoved, ApprovalRequested),
    consumes=(
        ItemUpserted,
        LocationUpserted,
        OrderShipped,
        GoodsReceived,
        ApprovalGranted,
        ApprovalRejected,
    ),
)
RESERVATION: Final = Service(
    name="reservation",
    publishes=(
        StockReserved,
        ReservationRejected,
        ReservationReleased,
        ReservationExpired,
        ReservationFulfilled,
        BackorderFilled,
        StockOvercommitted,
        AvailabilityChanged,
        QuoteHeld,
        QuoteConverted,
        QuoteReleased,
    ),
    consumes=(
        OrderPlaced,
        OrderCancelled,
        OrderShipped,
        StockMoved,
        PurchaseOrderReleased,
        PurchaseOrderCancelled,
    ),
)
REPLENISHMENT: Final = Service(
    name="replenishment",
    publishes=(
        StockBelowThreshold,
        ReplenishmentProposed,
        ApprovalRequested,
        PurchaseOrderReleased,
        PurchaseOrderCancelled,
        StockPointClassified,
        ForecastAccuracyMeasured,
        WorkOrderReleased,
    ),
    consumes=(
        OrderPlaced,
        OrderCancelled,
        OrderShipped,
        AvailabilityChanged,
        StockMoved,
        ApprovalGranted,
        ApprovalRejected,
        ItemUpserted,
        LocationUpserted,
        SupplierUpserted,
        SupplierTermsUpserted,
        UnitOfMeasureUpserted,
        CategoryUpserted,
    ),
)
APPROVAL: Final = Service(
    name="approval",
    publishes=(
        ApprovalGranted,
        ApprovalRejected,
        ApprovalEscalated,
        ApprovalReminderDue,
        ApprovalWithdrawn,
    ),
    consumes=(ApprovalRequested, PersonChanged),
)
ALERTING: Final = Service(
    name="alerting",
    publishes=(AlertRaised, AlertResolved),
    # The events its built-in rules read; a rule may read more.
    consumes=(
        StockMoved,
        AvailabilityChanged,
        StockBelowThreshold,
        ReservationRejected,
        StockOvercommitted,
        ApprovalEscalated,
        StockReserved,
        BackorderFilled,
        ItemUpserted,
        PurchaseOrderReleased,
        PurchaseOrderCancelled,
        GoodsReceived,
        ApprovalRequested,
        ApprovalGranted,
        ApprovalRejected,
        ApprovalWithdrawn,
        StockPointClassified,
        ForecastAccuracyMeasured,
    ),
)
INTEGRATION_GATEWAY: Final = Service(
    name="integration-gateway",
    publishes=(
        OrderPlaced,
        OrderCancelled,
        OrderShipped,
        ItemUpserted,
        LocationUpserted,
        SupplierUpserted,
        CategoryUpserted,
        UnitOfMeasureUpserted,
        SupplierTermsUpserted,
        GoodsReceived,
        PersonChanged,
    ),
    # Written back to the ERP/CRM; outbound webhook subscriptions may forward more.
    # StockMoved: written back as a voucher (inventory.stock.voucher.v1) for the ERP's books.
    consumes=(
        PurchaseOrderReleased,
        PurchaseOrderCancelled,
        WorkOrderReleased,
        StockReserved,
        ReservationRejected,
        BackorderFilled,
        StockMoved,
    ),
)

SERVICES: Final[tuple[Service, ...]] = (
    STOCK_LEDGER,
    RESERVATION,
    REPLENISHMENT,
    APPROVAL,
    ALERTING,
    INTEGRATION_GATEWAY,
)


def publisher_of(event_type: str) -> Service:
    """The service that publishes `event_type`; raises LookupError if none does."""
    for service in SERVICES:
        if any(model.event_type == event_type for model in service.publishes):
            return service
    raise LookupError(f"no service publishes {event_type!r}")
