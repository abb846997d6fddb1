"""Event contracts of the inventory platform: CloudEvents envelope, event models, topics.

from inventory_contracts import OrderPlaced, Topics, decode, decode_data, encode, new_event

order = OrderPlaced(order_id="SO-1", lines=[...])
ce = new_event(order, source="/services/integration-gateway", subject=order.key())
producer.send(Topics.ORDERS, key=order.key(), value=encode(ce))
event = decode_data(decode(message.value))   # EventDecodeError -> DLQ with .code/.reason
"""

from inventory_contracts.envelope import CloudEvent, decode, decode_data, encode, new_event
from inventory_contracts.errors import (
    ContractError,
    EventDecodeError,
    InvalidEventData,
    InvalidJson,
    NotACloudEvent,
    UnknownEventType,
    UnsupportedSpecVersion,
)
from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalReminderDue,
    ApprovalRequested,
    ApprovalStep,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event, stock_point_key
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from inventory_contracts.events.orders import OrderCancelled, OrderLine, OrderPlaced, OrderShipped
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderLine,
    PurchaseOrderReleased,
    ReceiptLine,
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
    FilledLine,
    HeldLine,
    QuoteConverted,
    QuoteHeld,
    QuoteReleased,
    ReservationExpired,
    ReservationFulfilled,
    ReservationRejected,
    ReservationReleased,
    ReservedLine,
    ShortLine,
    StockOvercommitted,
    StockReserved,
)
from inventory_contracts.events.stock import StockMoved
from inventory_contracts.registry import ALL_EVENT_MODELS, EVENT_TYPES, model_for, topic_for
from inventory_contracts.topics import PARTITIONS, Topics, dlq

__all__ = [
    "ALL_EVENT_MODELS",
    "EVENT_TYPES",
    "PARTITIONS",
    "AlertRaised",
    "AlertResolved",
    "ApprovalEscalated",
    "ApprovalGranted",
    "ApprovalRejected",
    "ApprovalReminderDue",
    "ApprovalRequested",
    "ApprovalStep",
    "ApprovalWithdrawn",
    "AvailabilityChanged",
    "BackorderFilled",
    "CategoryUpserted",
    "CloudEvent",
    "ContractError",
    "Event",
    "EventDecodeError",
    "FilledLine",
    "ForecastAccuracyMeasured",
    "GoodsReceived",
    "HeldLine",
    "InvalidEventData",
    "InvalidJson",
    "ItemUpserted",
    "LocationUpserted",
    "MovementReference",
    "NotACloudEvent",
    "OrderCancelled",
    "OrderLine",
    "OrderPlaced",
    "OrderShipped",
    "PurchaseOrderCancelled",
    "PurchaseOrderLine",
    "PurchaseOrderReleased",
    "QuoteConverted",
    "QuoteHeld",
    "QuoteReleased",
    "ReceiptLine",
    "ReplenishmentProposed",
    "ReservationExpired",
    "ReservationFulfilled",
    "ReservationRejected",
    "ReservationReleased",
    "ReservedLine",
    "ShortLine",
    "StockBelowThreshold",
    "StockMoved",
    "StockOvercommitted",
    "StockPointClassified",
    "StockReserved",
    "SupplierTermsUpserted",
    "SupplierUpserted",
    "Topics",
    "UnitOfMeasureUpserted",
    "UnknownEventType",
    "UnsupportedSpecVersion",
    "WorkOrderReleased",
    "decode",
    "decode_data",
    "dlq",
    "encode",
    "model_for",
    "new_event",
    "stock_point_key",
    "topic_for",
]
