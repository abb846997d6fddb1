"""Time limits that act: limits in minutes and an escalation role per step, the task's
assignees after escalation, the timers of pending steps, and the people directory (managers).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("approval_flow_steps", "approval_tasks"):
        op.add_column(table, sa.Column("time_limit_minutes", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("escalation_role", sa.Text(), nullable=True))
    op.add_column(
        "approval_tasks",
        sa.Column("assignees", ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
    )
    op.create_table(
        "approval_timers",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "step_no", "kind", name="pk_approval_timers"),
        sa.ForeignKeyConstraint(
            ["request_id", "step_no"],
            ["approval_tasks.request_id", "approval_tasks.step_no"],
            name="fk_approval_timers_request_id_approval_tasks",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "kind IN ('reminder', 'escalation')", name="ck_approval_timers_kind_known"
        ),
    )
    op.create_index(
        "ix_approval_timers_due",
        "approval_timers",
        ["due_at"],
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    # Timers for the steps already pending with a limit (the reminder at half of it).
    op.execute(
        "INSERT INTO approval_timers (request_id, step_no, kind, due_at) "
        "SELECT request_id, step_no, k.kind, CASE k.kind WHEN 'reminder' "
        "THEN activated_at + (due_at - activated_at) * 0.5 ELSE due_at END "
        "FROM approval_tasks, (VALUES ('reminder'), ('escalation')) AS k(kind) "
        "WHERE status = 'pending' AND due_at IS NOT NULL AND activated_at IS NOT NULL "
        "AND escalated_at IS NULL"
    )
    op.create_table(
        "people",
        sa.Column("login", sa.Text(), nullable=False),
        sa.Column("manager_login", sa.Text(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login", name="pk_people"),
    )


def downgrade() -> None:
    op.drop_table("people")
    op.drop_index("ix_approval_timers_due", table_name="approval_timers")
    op.drop_table("approval_timers")
    op.drop_column("approval_tasks", "assignees")
    for table in ("approval_tasks", "approval_flow_steps"):
        op.drop_column(table, "escalation_role")
        op.drop_column(table, "time_limit_minutes")
