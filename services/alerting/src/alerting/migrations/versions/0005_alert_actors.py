"""Who acknowledged an alert and who resolved it by hand (logins from the access token).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("acknowledged_by", sa.Text(), nullable=True))
    op.add_column("alerts", sa.Column("resolved_by", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("alerts", "resolved_by")
    op.drop_column("alerts", "acknowledged_by")
