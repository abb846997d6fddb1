"""KPI rules: rule versions, the evaluation schedule, snooze and escalation of alerts, and the
three shipped KPI rules (the seed's class A sell-through rule, dead stock, stock over a year).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SELL_THROUGH_DROP = {
    "kind": "change", "kpi": "sell_through", "period": "week", "op": "<", "percent": -20,
}  # fmt: skip
SEEDS: list[dict[str, Any]] = [
    {
        "id": "class_a_sell_through_drop",
        "name_zh": "A 类物料周去化率连续两周下降超过 20%",
        "name_en": "Class A weekly sell-through fell by more than 20% two weeks in a row",
        "severity": "warning",
        "params": {
            "scope": {"abc_classes": ["A"]},
            "condition": {"kind": "consecutive", "periods": 2, "condition": SELL_THROUGH_DROP},
            "recovery": {"kind": "change", "kpi": "sell_through", "period": "week",
                         "op": ">=", "percent": 0},
            "dedupe_key": "class-{abc_class}",
            "cooldown_minutes": 10080,
            "evaluate_every_minutes": 60,
            "team": "purchasing",
        },
    },
    {
        "id": "dead_stock",
        "name_zh": "呆滞料：180 天无出入库",
        "name_en": "Dead stock: no movement for 180 days",
        "severity": "warning",
        "params": {
            "condition": {"kind": "absence", "days": 180},
            "dedupe_key": "{location}",
            "cooldown_minutes": 10080,
            "evaluate_every_minutes": 1440,
            "team": "warehouse",
        },
    },
    {
        "id": "stock_over_365_days",
        "name_zh": "库龄超过 365 天",
        "name_en": "Stock older than 365 days",
        "severity": "info",
        "params": {
            "condition": {"kind": "age", "days": 365},
            "dedupe_key": "{location}",
            "cooldown_minutes": 10080,
            "evaluate_every_minutes": 1440,
            "team": "warehouse",
        },
    },
]  # fmt: skip


def upgrade() -> None:
    op.add_column("rules", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("rules", sa.Column("next_evaluation_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_rules_next_evaluation_at",
        "rules",
        ["next_evaluation_at"],
        postgresql_where=sa.text("kind = 'kpi' AND enabled"),
    )
    op.create_table(
        "rule_versions",
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSONB(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=True),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("rule_id", "version", name="pk_rule_versions"),
    )
    for name in ("snoozed_until", "escalated_at"):
        op.add_column("alerts", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column("alerts", sa.Column("snoozed_by", sa.Text(), nullable=True))
    rules = sa.table(
        "rules",
        sa.column("id", sa.Text()), sa.column("kind", sa.Text()),
        sa.column("event_type", sa.Text()), sa.column("severity", sa.Text()),
        sa.column("enabled", sa.Boolean()), sa.column("channel_ids", ARRAY(sa.Text())),
        sa.column("name_zh", sa.Text()), sa.column("name_en", sa.Text()),
        sa.column("params", JSONB()),
    )  # fmt: skip
    op.bulk_insert(
        rules,
        [
            {**seed, "kind": "kpi", "event_type": "inventory.stock.moved.v1",
             "enabled": True, "channel_ids": []}
            for seed in SEEDS
        ],
    )  # fmt: skip
    versions = sa.table(
        "rule_versions",
        sa.column("rule_id", sa.Text()), sa.column("version", sa.Integer()),
        sa.column("definition", JSONB()), sa.column("changed_by", sa.Text()),
    )  # fmt: skip
    op.bulk_insert(
        versions,
        [
            {"rule_id": seed["id"], "version": 1, "changed_by": None,
             "definition": {"name_zh": seed["name_zh"], "name_en": seed["name_en"],
                            "severity": seed["severity"], "enabled": True, "channel_ids": [],
                            **seed["params"]}}
            for seed in SEEDS
        ],
    )  # fmt: skip


def downgrade() -> None:
    op.execute("DELETE FROM alerts WHERE rule_id IN (SELECT id FROM rules WHERE kind = 'kpi')")
    op.execute("DELETE FROM rules WHERE kind = 'kpi'")
    op.drop_column("alerts", "snoozed_by")
    op.drop_column("alerts", "escalated_at")
    op.drop_column("alerts", "snoozed_until")
    op.drop_table("rule_versions")
    op.drop_index("ix_rules_next_evaluation_at", table_name="rules")
    op.drop_column("rules", "next_evaluation_at")
    op.drop_column("rules", "version")
