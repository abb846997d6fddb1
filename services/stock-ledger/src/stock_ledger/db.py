"""Tables of the stock-ledger database (SQLAlchemy Core), with the runtime's outbox and inbox.

Documents (the forms people post) own their lines; posting a document writes one immutable
ledger entry per line and moves the balance of each SKU x location. Kept in sync by hand with
the migrations in `migrations/versions`.
"""

from __future__ import annotations

from inventory_runtime.db import add_runtime_tables, metadata_with_conventions
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)

QUANTITY = Numeric(38, 12)
MONEY = Numeric(38, 12)

DOCUMENT_TYPES = "'receipt', 'issue', 'transfer', 'stock_count', 'adjustment'"
MOVEMENT_TYPES = (
    "'receipt', 'issue', 'transfer_in', 'transfer_out', 'count_adjustment', 'adjustment', "
    "'reversal', 'cost_adjustment'"
)
STATUSES = "'draft', 'pending_approval', 'posted', 'rejected'"

items = Table(
    "items",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("unit_of_measure", Text, nullable=False),
    Column("unit_cost", MONEY, nullable=False),
    Column("currency", Text, nullable=False),
    Column("valuation_method", Text, nullable=False),
    Column("lot_tracked", Boolean, nullable=False),
    Column("expiry_managed", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("category", Text, nullable=False, server_default=""),
    Column("abc_class", Text, nullable=True),
)

item_gtins = Table(
    "item_gtins",
    metadata,
    Column("gtin", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

locations = Table(
    "locations",
    metadata,
    Column("location", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("allow_negative_stock", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

documents = Table(
    "documents",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("document_type", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="posted"),
    Column("external_id", Text, nullable=True),
    Column("order_id", Text, nullable=True),
    Column("purchase_order_id", Text, nullable=True),
    Column("idempotency_key", Text, nullable=True),
    Column("fingerprint", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=True),
    Column("posted_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("document_date", Date, nullable=True),
    Column("reverses_document_id", Text, nullable=True),
    Column("form_version", Integer, nullable=True),
    Column("fields", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_by", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("idempotency_key"),
    CheckConstraint(f"document_type IN ({DOCUMENT_TYPES})", name="document_type_known"),
    CheckConstraint(f"status IN ({STATUSES})", name="status_known"),
    Index(
        "uq_documents_reverses_document_id",
        "reverses_document_id",
        unique=True,
        postgresql_where=text("reverses_document_id IS NOT NULL"),
    ),
    Index("ix_documents_order_id", "order_id"),
    Index("ix_documents_purchase_order_id", "purchase_order_id"),
)

document_lines = Table(
    "document_lines",
    metadata,
    Column("document_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit_cost", MONEY, nullable=True),
    Column("lot", Text, nullable=True),
    Column("expiry_date", Date, nullable=True),
    Column("to_location", Text, nullable=True),
    Column("reason_code", Text, nullable=True),
    PrimaryKeyConstraint("document_id", "line_no"),
    ForeignKeyConstraint(["document_id"], ["documents.document_id"]),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("movement_id", Text, primary_key=True),
    Column("seq", BigInteger, Identity(always=True), nullable=False),
    Column("document_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("movement_type", Text, nullable=False),
    Column("quantity_delta", QUANTITY, nullable=False),
    Column("unit_cost", MONEY, nullable=False),
    Column("value", MONEY, nullable=False),
    Column("on_hand_after", QUANTITY, nullable=False),
    Column("value_after", MONEY, nullable=False),
    Column("average_cost_after", MONEY, nullable=False),
    Column("order_id", Text, nullable=True),
    Column("purchase_order_id", Text, nullable=True),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("posted_by", Text, nullable=False),
    Column("lot", Text, nullable=True),
    Column("expiry_date", Date, nullable=True),
    Column("effective_date", Date, nullable=False),
    Column("adjusts_movement_id", Text, nullable=True),
    Column("cogs", MONEY, nullable=False, server_default="0"),
    UniqueConstraint("seq"),
    ForeignKeyConstraint(
        ["document_id", "line_no"], ["document_lines.document_id", "document_lines.line_no"]
    ),
    CheckConstraint(f"movement_type IN ({MOVEMENT_TYPES})", name="movement_type_known"),
    Index("ix_ledger_entries_sku_location_seq", "sku", "location", "seq"),
    Index("ix_ledger_entries_sku_location_effective_date", "sku", "location", "effective_date"),
    Index("ix_ledger_entries_document_id", "document_id"),
    Index(
        "ix_ledger_entries_adjusts_movement_id",
        "adjusts_movement_id",
        postgresql_where=text("adjusts_movement_id IS NOT NULL"),
    ),
)
"""Append-only: a trigger refuses UPDATE and DELETE (see migration 0002)."""

balances = Table(
    "balances",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("on_hand", QUANTITY, nullable=False, server_default="0"),
    Column("value", MONEY, nullable=False, server_default="0"),
    Column("average_cost", MONEY, nullable=False, server_default="0"),
    Column("last_movement_id", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_effective_date", Date, nullable=True),
    Column("last_issue_date", Date, nullable=True),
    Column("last_counted_date", Date, nullable=True),
    PrimaryKeyConstraint("sku", "location"),
)

cost_layers = Table(
    "cost_layers",
    metadata,
    Column("layer_id", BigInteger, Identity(always=False), primary_key=True),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("lot", Text, nullable=True),
    Column("expiry_date", Date, nullable=True),
    Column("receipt_date", Date, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("remaining", QUANTITY, nullable=False),
    Column("unit_cost", MONEY, nullable=False),
    Column("movement_id", Text, nullable=False),
    CheckConstraint("remaining >= 0 AND remaining <= quantity", name="remaining_within_quantity"),
    Index(
        "ix_cost_layers_open",
        "sku",
        "location",
        postgresql_where=text("remaining > 0"),
    ),
    Index("ix_cost_layers_movement_id", "movement_id"),
)
"""Lots and cost layers: what is left of each inbound movement (lots, FIFO, aging)."""

layer_consumptions = Table(
    "layer_consumptions",
    metadata,
    Column("movement_id", Text, nullable=False),
    Column("layer_id", BigInteger, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    PrimaryKeyConstraint("movement_id", "layer_id"),
    Index("ix_layer_consumptions_layer_id", "layer_id"),
)
"""What each outbound movement took from which layer (reversal and back-dated re-costing)."""

daily_stock = Table(
    "daily_stock",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("quantity_in", QUANTITY, nullable=False, server_default="0"),
    Column("quantity_out", QUANTITY, nullable=False, server_default="0"),
    Column("issued_quantity", QUANTITY, nullable=False, server_default="0"),
    Column("cogs", MONEY, nullable=False, server_default="0"),
    Column("value_delta", MONEY, nullable=False, server_default="0"),
    PrimaryKeyConstraint("sku", "location", "day"),
    Index("ix_daily_stock_day", "day"),
)
"""Running sums per SKU x location x business day (turnover, days of supply, history)."""

form_definitions = Table(
    "form_definitions",
    metadata,
    Column("document_type", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("document_type", "version"),
)
"""Extra fields of each document type's form; a new definition is a new version."""

count_schedules = Table(
    "count_schedules",
    metadata,
    Column("abc_class", Text, primary_key=True),
    Column("interval_days", Integer, nullable=False),
    CheckConstraint("interval_days > 0", name="interval_positive"),
)
"""How often each ABC class is counted (A monthly, B quarterly, C yearly by default)."""

count_tasks = Table(
    "count_tasks",
    metadata,
    Column("task_id", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("abc_class", Text, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("status", Text, nullable=False, server_default="open"),
    Column("document_id", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("completed_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "status IN ('open', 'awaiting_approval', 'done', 'rejected')", name="status_known"
    ),
    Index(
        "uq_count_tasks_open_per_stock_point",
        "sku",
        "location",
        unique=True,
        postgresql_where=text("status IN ('open', 'awaiting_approval')"),
    ),
)

count_approvals = Table(
    "count_approvals",
    metadata,
    Column("document_id", Text, primary_key=True),
    Column("request_id", Text, nullable=False, unique=True),
    Column("task_id", Text, nullable=True),
    Column("amount", MONEY, nullable=False),
    Column("book_quantity", QUANTITY, nullable=False),
    Column("counted_quantity", QUANTITY, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("decided_by", Text, nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=True),
)
"""Count variances waiting for (or decided by) the approval service."""

AGING_BUCKETS = ("0_30", "31_90", "91_180", "181_365", "over_365")

aging_points = Table(
    "aging_points",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    *[Column(f"qty_{b}", MONEY, nullable=False) for b in AGING_BUCKETS],
    *[Column(f"value_{b}", MONEY, nullable=False) for b in AGING_BUCKETS],
    PrimaryKeyConstraint("sku", "location"),
)
"""Quantity and value on hand per age bucket of each stock point, as of a day: rewritten for
the points a posting touched, and for all points once a day (buckets move with the date)."""

aging_refreshed = Table(
    "aging_refreshed",
    metadata,
    Column("singleton", Boolean, primary_key=True, server_default=text("true")),
    Column("as_of", Date, nullable=False),
)
"""The day every row of `aging_points` was last rewritten."""
