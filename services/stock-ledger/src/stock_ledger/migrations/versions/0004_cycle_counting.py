"""Cycle counting: schedules per ABC class, count tasks, variance approvals.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(38, 12)
QUANTITY = sa.Numeric(38, 12)
TASK_STATUSES = "'open', 'awaiting_approval', 'done', 'rejected'"


def upgrade() -> None:
    # Back-dated postings sum the earlier re-costings of each later issue: find them by index.
    op.create_index(
        "ix_ledger_entries_adjusts_movement_id",
        "ledger_entries",
        ["adjusts_movement_id"],
        postgresql_where=sa.text("adjusts_movement_id IS NOT NULL"),
    )
    op.add_column("balances", sa.Column("last_counted_date", sa.Date(), nullable=True))
    op.create_table(
        "count_schedules",
        sa.Column("abc_class", sa.Text(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("abc_class", name="pk_count_schedules"),
        sa.CheckConstraint("interval_days > 0", name="ck_count_schedules_interval_positive"),
    )
    op.execute(
        "INSERT INTO count_schedules (abc_class, interval_days) VALUES ('A', 30), ('B', 90), "
        "('C', 365)"
    )
    op.create_table(
        "count_tasks",
        sa.Column("task_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("abc_class", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("document_id", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name="pk_count_tasks"),
        sa.CheckConstraint(f"status IN ({TASK_STATUSES})", name="ck_count_tasks_status_known"),
    )
    op.create_index(
        "uq_count_tasks_open_per_stock_point",
        "count_tasks",
        ["sku", "location"],
        unique=True,
        postgresql_where=sa.text("status IN ('open', 'awaiting_approval')"),
    )
    op.create_table(
        "count_approvals",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Text(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("book_quantity", QUANTITY, nullable=False),
        sa.Column("counted_quantity", QUANTITY, nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("document_id", name="pk_count_approvals"),
        sa.UniqueConstraint("request_id", name="uq_count_approvals_request_id"),
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_adjusts_movement_id", table_name="ledger_entries")
    op.drop_table("count_approvals")
    op.drop_index("uq_count_tasks_open_per_stock_point", table_name="count_tasks")
    op.drop_table("count_tasks")
    op.drop_table("count_schedules")
    op.drop_column("balances", "last_counted_date")
