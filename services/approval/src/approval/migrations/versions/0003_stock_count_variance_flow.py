"""Seed the stock-count variance flow (warehouse manager; above 10,000 also the finance director).

stock-ledger asks for approval (subject type ``stock_count_variance``) before it posts a count
whose variance is worth more than its approval amount.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLOW_ID = "stock-count-variance"


def upgrade() -> None:
    flows = sa.table(
        "approval_flows", sa.column("flow_id"), sa.column("subject_type"), sa.column("name")
    )
    steps = sa.table(
        "approval_flow_steps",
        sa.column("flow_id"),
        sa.column("step_no"),
        sa.column("role"),
        sa.column("min_amount_exclusive"),
        sa.column("max_amount_inclusive"),
        sa.column("time_limit_hours"),
    )
    approvers = sa.table(
        "approvers",
        sa.column("approver_id"),
        sa.column("role"),
        sa.column("department"),
        sa.column("display_name"),
    )
    op.bulk_insert(
        flows,
        [
            {
                "flow_id": FLOW_ID,
                "subject_type": "stock_count_variance",
                "name": "盘点差异审批 / Stock count variance approval",
            }
        ],
    )
    op.bulk_insert(
        steps,
        [
            {
                "flow_id": FLOW_ID,
                "step_no": 1,
                "role": "warehouse_manager",
                "min_amount_exclusive": None,
                "max_amount_inclusive": None,
                "time_limit_hours": 24,
            },
            {
                "flow_id": FLOW_ID,
                "step_no": 2,
                "role": "finance_director",
                "min_amount_exclusive": 10000,
                "max_amount_inclusive": None,
                "time_limit_hours": 48,
            },
        ],
    )
    op.bulk_insert(
        approvers,
        [
            {
                "approver_id": "zhao.warehouse",
                "role": "warehouse_manager",
                "department": "*",
                "display_name": "赵主管 / Zhao (warehouse manager)",
            }
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM approvers WHERE approver_id = 'zhao.warehouse'")
    op.execute(f"DELETE FROM approval_flow_steps WHERE flow_id = '{FLOW_ID}'")
    op.execute(f"DELETE FROM approval_flows WHERE flow_id = '{FLOW_ID}'")
