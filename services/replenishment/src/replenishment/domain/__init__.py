"""Replenishment domain (pure): stock points and their policies, and purchasing.

`stock` holds the master data, policies and positions; `threshold` the replenishment trigger;
`purchasing` the requisitions and purchase orders, which record the events announcing them.
These are re-exported here. `demand`, `suppliers`, `suggestions`, `stock_exceptions` and
`planning_runs` hold the rules and records of planning, read from their own modules.
"""

from replenishment.domain.cancellation import OrderNotCancellable, cancel_purchase_order
from replenishment.domain.production import (
    WORK_ORDER_SUBJECT_TYPE,
    raise_proposal,
    release,
    release_work_order,
)
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
    DEFAULT_PRODUCTION_LEAD_TIME_DAYS,
    ZERO,
    Item,
    Policy,
    PolicyError,
    Position,
    ProcurementType,
    StockPointKey,
    Supplier,
    Terms,
    demand_by_stock_point,
    is_below_threshold,
    production_terms,
    reorder_quantity,
    resolve_terms,
)
from replenishment.domain.threshold import NoRequisitionDue, ReorderWatch

__all__ = [
    "CENT",
    "DEFAULT_CURRENCY",
    "DEFAULT_DEPARTMENT",
    "DEFAULT_PRODUCTION_LEAD_TIME_DAYS",
    "OPEN_REQUISITION_STATUSES",
    "PURCHASE_ORDER_STATUSES",
    "REQUESTED_BY",
    "REQUISITION_STATUSES",
    "SUBJECT_TYPE",
    "WORK_ORDER_SUBJECT_TYPE",
    "ZERO",
    "Item",
    "NoRequisitionDue",
    "OrderNotCancellable",
    "Policy",
    "PolicyError",
    "Position",
    "ProcurementType",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "ReorderWatch",
    "Requisition",
    "RequisitionStatus",
    "StockPointKey",
    "Supplier",
    "Terms",
    "cancel_purchase_order",
    "demand_by_stock_point",
    "is_below_threshold",
    "new_document_id",
    "production_terms",
    "raise_proposal",
    "raise_requisition",
    "release",
    "release_purchase_order",
    "release_work_order",
    "reorder_quantity",
    "resolve_terms",
]
