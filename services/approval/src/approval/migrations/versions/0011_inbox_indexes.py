"""Indexes of the inbox query (`adapters.task_list`): the pending requests of a department,
and the pending tasks assigned by name. An approver's list then reads their own requests
instead of every pending task.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_approval_instances_pending_department",
        "approval_instances",
        ["department"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_approval_tasks_pending_assignees",
        "approval_tasks",
        ["assignees"],
        postgresql_using="gin",
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_approval_tasks_pending_assignees", table_name="approval_tasks")
    op.drop_index("ix_approval_instances_pending_department", table_name="approval_instances")
