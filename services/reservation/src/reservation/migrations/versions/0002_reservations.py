"""Master data, stock points, reservations and their lines, tombstones, applied movements.

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

QUANTITY = sa.Numeric(38, 12)


def _now() -> sa.Column:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("sku", name="pk_items"),
    )
    op.create_table(
        "locations",
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("location", name="pk_locations"),
    )
    op.create_table(
        "stock_points",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("on_hand", QUANTITY, server_default="0", nullable=False),
        sa.Column("reserved", QUANTITY, server_default="0", nullable=False),
        _now(),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_stock_points"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_points_reserved_not_negative"),
    )
    op.create_table(
        "reservations",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("reservation_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("short_lines", JSONB(), server_default="[]", nullable=False),
        sa.Column("priority", sa.Integer(), server_default="0", nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        _now(),
        sa.PrimaryKeyConstraint("order_id", name="pk_reservations"),
        sa.UniqueConstraint("reservation_id", name="uq_reservations_reservation_id"),
        sa.CheckConstraint(
            "status IN ('reserved', 'rejected', 'released', 'fulfilled')",
            name="ck_reservations_status_known",
        ),
    )
    op.create_index(
        "ix_reservations_expires_at",
        "reservations",
        ["expires_at"],
        postgresql_where=sa.text("status = 'reserved' AND expires_at IS NOT NULL"),
    )
    op.create_table(
        "reservation_lines",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("requested", QUANTITY, nullable=False),
        sa.Column("reserved", QUANTITY, server_default="0", nullable=False),
        sa.Column("released", QUANTITY, server_default="0", nullable=False),
        sa.Column("fulfilled", QUANTITY, server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("order_id", "line_no", name="pk_reservation_lines"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["reservations.order_id"],
            name="fk_reservation_lines_order_id_reservations",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("requested > 0", name="ck_reservation_lines_requested_positive"),
        sa.CheckConstraint(
            "reserved >= 0 AND released >= 0 AND fulfilled >= 0 "
            "AND released + fulfilled <= reserved",
            name="ck_reservation_lines_quantities_consistent",
        ),
    )
    op.create_index("ix_reservation_lines_sku_location", "reservation_lines", ["sku", "location"])
    op.create_table(
        "early_cancellations",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column(
            "cancelled_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_early_cancellations"),
    )
    op.create_table(
        "applied_movements",
        sa.Column("movement_id", sa.Text(), nullable=False),
        sa.Column(
            "applied_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("movement_id", name="pk_applied_movements"),
    )


def downgrade() -> None:
    op.drop_table("applied_movements")
    op.drop_table("early_cancellations")
    op.drop_index("ix_reservation_lines_sku_location", table_name="reservation_lines")
    op.drop_table("reservation_lines")
    op.drop_index("ix_reservations_expires_at", table_name="reservations")
    op.drop_table("reservations")
    op.drop_table("stock_points")
    op.drop_table("locations")
    op.drop_table("items")
