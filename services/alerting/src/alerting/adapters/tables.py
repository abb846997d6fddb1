"""Tables of the alerting database (SQLAlchemy Core), with the runtime's outbox and inbox.

Kept in step with the migrations by hand (``migrations/versions``); `notifications` is an
outbound queue of the runtime's `DeliveryWorker` (id, status, attempts, next_attempt_at,
last_error).
"""

from __future__ import annotations

from typing import Any

from inventory_runtime.audit import audit_table
from inventory_runtime.db import add_runtime_tables, metadata_with_conventions, now_column
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

# The predicate of the one-open-alert-per-condition index; ON CONFLICT must repeat it literally.
OPEN_ALERT = text("status <> 'resolved'")

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)
audit_log = audit_table.to_metadata(metadata)
"""The runtime's append-only audit log (migration 0006), written by `uow.audit`; the runtime's
table does not declare the indexes `create_audit_log` makes, so they are named here."""
Index("ix_audit_log_entity", audit_log.c.entity_type, audit_log.c.entity_id, audit_log.c.id)
Index("ix_audit_log_actor", audit_log.c.actor, audit_log.c.id)

channels = Table(
    "channels",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("config", JSONB, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    now_column("created_at"),
    now_column("updated_at"),
    UniqueConstraint("name"),
)

rules = Table(
    "rules",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("channel_ids", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("params", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    now_column("updated_at"),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("next_evaluation_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity_known"),
    Index(
        "ix_rules_next_evaluation_at",
        "next_evaluation_at",
        postgresql_where=text("kind = 'kpi' AND enabled"),
    ),
)

rule_versions = Table(
    "rule_versions",
    metadata,
    Column("rule_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("definition", JSONB, nullable=False),
    Column("changed_by", Text, nullable=True),
    now_column("changed_at"),
)
"""Every version of every rule, as it was saved (kept when the rule is deleted)."""

alerts = Table(
    "alerts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("rule_id", Text, ForeignKey("rules.id"), nullable=False),
    Column("subject", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'raised'")),
    Column("severity", Text, nullable=False),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("message_zh", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    now_column("raised_at"),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("acknowledged_by", Text, nullable=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("resolved_by", Text, nullable=True),
    Column("resolution", Text, nullable=True),
    Column("snoozed_until", DateTime(timezone=True), nullable=True),
    Column("escalated_at", DateTime(timezone=True), nullable=True),
    Column("snoozed_by", Text, nullable=True),
    CheckConstraint("status IN ('raised', 'acknowledged', 'resolved')", name="status_known"),
    Index(
        "uq_alerts_open_rule_subject",
        "rule_id",
        "subject",
        unique=True,
        postgresql_where=OPEN_ALERT,
    ),
    Index("ix_alerts_status_raised_at", "status", "raised_at"),
    Index("ix_alerts_resolved_at", "resolved_at", postgresql_where=text("status = 'resolved'")),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("alert_id", Text, ForeignKey("alerts.id"), nullable=False),
    Column("channel_id", Text, ForeignKey("channels.id"), nullable=False),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    now_column("next_attempt_at"),
    Column("last_error", Text, nullable=True),
    now_column("created_at"),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("alert_id", "channel_id"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
    Index("ix_notifications_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index(
        "ix_notifications_finished_created_at",
        "created_at",
        postgresql_where=text("status <> 'pending'"),
    ),
)

kpi_items = Table(
    "kpi_items",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("name", Text, nullable=True),
    Column("category", Text, nullable=True),
    Column("abc_class", Text, nullable=True),
    now_column("updated_at"),
)
"""Item attributes the KPIs roll up by, from `ItemUpserted`."""


def _quantity(name: str) -> Column[Any]:
    return Column(name, Numeric, nullable=False, server_default=text("0"))


kpi_points = Table(
    "kpi_points",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("location", Text, primary_key=True),
    _quantity("on_hand"),
    _quantity("backorder_open"),
    Column("first_seen", Date, nullable=False),
    Column("last_movement_at", DateTime(timezone=True), nullable=True),
)
"""Each stock point seen in a movement: on hand now, open backorders, when it last moved."""

kpi_point_classes = Table(
    "kpi_point_classes",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("location", Text, primary_key=True),
    Column("abc_class", Text, nullable=False),
    Column("classified_at", DateTime(timezone=True), nullable=False),
)
"""The ABC class replenishment's planning gave each stock point (`StockPointClassified`); it
comes before the item's `abc_class` from the ERP when rules scope and KPIs roll up."""

kpi_forecasts = Table(
    "kpi_forecasts",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("location", Text, primary_key=True),
    Column("period", Text, primary_key=True),
    Column("period_start", Date, primary_key=True),
    Column("forecast", Numeric, nullable=False),
    Column("actual", Numeric, nullable=False),
    Column("forecast_run_id", Text, nullable=False),
)
"""Forecast against demand per stock point and closed planning period
(`ForecastAccuracyMeasured`; `domain.forecasts`)."""

kpi_days = Table(
    "kpi_days",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("location", Text, primary_key=True),
    Column("day", Date, primary_key=True),
    _quantity("opening"),
    _quantity("closing"),
    _quantity("consumed"),
    _quantity("received"),
    _quantity("backordered"),
    Column("moves", Integer, nullable=False, server_default=text("0")),
    Index("ix_kpi_days_day", "day"),
)
"""One row per stock point and (UTC) day with a movement or a backorder (`domain.kpis.DayRow`)."""

kpi_weeks = Table(
    "kpi_weeks",
    metadata,
    Column("sku", Text, primary_key=True),
    Column("location", Text, primary_key=True),
    Column("week", Date, primary_key=True),
    Column("first_day", Date, nullable=False),
    Column("first_opening", Numeric, nullable=True),
    _quantity("closing"),
    _quantity("consumed"),
    _quantity("received"),
    _quantity("backordered"),
    Column("moves", Integer, nullable=False, server_default=text("0")),
    Column("stockout_tail", Integer, nullable=False, server_default=text("0")),
    Column("last_move_day", Date, nullable=True),
    Column("received_days", ARRAY(Numeric), nullable=False),
    Index("ix_kpi_weeks_week", "week"),
)
"""One roll-up per stock point and ISO week with day rows (`domain.grid.Rollups`), rewritten
from them as movements arrive (`adapters.kpi_rollups`)."""

kpi_purchase_orders = Table(
    "kpi_purchase_orders",
    metadata,
    Column("purchase_order_id", Text, primary_key=True),
    Column("supplier_id", Text, nullable=False),
    Column("expected_receipt_date", Date, nullable=False),
    Column("first_received_at", DateTime(timezone=True), nullable=True),
)
"""Released purchase orders and when goods first arrived against them (supplier on-time)."""

kpi_approvals = Table(
    "kpi_approvals",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("subject_type", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=True),
    Column("overdue_since", DateTime(timezone=True), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
)
"""Approval requests: overdue once escalated, done once decided or withdrawn."""
