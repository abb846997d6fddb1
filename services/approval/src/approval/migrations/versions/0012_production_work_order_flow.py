"""Seed the production work order flow (make or buy, issue 19 item 3): the production manager
approves a work order proposal; above 50,000 at standard cost the finance director also does,
as for purchase requisitions.

replenishment asks for approval (subject type ``production_work_order``) before it releases a
work order for a make item below its reorder point.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLOW_ID = "production-work-order"
FINANCE_ABOVE = 50000


def _step(role: str, hours: int) -> dict[str, Any]:
    return {
        "mode": "single",
        "assignees": [{"kind": "role", "role": role}],
        "time_limit_hours": hours,
        "time_limit_minutes": None,
        "escalation_role": None,
    }


def upgrade() -> None:
    flows = sa.table(
        "approval_flows",
        sa.column("flow_id"),
        sa.column("subject_type"),
        sa.column("name"),
        sa.column("name_en"),
        sa.column("version"),
    )
    versions = sa.table(
        "approval_flow_versions",
        sa.column("flow_id"),
        sa.column("version"),
        sa.column("subject_type"),
        sa.column("name"),
        sa.column("name_en"),
        sa.column("active"),
        sa.column("branches", JSONB()),
        sa.column("created_by"),
    )
    names = {"name": "生产工单审批", "name_en": "Production work order approval"}
    op.bulk_insert(
        flows,
        [{"flow_id": FLOW_ID, "subject_type": "production_work_order", "version": 1, **names}],
    )
    manager = _step("production_manager", 24)
    above = {"field": "amount", "op": "gt", "value": FINANCE_ABOVE}
    branches = [
        {"name": None, "condition": above, "steps": [manager, _step("finance_director", 48)]},
        {"name": None, "condition": None, "steps": [manager]},
    ]
    op.bulk_insert(
        versions,
        [
            {
                "flow_id": FLOW_ID,
                "version": 1,
                "subject_type": "production_work_order",
                "active": True,
                "branches": branches,
                "created_by": "migration 0012",
                **names,
            }
        ],
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM approval_flows WHERE flow_id = '{FLOW_ID}'")  # versions cascade
