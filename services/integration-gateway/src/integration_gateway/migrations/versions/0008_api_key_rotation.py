"""API keys managed over the admin API: a rotated-out key stays valid until
`previous_key_expires_at` (the overlap window), the time a key was last used, and the last four
characters of the current key to tell keys apart.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_clients", sa.Column("previous_key_hash", sa.Text(), nullable=True))
    op.add_column(
        "api_clients",
        sa.Column("previous_key_expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "api_clients", sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("api_clients", sa.Column("key_hint", sa.Text(), nullable=True))
    op.create_index("ix_api_clients_previous_key_hash", "api_clients", ["previous_key_hash"])


def downgrade() -> None:
    op.drop_index("ix_api_clients_previous_key_hash", table_name="api_clients")
    op.drop_column("api_clients", "key_hint")
    op.drop_column("api_clients", "last_used_at")
    op.drop_column("api_clients", "previous_key_expires_at")
    op.drop_column("api_clients", "previous_key_hash")
