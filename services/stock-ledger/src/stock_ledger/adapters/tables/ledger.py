"""Master data, documents and the ledger (SQLAlchemy Core).

Documents (the forms people post) own their lines; posting a document writes one immutable
ledger entry per line and moves the balance of each SKU x location. Kept in sync by hand with
the migrations in `migrations/versions`.
"""

from __future__ import annotations

from inventory_runtime.db import QUANTITY, now_column
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
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from stock_ledger.adapters.tables.metadata import MONEY, metadata

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
    now_column("updated_at"),
    Column("category", Text, nullable=False, server_default=""),
    Column("abc_class", Text, nullable=True),
)

item_gtins = Table(
    "item_gtins",
    metadata,
    Column("gtin", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    now_column("updated_at"),
)

locations = Table(
    "locations",
    metadata,
    Column("location", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("allow_negative_stock", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    now_column("updated_at"),
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
    now_column("created_at"),
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
    now_column("updated_at"),
    Column("last_effective_date", Date, nullable=True),
    Column("last_issue_date", Date, nullable=True),
    Column("last_counted_date", Date, nullable=True),
    PrimaryKeyConstraint("sku", "location"),
)

form_definitions = Table(
    "form_definitions",
    metadata,
    Column("document_type", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("created_by", Text, nullable=False),
    now_column("created_at"),
    PrimaryKeyConstraint("document_type", "version"),
)
"""Extra fields of each document type's form; a new definition is a new version."""
