"""Tables of the replenishment database (SQLAlchemy Core), with the runtime's outbox and inbox,
in step with the migrations (a test compares them). Quantities and money are unconstrained
NUMERIC, so whatever precision the contracts allow is stored exactly."""

from __future__ import annotations

from inventory_runtime.audit import audit_table
from inventory_runtime.db import add_runtime_tables, metadata_with_conventions, now_column
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from replenishment.domain.purchasing import PURCHASE_ORDER_STATUSES

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)
audit_log = audit_table.to_metadata(metadata)
"""The runtime's append-only audit log (migration 0005), written by `uow.audit`; the runtime's
table does not declare the indexes `create_audit_log` makes, so they are named here."""
Index("ix_audit_log_entity", audit_log.c.entity_type, audit_log.c.entity_id, audit_log.c.id)
Index("ix_audit_log_actor", audit_log.c.actor, audit_log.c.id)

OPEN_REQUISITION = text("status IN ('pending_approval', 'approved')")
# procurement_type: buy | make; make documents have no supplier (checks in migration 0007).


items = Table(
    "items",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_zh", Text),
    Column("category", Text, nullable=False),
    Column("unit_of_measure", Text, nullable=False),
    Column("unit_cost", Numeric, nullable=False),
    Column("currency", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    now_column("updated_at"),
    Column("procurement_type", Text, nullable=False, server_default="buy"),
    Column("production_lead_time_days", Integer),
)

locations = Table(
    "locations",
    metadata,
    Column("location", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    now_column("updated_at"),
)

suppliers = Table(
    "suppliers",
    metadata,
    Column("supplier_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("lead_time_days", Integer, nullable=False),
    Column("currency", Text, nullable=False),
    now_column("updated_at"),
)

policies = Table(
    "policies",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("reorder_point", Numeric, nullable=False),
    Column("order_quantity", Numeric, nullable=False),
    Column("supplier_id", Text, nullable=False),
    Column("unit_cost", Numeric),
    Column("lead_time_days", Integer),
    Column("department", Text, nullable=False),
    Column("currency", Text),
    # who set the figures last: 'manual' (API, flagged manual), 'api' (API, open to planning)
    # or 'planning' (a planning run)
    Column("source", Text, nullable=False, server_default="manual"),
    Column("moq", Numeric),
    Column("pack_size", Numeric),
    Column("manual", Boolean, nullable=False, server_default=text("false")),
    now_column("created_at"),
    now_column("updated_at"),
    PrimaryKeyConstraint("sku", "location"),
    CheckConstraint("reorder_point >= 0", name="reorder_point_non_negative"),
    CheckConstraint("order_quantity > 0", name="order_quantity_positive"),
)

stock_positions = Table(
    "stock_positions",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("on_hand", Numeric, nullable=False, server_default="0"),
    Column("reserved", Numeric, nullable=False, server_default="0"),
    Column("on_order", Numeric, nullable=False, server_default="0"),
    Column("as_of", DateTime(timezone=True)),
    now_column("updated_at"),
    PrimaryKeyConstraint("sku", "location"),
)

requisitions = Table(
    "requisitions",
    metadata,
    Column("requisition_id", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("supplier_id", Text),
    Column("procurement_type", Text, nullable=False, server_default="buy"),
    Column("quantity", Numeric, nullable=False),
    Column("unit_cost", Numeric, nullable=False),
    Column("amount", Numeric, nullable=False),
    Column("currency", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("lead_time_days", Integer, nullable=False),
    Column("approval_request_id", Text, nullable=False, unique=True),
    Column("inventory_position", Numeric, nullable=False),
    Column("reorder_point", Numeric, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Text),
    Column("decision_comment", Text),
    Column("purchase_order_id", Text),
    CheckConstraint(
        "status IN ('pending_approval', 'approved', 'ordered', 'rejected', 'cancelled')",
        name="status_known",
    ),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    # At most one open requisition per stock point, whatever the concurrency.
    Index(
        "uq_requisitions_open_stock_point",
        "sku",
        "location",
        unique=True,
        postgresql_where=OPEN_REQUISITION,
    ),
    Index("ix_requisitions_status", "status"),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("purchase_order_id", Text, primary_key=True),
    Column(
        "requisition_id",
        Text,
        ForeignKey("requisitions.requisition_id"),
        nullable=False,
        unique=True,
    ),
    Column("supplier_id", Text),
    Column("procurement_type", Text, nullable=False, server_default="buy"),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("quantity", Numeric, nullable=False),
    Column("unit_cost", Numeric, nullable=False),
    Column("amount", Numeric, nullable=False),
    Column("currency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("expected_receipt_date", Date, nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=False),
    Column("received_quantity", Numeric, nullable=False, server_default="0"),
    Column("last_receipt_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    CheckConstraint(f"status IN {PURCHASE_ORDER_STATUSES}", name="status_known"),
    Index("ix_purchase_orders_status", "status"),
    Index("ix_purchase_orders_supplier_id", "supplier_id"),
)

# Each receipt against a PO, once per stock movement: the base of supplier lead-time statistics.
purchase_order_receipts = Table(
    "purchase_order_receipts",
    metadata,
    Column("movement_id", Text, primary_key=True),
    Column(
        "purchase_order_id",
        Text,
        ForeignKey("purchase_orders.purchase_order_id"),
        nullable=False,
    ),
    Column("quantity", Numeric, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    now_column("recorded_at"),
    Index("ix_purchase_order_receipts_purchase_order_id", "purchase_order_id"),
)

# Demand history: one row per order and stock point (business-level dedupe of an order placed
# twice), summed per day. Orders later rejected count too: they are demand that was not met.
demand_order_lines = Table(
    "demand_order_lines",
    metadata,
    Column("order_id", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("quantity", Numeric, nullable=False),
    Column("demand_date", Date, nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("order_id", "sku", "location"),
)

demand_daily = Table(
    "demand_daily",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("demand_date", Date, nullable=False),
    Column("quantity", Numeric, nullable=False),
    Column("order_count", Integer, nullable=False),
    PrimaryKeyConstraint("sku", "location", "demand_date"),
)

# What the last planning run computed for each policy (kept for manual policies too, whose
# reorder point and order quantity stay as typed).
policy_planning = Table(
    "policy_planning",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("planning_run_id", Text, nullable=False),
    Column("planned_at", DateTime(timezone=True), nullable=False),
    Column("period", Text, nullable=False),
    Column("abc_class", Text, nullable=False),
    Column("xyz_class", Text, nullable=False),
    Column("demand_pattern", Text, nullable=False),
    Column("forecast_model", Text, nullable=False),
    Column("forecast_per_period", Numeric, nullable=False),
    Column("forecast_rmse", Numeric),
    Column("forecast_mase", Numeric),
    Column("forecast_bias", Numeric),
    Column("service_target", Numeric, nullable=False),
    Column("expected_fill_rate", Numeric, nullable=False),
    Column("lead_time_mean_days", Numeric, nullable=False),
    Column("lead_time_observations", Integer, nullable=False),
    Column("safety_stock", Numeric, nullable=False),
    Column("reorder_point", Numeric, nullable=False),
    Column("order_quantity", Numeric, nullable=False),
    Column("order_up_to", Numeric, nullable=False),
    Column("applied", Boolean, nullable=False),
    PrimaryKeyConstraint("sku", "location"),
)

planning_runs = Table(
    "planning_runs",
    metadata,
    Column("run_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("figures", JSONB),
    Column("error", Text),
    Column("requested_by", Text),
    CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status_known"),
    # One active run at a time, across replicas.
    Index(
        "uq_planning_runs_active",
        text("(true)"),
        unique=True,
        postgresql_where=text("status IN ('queued', 'running')"),
    ),
    Index("ix_planning_runs_requested_at", "requested_at"),
)

suggestion_snoozes = Table(
    "suggestion_snoozes",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("snoozed_until", Date, nullable=False),
    Column("comment", Text),
    Column("snoozed_by", Text),
    now_column("snoozed_at"),
    PrimaryKeyConstraint("sku", "location"),
)

# Master data that planning reads as documents (migration 0006): supplier terms, units of
# measure and their conversions, categories, items' purchase units; kind + key -> record.
master_records = Table(
    "master_records",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("record", JSONB, nullable=False),
    now_column("updated_at"),
)
