"""Partial orders with backorders, arrival order, expired status, backorder fill history.

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

QUANTITY = sa.Numeric(38, 12)


def upgrade() -> None:
    op.add_column(
        "reservations",
        sa.Column("allow_partial", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column(
        "reservations", sa.Column("placed_seq", sa.BigInteger(), sa.Identity(), nullable=False)
    )
    op.drop_constraint("ck_reservations_status_known", "reservations", type_="check")
    op.create_check_constraint(
        op.f("ck_reservations_status_known"),
        "reservations",
        "status IN ('reserved', 'rejected', 'released', 'fulfilled', 'expired')",
    )
    op.add_column(
        "reservation_lines",
        sa.Column("backordered", QUANTITY, server_default="0", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_reservation_lines_backorder_consistent"),
        "reservation_lines",
        "backordered >= 0 AND reserved + backordered <= requested",
    )
    op.create_index(
        "ix_reservation_lines_waiting",
        "reservation_lines",
        ["sku", "location"],
        postgresql_where=sa.text("backordered > 0"),
    )
    op.create_table(
        "backorder_fills",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_backorder_fills"),
        sa.ForeignKeyConstraint(
            ["order_id", "line_no"],
            ["reservation_lines.order_id", "reservation_lines.line_no"],
            name="fk_backorder_fills_order_id_reservation_lines",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("quantity > 0", name="ck_backorder_fills_quantity_positive"),
    )
    op.create_index("ix_backorder_fills_order_id", "backorder_fills", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_backorder_fills_order_id", table_name="backorder_fills")
    op.drop_table("backorder_fills")
    op.drop_index("ix_reservation_lines_waiting", table_name="reservation_lines")
    op.drop_constraint(
        "ck_reservation_lines_backorder_consistent", "reservation_lines", type_="check"
    )
    op.drop_column("reservation_lines", "backordered")
    op.execute("UPDATE reservations SET status = 'released' WHERE status = 'expired'")
    op.drop_constraint("ck_reservations_status_known", "reservations", type_="check")
    op.create_check_constraint(
        op.f("ck_reservations_status_known"),
        "reservations",
        "status IN ('reserved', 'rejected', 'released', 'fulfilled')",
    )
    op.drop_column("reservations", "placed_seq")
    op.drop_column("reservations", "allow_partial")
