"""What replenishment's planning tells alerting: the ABC class of each stock point
(`StockPointClassified`) and the forecast against the demand of each closed period
(`ForecastAccuracyMeasured`).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_point_classes",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("abc_class", sa.Text(), nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_kpi_point_classes"),
    )

    op.create_table(
        "kpi_forecasts",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("forecast", sa.Numeric(), nullable=False),
        sa.Column("actual", sa.Numeric(), nullable=False),
        sa.Column("forecast_run_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "sku", "location", "period", "period_start", name="pk_kpi_forecasts"
        ),
    )


def downgrade() -> None:
    op.drop_table("kpi_forecasts")
    op.drop_table("kpi_point_classes")
