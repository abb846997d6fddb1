"""KPI roll-ups: one row per stock point and ISO week, kept as movements arrive.

Revision ID: 0011
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZERO = sa.text("0")


def _quantity(name: str, nullable: bool = False) -> sa.Column:
    if nullable:
        return sa.Column(name, sa.Numeric(), nullable=True)
    return sa.Column(name, sa.Numeric(), server_default=ZERO, nullable=False)


def upgrade() -> None:
    op.create_table(
        "kpi_weeks",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        _quantity("first_opening", nullable=True),
        _quantity("closing"),
        _quantity("consumed"),
        _quantity("received"),
        _quantity("backordered"),
        sa.Column("moves", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("stockout_tail", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("last_move_day", sa.Date(), nullable=True),
        sa.Column("received_days", postgresql.ARRAY(sa.Numeric()), nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", "week", name="pk_kpi_weeks"),
    )
    op.create_index("ix_kpi_weeks_week", "kpi_weeks", ["week"])
    op.execute(BACKFILL)


RECEIVED_DAYS = ", ".join(
    f"coalesce(sum(d.received) FILTER (WHERE d.day - d.week = {n}), 0)" for n in range(7)
)
BACKFILL = f"""
    INSERT INTO kpi_weeks
    SELECT d.sku, d.location, d.week, min(d.day),
           max(d.opening) FILTER (WHERE d.day = d.week),
           (array_agg(d.closing ORDER BY d.day DESC))[1],
           sum(d.consumed), sum(d.received), sum(d.backordered), sum(d.moves),
           coalesce(sum(coalesce(d.next_day, d.week + 7) - d.day) FILTER (WHERE d.closing <= 0), 0),
           max(d.day) FILTER (WHERE d.moves > 0),
           ARRAY[{RECEIVED_DAYS}]
      FROM (SELECT k.*, CAST(date_trunc('week', k.day) AS date) AS week,
                   lead(k.day) OVER (PARTITION BY k.sku, k.location, date_trunc('week', k.day)
                                     ORDER BY k.day) AS next_day
              FROM kpi_days AS k) AS d
     GROUP BY d.sku, d.location, d.week
"""
"""The roll-ups of the day rows already kept (`adapters.kpi_rollups` writes the same)."""


def downgrade() -> None:
    op.drop_index("ix_kpi_weeks_week", table_name="kpi_weeks")
    op.drop_table("kpi_weeks")
