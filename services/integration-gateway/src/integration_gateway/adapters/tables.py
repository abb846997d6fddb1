"""Tables of the integration-gateway database (SQLAlchemy Core), with the runtime tables; the
identity tables (people, service accounts, signing keys, the issuer's grants) at the end.

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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

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
    # Rotation (migration 0008): the old key works until previous_key_expires_at.
    Column("previous_key_hash", Text, nullable=True),
    Column("previous_key_expires_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("key_hint", Text, nullable=True),
    Index("ix_api_clients_previous_key_hash", "previous_key_hash"),
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
    # The circuit breaker (migration 0009): failed POSTs in a row, paused until.
    Column("consecutive_failures", Integer, nullable=False, server_default=text("0")),
    Column("paused_until", DateTime(timezone=True), nullable=True),
    # Only events at these locations (migration 0010); NULL: every location.
    Column("locations", ARRAY(Text), nullable=True),
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

# Identity: the people directory and the built-in OIDC issuer (migration 0005).
people = Table(
    "people",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("login", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("department", Text, nullable=True),
    Column(
        "manager_login",
        Text,
        ForeignKey("people.login", onupdate="CASCADE"),
        nullable=True,
    ),
    Column("roles", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("email", Text, nullable=True),
    Column("locale", Text, nullable=False, server_default=text("'zh-CN'")),
    Column("dingtalk_user_id", Text, nullable=True),
    Column("wecom_user_id", Text, nullable=True),
    Column("feishu_user_id", Text, nullable=True),
    Column("slack_user_id", Text, nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("password_hash", Text, nullable=True),
    now_column("created_at"),
    now_column("updated_at"),
    UniqueConstraint("login"),
    CheckConstraint("login ~ '^[a-z0-9._-]{2,64}$'", name="login_format"),
    CheckConstraint("locale IN ('zh-CN', 'en')", name="locale_known"),
    CheckConstraint("manager_login IS DISTINCT FROM login", name="not_own_manager"),
)

service_accounts = Table(
    "service_accounts",
    metadata,
    Column("client_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("secret_hash", Text, nullable=False),
    Column("roles", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    now_column("created_at"),
    now_column("updated_at"),
    CheckConstraint("client_id ~ '^[a-z0-9._-]{2,64}$'", name="client_id_format"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("private_jwk", Text, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    now_column("created_at"),
    # NULL: the active key (one; made under an advisory lock); else retired, still in the JWKS
    # for a while so tokens it signed verify until they expire.
    Column("retired_at", DateTime(timezone=True), nullable=True),
)

authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_hash", Text, primary_key=True),
    Column("client_id", Text, nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("person_id", UUID(as_uuid=True), ForeignKey("people.id"), nullable=False),
    Column("code_challenge", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("nonce", Text, nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("family_id", UUID(as_uuid=True), nullable=True),
    now_column("created_at"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("family_id", UUID(as_uuid=True), nullable=False),
    Column("person_id", UUID(as_uuid=True), ForeignKey("people.id"), nullable=False),
    Column("client_id", Text, nullable=False),
    Column("scope", Text, nullable=False),
    now_column("issued_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("family_expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_refresh_tokens_family_id", "family_id"),
    Index("ix_refresh_tokens_person_id", "person_id"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("login", Text, nullable=False),
    now_column("failed_at"),
    Index("ix_login_failures_login", "login", "failed_at"),
)

# Bulk imports of master data (migration 0007).
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("file_format", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("client_id", Text, nullable=False),
    Column("total_rows", Integer, nullable=False, server_default=text("0")),
    Column("processed_rows", Integer, nullable=False, server_default=text("0")),
    Column("applied", Integer, nullable=False, server_default=text("0")),
    Column("unchanged", Integer, nullable=False, server_default=text("0")),
    Column("rejected", Integer, nullable=False, server_default=text("0")),
    Column("message", Text, nullable=True),
    now_column("created_at"),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("status IN ('queued', 'running', 'completed', 'failed')", name="status_known"),
)

import_errors = Table(
    "import_errors",
    metadata,
    Column("job_id", Text, ForeignKey("import_jobs.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("row", Integer, nullable=False),
    Column("field", Text, nullable=False),
    Column("message", Text, nullable=False),
    PrimaryKeyConstraint("job_id", "seq"),
)

master_records = Table(
    "master_records",
    metadata,
    Column("kind", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("record", JSONB, nullable=False),
    now_column("updated_at"),
    PrimaryKeyConstraint("kind", "key"),
)
