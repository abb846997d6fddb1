"""A released purchase order can be cancelled (`POST /v1/purchase-orders/{id}/cancel`).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ck_purchase_orders_status_known"


def upgrade() -> None:
    op.drop_constraint(NAME, "purchase_orders", type_="check")
    op.create_check_constraint(
        NAME, "purchase_orders", "status IN ('open', 'partially_received', 'closed', 'cancelled')"
    )


def downgrade() -> None:
    op.execute(  # nothing cancelled stays open: what came is what closed it
        "UPDATE purchase_orders SET status = 'closed' WHERE status = 'cancelled'"
    )
    op.drop_constraint(NAME, "purchase_orders", type_="check")
    op.create_check_constraint(
        NAME, "purchase_orders", "status IN ('open', 'partially_received', 'closed')"
    )
