"""API clients' own rate limits (NULL: the gateway's default from settings).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_clients", sa.Column("rate_per_second", sa.Float(), nullable=True))
    op.add_column("api_clients", sa.Column("burst", sa.Integer(), nullable=True))
    op.create_check_constraint(
        "ck_api_clients_rate_per_second_positive", "api_clients", "rate_per_second > 0"
    )
    op.create_check_constraint("ck_api_clients_burst_positive", "api_clients", "burst >= 1")


def downgrade() -> None:
    op.drop_constraint("ck_api_clients_burst_positive", "api_clients", type_="check")
    op.drop_constraint("ck_api_clients_rate_per_second_positive", "api_clients", type_="check")
    op.drop_column("api_clients", "burst")
    op.drop_column("api_clients", "rate_per_second")
