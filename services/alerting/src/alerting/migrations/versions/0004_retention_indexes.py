"""Indexes for the retention purge: finished notifications by age, resolved alerts by when.

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


def upgrade() -> None:
    op.create_index(
        "ix_notifications_finished_created_at",
        "notifications",
        ["created_at"],
        postgresql_where=sa.text("status <> 'pending'"),
    )
    op.create_index(
        "ix_alerts_resolved_at",
        "alerts",
        ["resolved_at"],
        postgresql_where=sa.text("status = 'resolved'"),
    )


def downgrade() -> None:
    op.drop_index("ix_alerts_resolved_at", table_name="alerts")
    op.drop_index("ix_notifications_finished_created_at", table_name="notifications")
