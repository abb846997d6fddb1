"""The append-only audit log: configuration changes (forms, GTINs, ABC classes, count
schedules) and the decisions on count and adjustment variances.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op
from inventory_runtime.audit import create_audit_log, drop_audit_log

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log(op)


def downgrade() -> None:
    drop_audit_log(op)
