"""KPIs beyond stock points: purchase orders (supplier on-time rate) and approval requests
(overdue approvals).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "kpi_purchase_orders",
        sa.Column("purchase_order_id", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("expected_receipt_date", sa.Date(), nullable=False),
        _at("first_received_at"),
        sa.PrimaryKeyConstraint("purchase_order_id", name="pk_kpi_purchase_orders"),
    )
    op.create_table(
        "kpi_approvals",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=False),
        _at("requested_at"),
        _at("overdue_since"),
        _at("decided_at"),
        sa.PrimaryKeyConstraint("request_id", name="pk_kpi_approvals"),
    )


def downgrade() -> None:
    op.drop_table("kpi_approvals")
    op.drop_table("kpi_purchase_orders")
