"""Make or buy: items carry a procurement type (buy/make) and a production lead time; a
requisition is a purchase requisition (buy) or a production work order proposal (make, no
supplier), a purchase order a purchase order or a production work order (issue 19 item 3).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TYPE_KNOWN = "procurement_type IN ('buy', 'make')"


def _procurement_type(table: str) -> None:
    op.add_column(
        table,
        sa.Column("procurement_type", sa.Text(), server_default=sa.text("'buy'"), nullable=False),
    )
    op.create_check_constraint(f"ck_{table}_procurement_type_known", table, TYPE_KNOWN)


def upgrade() -> None:
    for table in ("items", "requisitions", "purchase_orders"):
        _procurement_type(table)
    op.add_column("items", sa.Column("production_lead_time_days", sa.Integer(), nullable=True))
    # A make document has no supplier; a buy document always has one.
    for table in ("requisitions", "purchase_orders"):
        op.alter_column(table, "supplier_id", existing_type=sa.Text(), nullable=True)
        op.create_check_constraint(
            f"ck_{table}_supplier_when_bought",
            table,
            "procurement_type = 'make' OR supplier_id IS NOT NULL",
        )


def downgrade() -> None:
    # The make documents cannot be kept without a supplier: they go, with their receipts.
    op.execute(
        "DELETE FROM purchase_order_receipts WHERE purchase_order_id IN "
        "(SELECT purchase_order_id FROM purchase_orders WHERE supplier_id IS NULL)"
    )
    for table in ("purchase_orders", "requisitions"):
        op.drop_constraint(f"ck_{table}_supplier_when_bought", table, type_="check")
        op.execute(sa.text(f"DELETE FROM {table} WHERE supplier_id IS NULL"))
        op.alter_column(table, "supplier_id", existing_type=sa.Text(), nullable=False)
    op.drop_column("items", "production_lead_time_days")
    for table in ("items", "requisitions", "purchase_orders"):
        op.drop_constraint(f"ck_{table}_procurement_type_known", table, type_="check")
        op.drop_column(table, "procurement_type")
