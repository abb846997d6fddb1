"""Replenishment domain (pure): stock points and their policies, and purchasing.

`stock` holds the master data, policies, positions and the threshold rule; `purchasing` the
requisitions, purchase orders and the events announcing them. Everything is re-exported here.
"""

from replenishment.domain.purchasing import (
    CENT,
    OPEN_REQUISITION_STATUSES,
    PURCHASE_ORDER_STATUSES,
    REQUESTED_BY,
    REQUISITION_STATUSES,
    SUBJECT_TYPE,
    PurchaseOrder,
    PurchaseOrderStatus,
    RaisedRequisition,
    Requisition,
    RequisitionStatus,
    new_document_id,
    raise_requisition,
    release_purchase_order,
)
from replenishment.domain.stock import (
    DEFAULT_CURRENCY,
    DEFAULT_DEPARTMENT,
    ZERO,
    Item,
    Policy,
    PolicyError,
    Position,
    Supplier,
    Terms,
    demand_by_stock_point,
    is_below_threshold,
    reorder_quantity,
    resolve_terms,
)

__all__ = [
    "CENT",
    "DEFAULT_CURRENCY",
    "DEFAULT_DEPARTMENT",
    "OPEN_REQUISITION_STATUSES",
    "PURCHASE_ORDER_STATUSES",
    "REQUESTED_BY",
    "REQUISITION_STATUSES",
    "SUBJECT_TYPE",
    "ZERO",
    "Item",
    "Policy",
    "PolicyError",
    "Position",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "RaisedRequisition",
    "Requisition",
    "RequisitionStatus",
    "Supplier",
    "Terms",
    "demand_by_stock_point",
    "is_below_threshold",
    "new_document_id",
    "raise_requisition",
    "release_purchase_order",
    "reorder_quantity",
    "resolve_terms",
]
