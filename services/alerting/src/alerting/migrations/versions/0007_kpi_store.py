"""The KPI store: items' attributes, stock points and one row per stock point and day.

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

ZERO = sa.text("0")


def _quantity(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(), server_default=ZERO, nullable=False)


def upgrade() -> None:
    op.create_table(
        "kpi_items",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("abc_class", sa.Text(), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("sku", name="pk_kpi_items"),
    )
    op.create_table(
        "kpi_points",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        _quantity("on_hand"),
        _quantity("backorder_open"),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_movement_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_kpi_points"),
    )
    op.create_table(
        "kpi_days",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _quantity("opening"),
        _quantity("closing"),
        _quantity("consumed"),
        _quantity("received"),
        _quantity("backordered"),
        sa.Column("moves", sa.Integer(), server_default=ZERO, nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", "day", name="pk_kpi_days"),
    )
    op.create_index("ix_kpi_days_day", "kpi_days", ["day"])


def downgrade() -> None:
    op.drop_index("ix_kpi_days_day", table_name="kpi_days")
    op.drop_table("kpi_days")
    op.drop_table("kpi_points")
    op.drop_table("kpi_items")
