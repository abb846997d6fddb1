"""Flows and their steps, approvers, approval instances, tasks and the audit trail; seeds.

Seeds the default purchase-requisition flow (department manager; above 50,000 also the finance
director) and two demo approvers.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    flows = op.create_table(
        "approval_flows",
        sa.Column("flow_id", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("flow_id", name="pk_approval_flows"),
        sa.UniqueConstraint("subject_type", name="uq_approval_flows_subject_type"),
    )
    steps = op.create_table(
        "approval_flow_steps",
        sa.Column("flow_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("min_amount_exclusive", sa.Numeric(), nullable=True),
        sa.Column("max_amount_inclusive", sa.Numeric(), nullable=True),
        sa.Column("time_limit_hours", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("flow_id", "step_no", name="pk_approval_flow_steps"),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["approval_flows.flow_id"],
            name="fk_approval_flow_steps_flow_id_approval_flows",
            ondelete="CASCADE",
        ),
    )
    approvers = op.create_table(
        "approvers",
        sa.Column("approver_id", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        _now("created_at"),
        sa.PrimaryKeyConstraint("approver_id", "role", "department", name="pk_approvers"),
    )
    op.create_index("ix_approvers_role", "approvers", ["role"])
    op.create_table(
        "approval_instances",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("flow_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name="pk_approval_instances"),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name="ck_approval_instances_status_known",
        ),
    )
    op.create_index("ix_approval_instances_status", "approval_instances", ["status"])
    op.create_index(
        "ix_approval_instances_subject", "approval_instances", ["subject_type", "subject_id"]
    )
    op.create_table(
        "approval_tasks",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("time_limit_hours", sa.Integer(), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approver", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "step_no", name="pk_approval_tasks"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_instances.request_id"],
            name="fk_approval_tasks_request_id_approval_instances",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'pending', 'approved', 'rejected', 'cancelled')",
            name="ck_approval_tasks_status_known",
        ),
    )
    op.create_index(
        "ix_approval_tasks_pending_role",
        "approval_tasks",
        ["role"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "approval_audit",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_audit"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_instances.request_id"],
            name="fk_approval_audit_request_id_approval_instances",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_approval_audit_request_id", "approval_audit", ["request_id"])

    # The default flow: up to 50,000 the department manager; above it also the finance director.
    op.bulk_insert(
        flows,
        [
            {
                "flow_id": "purchase-requisition",
                "subject_type": "purchase_requisition",
                "name": "采购申请审批 / Purchase requisition approval",
            }
        ],
    )
    op.bulk_insert(
        steps,
        [
            {
                "flow_id": "purchase-requisition",
                "step_no": 1,
                "role": "department_manager",
                "min_amount_exclusive": None,
                "max_amount_inclusive": None,
                "time_limit_hours": 24,
            },
            {
                "flow_id": "purchase-requisition",
                "step_no": 2,
                "role": "finance_director",
                "min_amount_exclusive": 50000,
                "max_amount_inclusive": None,
                "time_limit_hours": 48,
            },
        ],
    )
    op.bulk_insert(
        approvers,
        [
            {
                "approver_id": "wang.manager",
                "role": "department_manager",
                "department": "*",
                "display_name": "王经理 / Wang (department manager)",
            },
            {
                "approver_id": "li.finance",
                "role": "finance_director",
                "department": "*",
                "display_name": "李总监 / Li (finance director)",
            },
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_approval_audit_request_id", table_name="approval_audit")
    op.drop_table("approval_audit")
    op.drop_index("ix_approval_tasks_pending_role", table_name="approval_tasks")
    op.drop_table("approval_tasks")
    op.drop_index("ix_approval_instances_subject", table_name="approval_instances")
    op.drop_index("ix_approval_instances_status", table_name="approval_instances")
    op.drop_table("approval_instances")
    op.drop_index("ix_approvers_role", table_name="approvers")
    op.drop_table("approvers")
    op.drop_table("approval_flow_steps")
    op.drop_table("approval_flows")
