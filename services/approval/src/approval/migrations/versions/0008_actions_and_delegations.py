"""Actions on requests: versions (resubmission), withdrawal, the flow's role of each step,
decisions taken by a delegate, and delegations for absence windows.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("approval_instances", "approval_audit"):
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        )
    _status_check("pending", "approved", "rejected", "withdrawn")
    op.add_column("approval_tasks", sa.Column("flow_role", sa.Text(), nullable=True))
    op.add_column("approval_tasks", sa.Column("on_behalf_of", sa.Text(), nullable=True))
    # The flow's role of the steps so far; an escalated one changed its role, so that one's
    # role at its flow step (when the flow still has it) is the better guess.
    op.execute(
        "UPDATE approval_tasks t SET flow_role = COALESCE(("
        "SELECT s.role FROM approval_instances i JOIN approval_flow_steps s "
        "ON s.flow_id = i.flow_id AND s.step_no = t.step_no "
        "WHERE i.request_id = t.request_id AND t.escalated_at IS NOT NULL), t.role)"
    )
    op.create_table(
        "approval_delegations",
        sa.Column("delegation_id", sa.Text(), nullable=False),
        sa.Column("delegator", sa.Text(), nullable=False),
        sa.Column("delegate", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow_ids", ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("delegation_id", name="pk_approval_delegations"),
        sa.CheckConstraint("delegate <> delegator", name="ck_approval_delegations_not_to_oneself"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_approval_delegations_window_ordered"),
    )
    op.create_index("ix_approval_delegations_delegate", "approval_delegations", ["delegate"])
    op.create_index("ix_approval_delegations_delegator", "approval_delegations", ["delegator"])


def downgrade() -> None:
    op.drop_table("approval_delegations")
    op.drop_column("approval_tasks", "on_behalf_of")
    op.drop_column("approval_tasks", "flow_role")
    op.execute("UPDATE approval_instances SET status = 'rejected' WHERE status = 'withdrawn'")
    _status_check("pending", "approved", "rejected")
    for table in ("approval_audit", "approval_instances"):
        op.drop_column(table, "version")


def _status_check(*statuses: str) -> None:
    # The check's name as revision 0002 made it (the naming convention may have prefixed it);
    # the statuses are quoted twice: inside format()'s string literal.
    listed = ", ".join(f"''{status}''" for status in statuses)
    op.execute(
        "DO $$ DECLARE c text; BEGIN "
        "SELECT conname INTO STRICT c FROM pg_constraint "
        "WHERE conrelid = 'approval_instances'::regclass AND contype = 'c' "
        "AND conname LIKE '%status_known'; "
        "EXECUTE format('ALTER TABLE approval_instances DROP CONSTRAINT %I, "
        f"ADD CONSTRAINT %I CHECK (status IN ({listed}))', c, c); "
        "END $$"
    )
