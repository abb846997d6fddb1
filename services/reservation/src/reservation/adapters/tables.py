"""Tables of the reservation database (SQLAlchemy Core), with the runtime's outbox and inbox.

Kept in sync by hand with the migrations in `migrations/versions`.
"""

from __future__ import annotations

from inventory_runtime.db import QUANTITY, add_runtime_tables, metadata_with_conventions, now_column
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

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)


items = Table(
    "items",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("active", Boolean, nullable=False),
    now_column("updated_at"),
)

locations = Table(
    "locations",
    metadata,
    Column("location", Text, primary_key=True),
    Column("active", Boolean, nullable=False),
    now_column("updated_at"),
)

stock_points = Table(
    "stock_points",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("on_hand", QUANTITY, nullable=False, server_default="0"),
    Column("reserved", QUANTITY, nullable=False, server_default="0"),
    now_column("updated_at"),
    PrimaryKeyConstraint("sku", "location"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
)

EXPIRABLE = text("status = 'reserved' AND expires_at IS NOT NULL")
"""Reservations that can expire; the partial index's predicate, used literally in queries."""

reservations = Table(
    "reservations",
    metadata,
    Column("order_id", Text, primary_key=True),
    Column("reservation_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("reason", Text, nullable=True),
    Column("message", Text, nullable=True),
    Column("short_lines", JSONB, nullable=False, server_default="[]"),
    Column("priority", Integer, nullable=False, server_default="0"),
    Column("customer_id", Text, nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("allow_partial", Boolean, nullable=False, server_default=text("false")),
    Column("placed_seq", BigInteger, Identity(), nullable=False),
    now_column("created_at"),
    now_column("updated_at"),
    UniqueConstraint("reservation_id"),
    CheckConstraint(
        "status IN ('reserved', 'rejected', 'released', 'fulfilled', 'expired')",
        name="status_known",
    ),
    Index("ix_reservations_expires_at", "expires_at", postgresql_where=EXPIRABLE),
    Index(  # the retention purge (migration 0006)
        "ix_reservations_finished_updated_at",
        "updated_at",
        postgresql_where=text("status <> 'reserved'"),
    ),
)

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("order_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("requested", QUANTITY, nullable=False),
    Column("reserved", QUANTITY, nullable=False, server_default="0"),
    Column("released", QUANTITY, nullable=False, server_default="0"),
    Column("fulfilled", QUANTITY, nullable=False, server_default="0"),
    Column("backordered", QUANTITY, nullable=False, server_default="0"),
    PrimaryKeyConstraint("order_id", "line_no"),
    ForeignKeyConstraint(["order_id"], ["reservations.order_id"], ondelete="CASCADE"),
    CheckConstraint("requested > 0", name="requested_positive"),
    CheckConstraint(
        "reserved >= 0 AND released >= 0 AND fulfilled >= 0 AND released + fulfilled <= reserved",
        name="quantities_consistent",
    ),
    CheckConstraint(
        "backordered >= 0 AND reserved + backordered <= requested", name="backorder_consistent"
    ),
    Index(  # the only lookup by stock point: what waits there (migration 0005)
        "ix_reservation_lines_waiting",
        "sku",
        "location",
        postgresql_where=text("backordered > 0"),
    ),
)

backorder_fills = Table(
    "backorder_fills",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("order_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("filled_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(
        ["order_id", "line_no"],
        ["reservation_lines.order_id", "reservation_lines.line_no"],
        ondelete="CASCADE",
    ),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_backorder_fills_order_id", "order_id"),
)
"""Stock that arrived and was reserved for a waiting (backordered) line, per fill."""

early_cancellations = Table(
    "early_cancellations",
    metadata,
    Column("order_id", Text, primary_key=True),
    now_column("cancelled_at"),
    Column("reason", Text, nullable=True),
    Index("ix_early_cancellations_cancelled_at", "cancelled_at"),
)
"""Tombstones: orders cancelled before their OrderPlaced arrived."""

applied_movements = Table(
    "applied_movements",
    metadata,
    Column("movement_id", Text, primary_key=True),
    now_column("applied_at"),
    Index("ix_applied_movements_applied_at", "applied_at"),
)
"""Ledger entries already applied to on-hand, so a republished StockMoved counts once."""

incoming_supply = Table(
    "incoming_supply",
    metadata,
    Column("purchase_order_id", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("expected_on", Date, nullable=True),
    Column("ordered", QUANTITY, nullable=False, server_default="0"),
    Column("received", QUANTITY, nullable=False, server_default="0"),
    now_column("updated_at"),
    PrimaryKeyConstraint("purchase_order_id", "sku", "location"),
    CheckConstraint("ordered >= 0", name="ordered_not_negative"),
    Index(  # the promise's read: the open lines of a stock point by date (migration 0008)
        "ix_incoming_supply_open",
        "sku",
        "location",
        "expected_on",
        postgresql_where=text("ordered > received"),
    ),
)
"""What each purchase order line brings to a stock point (`PurchaseOrderReleased`) and what
was received against it (the ledger's receipts); a receipt seen first leaves `expected_on`
empty until its order arrives."""

quotes = Table(
    "quotes",
    metadata,
    Column("quote_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("customer_id", Text, nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("order_id", Text, nullable=True),
    now_column("created_at"),
    now_column("updated_at"),
    CheckConstraint(
        "status IN ('open', 'held', 'converted', 'expired', 'cancelled')", name="status_known"
    ),
    Index("ix_quotes_held_expires_at", "expires_at", postgresql_where=text("status = 'held'")),
)
"""A CRM's quotes; a `held` one keeps its lines' `held` quantities reserved until expires_at."""

quote_lines = Table(
    "quote_lines",
    metadata,
    Column("quote_id", Text, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("held", QUANTITY, nullable=False, server_default="0"),
    PrimaryKeyConstraint("quote_id", "line_no"),
    ForeignKeyConstraint(["quote_id"], ["quotes.quote_id"], ondelete="CASCADE"),
    CheckConstraint("quantity > 0 AND held >= 0 AND held <= quantity", name="held_within_quantity"),
)
