"""Messages waiting for their master data (SQLAlchemy Core)."""

from __future__ import annotations

from inventory_runtime.db import now_column
from sqlalchemy import CheckConstraint, Column, Index, Table, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from stock_ledger.adapters.tables.metadata import metadata

parked_messages = Table(
    "parked_messages",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("correlation_id", Text, nullable=True),
    Column("data", JSONB, nullable=False),
    Column("waiting_skus", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("waiting_locations", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("status", Text, nullable=False, server_default=text("'waiting'")),
    Column("reason", Text, nullable=False),
    now_column("parked_at"),
    now_column("changed_at"),
    CheckConstraint("status IN ('waiting', 'failed')", name="parked_status"),
    Index("ix_parked_messages_skus", "waiting_skus", postgresql_using="gin"),
    Index("ix_parked_messages_locations", "waiting_locations", postgresql_using="gin"),
)
"""A goods receipt or shipment that named an item or location not known yet: it waits here
(its offset committed) until that master data arrives, then posts; `failed` when it then
could not post for another reason (kept, with the reason, for someone to look at)."""
