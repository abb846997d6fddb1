"""The append-only audit log every service keeps (read at GET /v1/audit).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op
from inventory_runtime.audit import create_audit_log, drop_audit_log

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log(op)


def downgrade() -> None:
    drop_audit_log(op)
