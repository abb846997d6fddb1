"""Drafts, transfers/counts/adjustments, lots and cost layers, daily sums, forms, GTINs.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(38, 12)
MONEY = sa.Numeric(38, 12)
MOVEMENT_TYPES = (
    "'receipt', 'issue', 'transfer_in', 'transfer_out', 'count_adjustment', 'adjustment', "
    "'reversal', 'cost_adjustment'"
)
STATUSES = "'draft', 'pending_approval', 'posted', 'rejected'"

# Lines of a draft may change; once their document is posted they are as immutable as it.
LINES_IMMUTABLE_ONCE_POSTED = """
CREATE FUNCTION refuse_change_of_posted_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM documents WHERE document_id = OLD.document_id
               AND status = 'posted') THEN
        RAISE EXCEPTION 'document_lines rows are immutable once posted (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$
"""


def _replace_check(table: str, name: str, condition: str, new_name: str | None = None) -> None:
    # 0002 named its checks twice over (ck_<table>_ck_<table>_<name>); either name is dropped.
    for old in (f"ck_{table}_ck_{table}_{name}", f"ck_{table}_{name}"):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {old}")
    op.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{new_name or name} CHECK ({condition})"
    )


def upgrade() -> None:
    op.add_column("items", sa.Column("category", sa.Text(), server_default="", nullable=False))
    op.add_column("items", sa.Column("abc_class", sa.Text(), nullable=True))
    op.create_table(
        "item_gtins",
        sa.Column("gtin", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("gtin", name="pk_item_gtins"),
    )
    for column in (
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("reverses_document_id", sa.Text(), nullable=True),
        sa.Column("form_version", sa.Integer(), nullable=True),
        sa.Column("fields", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("documents", column)
    _replace_check("documents", "status_known", f"status IN ({STATUSES})")
    op.create_index(
        "uq_documents_reverses_document_id",
        "documents",
        ["reverses_document_id"],
        unique=True,
        postgresql_where=sa.text("reverses_document_id IS NOT NULL"),
    )
    op.add_column("document_lines", sa.Column("to_location", sa.Text(), nullable=True))
    op.add_column("document_lines", sa.Column("reason_code", sa.Text(), nullable=True))
    _replace_check("document_lines", "quantity_positive", "quantity >= 0", "quantity_not_negative")
    op.execute("DROP TRIGGER document_lines_immutable ON document_lines")
    op.execute(LINES_IMMUTABLE_ONCE_POSTED)
    op.execute(
        "CREATE TRIGGER document_lines_immutable BEFORE UPDATE OR DELETE ON document_lines "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted_lines()"
    )

    for column in (
        sa.Column("lot", sa.Text(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("adjusts_movement_id", sa.Text(), nullable=True),
        sa.Column("cogs", MONEY, server_default="0", nullable=False),
    ):
        op.add_column("ledger_entries", column)
    # New columns of entries posted before this migration: filled once, with the trigger off.
    op.execute("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_immutable")
    op.execute(
        "UPDATE ledger_entries SET effective_date = (posted_at AT TIME ZONE 'UTC')::date, "
        "cogs = CASE WHEN movement_type = 'issue' THEN -value ELSE 0 END"
    )
    op.execute("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_immutable")
    op.alter_column("ledger_entries", "effective_date", nullable=False)
    _replace_check("ledger_entries", "movement_type_known", f"movement_type IN ({MOVEMENT_TYPES})")
    op.create_index(
        "ix_ledger_entries_sku_location_effective_date",
        "ledger_entries",
        ["sku", "location", "effective_date"],
    )
    op.create_index("ix_ledger_entries_document_id", "ledger_entries", ["document_id"])

    op.add_column("balances", sa.Column("last_effective_date", sa.Date(), nullable=True))
    op.add_column("balances", sa.Column("last_issue_date", sa.Date(), nullable=True))
    op.create_table(
        "cost_layers",
        sa.Column("layer_id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("lot", sa.Text(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("receipt_date", sa.Date(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("remaining", QUANTITY, nullable=False),
        sa.Column("unit_cost", MONEY, nullable=False),
        sa.Column("movement_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("layer_id", name="pk_cost_layers"),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= quantity",
            name="ck_cost_layers_remaining_within_quantity",
        ),
    )
    op.create_index(
        "ix_cost_layers_open",
        "cost_layers",
        ["sku", "location"],
        postgresql_where=sa.text("remaining > 0"),
    )
    op.create_index("ix_cost_layers_movement_id", "cost_layers", ["movement_id"])
    op.create_table(
        "layer_consumptions",
        sa.Column("movement_id", sa.Text(), nullable=False),
        sa.Column("layer_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.PrimaryKeyConstraint("movement_id", "layer_id", name="pk_layer_consumptions"),
    )
    op.create_index("ix_layer_consumptions_layer_id", "layer_consumptions", ["layer_id"])
    op.create_table(
        "daily_stock",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quantity_in", QUANTITY, server_default="0", nullable=False),
        sa.Column("quantity_out", QUANTITY, server_default="0", nullable=False),
        sa.Column("issued_quantity", QUANTITY, server_default="0", nullable=False),
        sa.Column("cogs", MONEY, server_default="0", nullable=False),
        sa.Column("value_delta", MONEY, server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", "day", name="pk_daily_stock"),
    )
    op.create_index("ix_daily_stock_day", "daily_stock", ["day"])
    op.create_table(
        "form_definitions",
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fields", JSONB(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("document_type", "version", name="pk_form_definitions"),
    )
    # Stock posted before layers existed: one opening layer per stock point at its average cost.
    op.execute(
        "INSERT INTO cost_layers (sku, location, receipt_date, quantity, remaining, unit_cost, "
        "movement_id) SELECT sku, location, (updated_at AT TIME ZONE 'UTC')::date, on_hand, "
        "on_hand, average_cost, coalesce(last_movement_id, 'opening') FROM balances "
        "WHERE on_hand > 0"
    )
    op.execute(
        "UPDATE balances b SET last_effective_date = e.last_day FROM (SELECT sku, location, "
        "max(effective_date) AS last_day FROM ledger_entries GROUP BY sku, location) e "
        "WHERE e.sku = b.sku AND e.location = b.location"
    )
    op.execute(
        "INSERT INTO daily_stock (sku, location, day, quantity_in, quantity_out, "
        "issued_quantity, cogs, value_delta) SELECT sku, location, effective_date, "
        "sum(greatest(quantity_delta, 0)), sum(greatest(-quantity_delta, 0)), "
        "sum(CASE WHEN movement_type = 'issue' THEN -quantity_delta ELSE 0 END), sum(cogs), "
        "sum(value) FROM ledger_entries GROUP BY sku, location, effective_date"
    )


def downgrade() -> None:
    op.drop_table("form_definitions")
    op.drop_table("daily_stock")
    op.drop_table("layer_consumptions")
    op.drop_table("cost_layers")
    op.drop_column("balances", "last_issue_date")
    op.drop_column("balances", "last_effective_date")
    raise NotImplementedError("ledger columns are not dropped: posted history stays")
