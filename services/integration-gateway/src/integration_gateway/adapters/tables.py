"""Tables of the integration-gateway database (SQLAlchemy Core), with the runtime tables.

Kept in step with the migrations by hand (``migrations/versions``); a test compares them.
"""

from __future__ import annotations

from inventory_runtime.db import add_runtime_tables, metadata_with_conventions, now_column
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)

api_clients = Table(
    "api_clients",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("key_hash", Text, nullable=False),
    Column("scopes", ARRAY(Text), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    now_column("created_at"),
    # The client's own rate limit; NULL: the gateway's default (RATE_LIMIT_*).
    Column("rate_per_second", Float, nullable=True),
    Column("burst", Integer, nullable=True),
    CheckConstraint("rate_per_second > 0", name="rate_per_second_positive"),
    CheckConstraint("burst >= 1", name="burst_positive"),
    UniqueConstraint("key_hash"),
    UniqueConstraint("name"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("client_id", Text, ForeignKey("api_clients.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", JSONB, nullable=False),
    now_column("created_at"),
    PrimaryKeyConstraint("client_id", "key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("event_types", ARRAY(Text), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("origin", Text, nullable=False, server_default=text("'api'")),
    now_column("created_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("subscription_id", Text, ForeignKey("subscriptions.id"), nullable=False),
    Column("event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    now_column("next_attempt_at"),
    Column("last_error", Text, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    now_column("created_at"),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("subscription_id", "event_id"),
    CheckConstraint(
        "status IN ('pending', 'delivered', 'failed', 'cancelled')", name="status_known"
    ),
    Index("ix_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("ix_deliveries_status", "status", "created_at"),
)
