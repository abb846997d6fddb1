"""Tables of the approval database (SQLAlchemy Core), with the runtime's outbox and inbox.

Kept in step with the hand-written migrations (a test compares them). A flow's versions are
immutable rows of `approval_flow_versions` (branches as JSON); `approval_flows.version` is the
one new requests start with. Timers of pending
steps (`approval_timers`) fire once; `people` is the directory's view approval keeps;
`approval_delegations` are absence windows.
"""

from __future__ import annotations

from inventory_runtime.db import add_runtime_tables, metadata_with_conventions, now_column
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)


approval_flows = Table(
    "approval_flows",
    metadata,
    Column("flow_id", Text, primary_key=True),
    Column("subject_type", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    now_column("updated_at"),
    Column("name_en", Text),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

approval_flow_versions = Table(
    "approval_flow_versions",
    metadata,
    Column(
        "flow_id", Text, ForeignKey("approval_flows.flow_id", ondelete="CASCADE"), nullable=False
    ),
    Column("version", Integer, nullable=False),
    Column("subject_type", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_en", Text),
    Column("active", Boolean, nullable=False),
    Column("branches", JSONB, nullable=False),
    Column("created_by", Text, nullable=False),
    now_column("created_at"),
    PrimaryKeyConstraint("flow_id", "version"),
)

approvers = Table(
    "approvers",
    metadata,
    Column("approver_id", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    now_column("created_at"),
    PrimaryKeyConstraint("approver_id", "role", "department"),
    Index("ix_approvers_role", "role"),
)

approval_instances = Table(
    "approval_instances",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("subject_type", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("amount", Numeric, nullable=False),
    Column("currency", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("flow_id", Text),
    Column("status", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Text),
    Column("decision_reason", Text),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("flow_version", Integer),
    CheckConstraint(
        "status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="status_known"
    ),
    Index("ix_approval_instances_status", "status"),
    Index(  # the inbox: an approver's departments (migration 0011)
        "ix_approval_instances_pending_department",
        "department",
        postgresql_where=text("status = 'pending'"),
    ),
    Index("ix_approval_instances_subject", "subject_type", "subject_id"),
)

approval_tasks = Table(
    "approval_tasks",
    metadata,
    Column(
        "request_id",
        Text,
        ForeignKey("approval_instances.request_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("step_no", Integer, nullable=False),
    Column("role", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("time_limit_hours", Integer),
    Column("activated_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
    Column("approver", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("comment", Text),
    Column("time_limit_minutes", Integer),
    Column("escalation_role", Text),
    Column("assignees", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("flow_role", Text),
    Column("on_behalf_of", Text),
    Column("mode", Text, nullable=False, server_default=text("'single'")),
    Column("rules", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("votes", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    PrimaryKeyConstraint("request_id", "step_no"),
    CheckConstraint(
        "status IN ('waiting', 'pending', 'approved', 'rejected', 'cancelled')",
        name="status_known",
    ),
    Index("ix_approval_tasks_pending_role", "role", postgresql_where=text("status = 'pending'")),
    Index(  # the inbox: tasks assigned by name (migration 0011)
        "ix_approval_tasks_pending_assignees",
        "assignees",
        postgresql_using="gin",
        postgresql_where=text("status = 'pending'"),
    ),
)

approval_audit = Table(
    "approval_audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        Text,
        ForeignKey("approval_instances.request_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("step_no", Integer),
    Column("action", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("comment", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Index("ix_approval_audit_request_id", "request_id"),
)

approval_timers = Table(
    "approval_timers",
    metadata,
    Column("request_id", Text, nullable=False),
    Column("step_no", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("fired_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("request_id", "step_no", "kind"),
    ForeignKeyConstraint(
        ["request_id", "step_no"],
        ["approval_tasks.request_id", "approval_tasks.step_no"],
        ondelete="CASCADE",
    ),
    CheckConstraint("kind IN ('reminder', 'escalation')", name="kind_known"),
    Index("ix_approval_timers_due", "due_at", postgresql_where=text("fired_at IS NULL")),
)

people = Table(
    "people",
    metadata,
    Column("login", Text, primary_key=True),
    Column("manager_login", Text),
    Column("department", Text),
    Column("active", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("email", Text),
    Column("locale", Text, nullable=False, server_default=text("'zh-CN'")),
    Column("dingtalk_user_id", Text),
    Column("wecom_user_id", Text),
    Column("feishu_user_id", Text),
    Column("slack_user_id", Text),
)

approval_delegations = Table(
    "approval_delegations",
    metadata,
    Column("delegation_id", Text, primary_key=True),
    Column("delegator", Text, nullable=False),
    Column("delegate", Text, nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("flow_ids", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
    CheckConstraint("delegate <> delegator", name="not_to_oneself"),
    CheckConstraint("ends_at > starts_at", name="window_ordered"),
    Index("ix_approval_delegations_delegate", "delegate"),
    Index("ix_approval_delegations_delegator", "delegator"),
)

approval_notifications = Table(
    "approval_notifications",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("request_id", Text, nullable=False),
    Column("step_no", Integer),
    Column("kind", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("channel", Text),
    Column("address", Text),
    Column("locale", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link_id", Text),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    now_column("next_attempt_at"),
    Column("last_error", Text),
    now_column("created_at"),
    Column("sent_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
    Index(
        "ix_approval_notifications_due",
        "next_attempt_at",
        postgresql_where=text("status = 'pending'"),
    ),
    Index("ix_approval_notifications_request_id", "request_id"),
    Index(
        "ix_approval_notifications_finished_created_at",
        "created_at",
        postgresql_where=text("status <> 'pending'"),
    ),
)
"""Messages to people about requests: an outbound queue of the runtime's `DeliveryWorker`."""

approval_links = Table(
    "approval_links",
    metadata,
    Column("link_id", Text, primary_key=True),
    Column("request_id", Text, nullable=False),
    Column("step_no", Integer, nullable=False),
    Column("login", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    now_column("created_at"),
    Column("used_at", DateTime(timezone=True)),
    Index("ix_approval_links_expires_at", "expires_at"),
)
"""The signed task links sent in messages; `used_at` makes each one single-use."""
