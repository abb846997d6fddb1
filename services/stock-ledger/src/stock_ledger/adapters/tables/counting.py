"""Cycle counting: schedules, tasks and variance approvals (SQLAlchemy Core)."""

from __future__ import annotations

from inventory_runtime.db import QUANTITY, now_column
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    text,
)

from stock_ledger.adapters.tables.metadata import MONEY, metadata

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
    now_column("created_at"),
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
    Column("book_quantity", QUANTITY, nullable=True),
    Column("counted_quantity", QUANTITY, nullable=True),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("decided_by", Text, nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("reason", Text, nullable=True),
)
"""Count and adjustment variances waiting for (or decided by) the approval service; the
quantities are a count task's (a document made otherwise keeps them on its lines)."""
