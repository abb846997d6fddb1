"""Replenishment domain (pure): stock points and their policies, and purchasing.

`stock` holds the master data, policies and positions; `threshold` the replenishment trigger;
`purchasing` the requisitions and purchase orders, which record the events announcing them.
These are re-exported here. `demand`, `suppliers`, `suggestions`, `stock_exceptions` and
`planning_runs` hold the rules and records of planning, read from their own modules.
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
    StockPointKey,
    Supplier,
    Terms,
    demand_by_stock_point,
    is_below_threshold,
    reorder_quantity,
    resolve_terms,
)
from replenishment.domain.threshold import NoRequisitionDue, ReorderWatch

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
    "NoRequisitionDue",
    "Policy",
    "PolicyError",
    "Position",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "ReorderWatch",
    "Requisition",
    "RequisitionStatus",
    "StockPointKey",
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
