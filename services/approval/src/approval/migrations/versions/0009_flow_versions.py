"""Flows as versioned data: immutable numbered versions holding branches (condition and steps);
instances record the version they started with; tasks keep their step's mode, assignee rules and
the approvals of a countersign step.

Each existing flow becomes its version 1: its steps' amount bands turn into branches by amount
(the purchase-requisition seed: over 50,000 the department manager then the finance director,
else the department manager; the stock-count variance flow likewise at 10,000), each step a
`single` step of its role. Downgrading keeps, of each flow's current version, the steps of its
default branch (roles and limits; the conditions are lost).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEP_LIMITS = ("time_limit_hours", "time_limit_minutes", "escalation_role")


def upgrade() -> None:
    op.add_column("approval_flows", sa.Column("name_en", sa.Text(), nullable=True))
    op.add_column(
        "approval_flows",
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    versions = op.create_table(
        "approval_flow_versions",
        sa.Column("flow_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("branches", JSONB(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["approval_flows.flow_id"],
            name="fk_approval_flow_versions_flow_id_approval_flows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flow_id", "version", name="pk_approval_flow_versions"),
    )
    bind = op.get_bind()
    flows = bind.execute(sa.text("SELECT flow_id, subject_type, name, active FROM approval_flows"))
    rows = []
    for flow in flows.mappings().all():
        steps = bind.execute(
            sa.text(
                "SELECT * FROM approval_flow_steps WHERE flow_id = :f ORDER BY step_no"
            ).bindparams(f=flow["flow_id"])
        )
        zh, _, en = str(flow["name"]).partition(" / ")
        rows.append(
            {
                "flow_id": flow["flow_id"],
                "version": 1,
                "subject_type": flow["subject_type"],
                "name": zh,
                "name_en": en or None,
                "active": flow["active"],
                "branches": _branches(list(steps.mappings().all())),
                "created_by": "migration 0009",
            }
        )
    if rows:
        op.bulk_insert(versions, rows)
    op.execute(
        "UPDATE approval_flows f SET name = v.name, name_en = v.name_en "
        "FROM approval_flow_versions v WHERE v.flow_id = f.flow_id AND v.version = 1"
    )
    op.drop_table("approval_flow_steps")
    op.add_column("approval_instances", sa.Column("flow_version", sa.Integer(), nullable=True))
    op.execute("UPDATE approval_instances SET flow_version = 1 WHERE flow_id IS NOT NULL")
    op.add_column(
        "approval_tasks",
        sa.Column("mode", sa.Text(), server_default=sa.text("'single'"), nullable=False),
    )
    for column in ("rules", "votes"):
        op.add_column(
            "approval_tasks",
            sa.Column(column, JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        )


def _branches(steps: list[Any]) -> list[dict[str, Any]]:
    """Steps with amount bands as branches by amount: one per stretch between the bands' bounds
    with the same steps, the lowest stretch the default (last) branch."""
    bounds = sorted(
        {b for s in steps for b in (s["min_amount_exclusive"], s["max_amount_inclusive"])} - {None}
    )
    merged: list[list[Any]] = []
    for low, high in zip([None, *bounds], [*bounds, None], strict=True):
        probe = high if high is not None else (low + 1 if low is not None else Decimal(0))
        chosen = [_step(s) for s in steps if _applies(s, probe)]
        if merged and merged[-1][2] == chosen:
            merged[-1][1] = high
        else:
            merged.append([low, high, chosen])
    branches = []
    for low, high, chosen in reversed(merged[1:]):
        above = {"field": "amount", "op": "gt", "value": _number(low)}
        condition = above if high is None else {
            "all": [above, {"field": "amount", "op": "le", "value": _number(high)}]
        }  # fmt: skip
        branches.append({"name": None, "condition": condition, "steps": chosen})
    return [*branches, {"name": None, "condition": None, "steps": merged[0][2] if merged else []}]


def _applies(step: Any, amount: Decimal) -> bool:
    low, high = step["min_amount_exclusive"], step["max_amount_inclusive"]
    return (low is None or amount > low) and (high is None or amount <= high)


def _step(step: Any) -> dict[str, Any]:
    return {
        "mode": "single",
        "assignees": [{"kind": "role", "role": step["role"]}],
        **{key: step[key] for key in STEP_LIMITS},
    }


def _number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value)


def _stretch(condition: Any) -> tuple[Decimal | None, Decimal | None] | None:
    """The amounts an amount-band condition (as upgrade writes them) holds for, else None."""
    parts = condition.get("all", [condition])
    bounds: dict[str, Decimal] = {}
    for part in parts:
        if part.get("field") != "amount" or part.get("op") not in ("gt", "le"):
            return None
        bounds[part["op"]] = Decimal(str(part["value"]))
    return bounds.get("gt"), bounds.get("le")


def _banded(branches: list[Any]) -> list[tuple[Any, Decimal | None, Decimal | None]]:
    """Steps with amount bands back from branches by amount; from any other flow, the default
    branch's steps for every amount (its conditions cannot be kept)."""
    stretches = [_stretch(b["condition"]) for b in branches[:-1]]
    if any(s is None for s in stretches):
        return [(step, None, None) for step in branches[-1]["steps"]]
    lows = [s[0] for s in stretches if s is not None and s[0] is not None]
    spans = [*stretches, (None, min(lows) if lows else None)]
    found: dict[str, list[Any]] = {}
    for branch, span in zip(branches, spans, strict=True):
        assert span is not None
        for step in branch["steps"]:
            key = repr(sorted(step.items()))
            low, high = span
            if key not in found:
                found[key] = [step, low, high]
                continue
            kept = found[key]
            kept[1] = None if None in (kept[1], low) else min(kept[1], low)
            kept[2] = None if None in (kept[2], high) else max(kept[2], high)
    return [(step, low, high) for step, low, high in found.values()]


def downgrade() -> None:
    for column in ("votes", "rules", "mode"):
        op.drop_column("approval_tasks", column)
    op.drop_column("approval_instances", "flow_version")
    steps = op.create_table(
        "approval_flow_steps",
        sa.Column("flow_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("min_amount_exclusive", sa.Numeric(), nullable=True),
        sa.Column("max_amount_inclusive", sa.Numeric(), nullable=True),
        sa.Column("time_limit_hours", sa.Integer(), nullable=True),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("escalation_role", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["approval_flows.flow_id"],
            name="fk_approval_flow_steps_flow_id_approval_flows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flow_id", "step_no", name="pk_approval_flow_steps"),
    )
    current = op.get_bind().execute(
        sa.text(
            "SELECT v.flow_id, v.branches FROM approval_flow_versions v "
            "JOIN approval_flows f ON f.flow_id = v.flow_id AND f.version = v.version"
        )
    )
    rows = []
    for flow in current.mappings().all():
        for number, (step, low, high) in enumerate(_banded(flow["branches"]), start=1):
            roles = [r["role"] for r in step["assignees"] if r.get("kind") == "role"]
            limits = {key: step.get(key) for key in STEP_LIMITS}
            rows.append(
                {
                    "flow_id": flow["flow_id"],
                    "step_no": number,
                    "role": roles[0] if roles else "approval_admin",
                    "min_amount_exclusive": low,
                    "max_amount_inclusive": high,
                    **limits,
                }
            )
    if rows:
        op.bulk_insert(steps, rows)
    op.drop_table("approval_flow_versions")
    op.execute("UPDATE approval_flows SET name = name || ' / ' || name_en WHERE name_en <> ''")
    op.drop_column("approval_flows", "version")
    op.drop_column("approval_flows", "name_en")
