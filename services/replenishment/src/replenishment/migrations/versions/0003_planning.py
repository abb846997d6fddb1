"""Planning: policy MOQ, pack size and manual flag; planning figures, runs and snoozes.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("policies", sa.Column("moq", sa.Numeric(), nullable=True))
    op.add_column("policies", sa.Column("pack_size", sa.Numeric(), nullable=True))
    op.add_column(
        "policies",
        sa.Column("manual", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_table(
        "policy_planning",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("planning_run_id", sa.Text(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("abc_class", sa.Text(), nullable=False),
        sa.Column("xyz_class", sa.Text(), nullable=False),
        sa.Column("demand_pattern", sa.Text(), nullable=False),
        sa.Column("forecast_model", sa.Text(), nullable=False),
        sa.Column("forecast_per_period", sa.Numeric(), nullable=False),
        sa.Column("forecast_rmse", sa.Numeric(), nullable=True),
        sa.Column("forecast_mase", sa.Numeric(), nullable=True),
        sa.Column("forecast_bias", sa.Numeric(), nullable=True),
        sa.Column("service_target", sa.Numeric(), nullable=False),
        sa.Column("expected_fill_rate", sa.Numeric(), nullable=False),
        sa.Column("lead_time_mean_days", sa.Numeric(), nullable=False),
        sa.Column("lead_time_observations", sa.Integer(), nullable=False),
        sa.Column("safety_stock", sa.Numeric(), nullable=False),
        sa.Column("reorder_point", sa.Numeric(), nullable=False),
        sa.Column("order_quantity", sa.Numeric(), nullable=False),
        sa.Column("order_up_to", sa.Numeric(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_policy_planning"),
    )
    op.create_table(
        "planning_runs",
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')",
            name="ck_planning_runs_status_known",
        ),
        sa.PrimaryKeyConstraint("run_id", name="pk_planning_runs"),
    )
    op.create_index(
        "uq_planning_runs_active",
        "planning_runs",
        [sa.text("(true)")],
        unique=True,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_index("ix_planning_runs_requested_at", "planning_runs", ["requested_at"])
    op.create_table(
        "suggestion_snoozes",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "snoozed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_suggestion_snoozes"),
    )


def downgrade() -> None:
    op.drop_table("suggestion_snoozes")
    op.drop_index("ix_planning_runs_requested_at", table_name="planning_runs")
    op.drop_index("uq_planning_runs_active", table_name="planning_runs")
    op.drop_table("planning_runs")
    op.drop_table("policy_planning")
    op.drop_column("policies", "manual")
    op.drop_column("policies", "pack_size")
    op.drop_column("policies", "moq")
