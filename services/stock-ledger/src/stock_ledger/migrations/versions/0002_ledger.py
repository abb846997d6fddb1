"""Master data, documents and lines, the append-only ledger, balances.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(38, 12)
MONEY = sa.Numeric(38, 12)
DOCUMENT_TYPES = "'receipt', 'issue', 'transfer', 'stock_count', 'adjustment'"
MOVEMENT_TYPES = (
    "'receipt', 'issue', 'transfer_in', 'transfer_out', 'count_adjustment', 'adjustment', "
    "'reversal'"
)

# Posted history is never rewritten: a correction is a new (reversal) entry.
REFUSE_CHANGE = """
CREATE FUNCTION refuse_change_of_posted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'documents' THEN
        IF OLD.status <> 'posted' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% rows are immutable once posted (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$
"""
TRIGGERS = {
    "ledger_entries_immutable": "ledger_entries",
    "document_lines_immutable": "document_lines",
    "documents_immutable_once_posted": "documents",
}


def _updated_at() -> sa.Column:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit_of_measure", sa.Text(), nullable=False),
        sa.Column("unit_cost", MONEY, nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("valuation_method", sa.Text(), nullable=False),
        sa.Column("lot_tracked", sa.Boolean(), nullable=False),
        sa.Column("expiry_managed", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _updated_at(),
        sa.PrimaryKeyConstraint("sku", name="pk_items"),
    )
    op.create_table(
        "locations",
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("allow_negative_stock", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _updated_at(),
        sa.PrimaryKeyConstraint("location", name="pk_locations"),
    )
    op.create_table(
        "documents",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="posted", nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("purchase_order_id", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("document_id", name="pk_documents"),
        sa.UniqueConstraint("idempotency_key", name="uq_documents_idempotency_key"),
        sa.CheckConstraint(
            f"document_type IN ({DOCUMENT_TYPES})", name="ck_documents_document_type_known"
        ),
        sa.CheckConstraint("status IN ('draft', 'posted')", name="ck_documents_status_known"),
    )
    op.create_index("ix_documents_order_id", "documents", ["order_id"])
    op.create_index("ix_documents_purchase_order_id", "documents", ["purchase_order_id"])
    op.create_table(
        "document_lines",
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_cost", MONEY, nullable=True),
        sa.Column("lot", sa.Text(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("document_id", "line_no", name="pk_document_lines"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.document_id"],
            name="fk_document_lines_document_id_documents",
        ),
        sa.CheckConstraint("quantity > 0", name="ck_document_lines_quantity_positive"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("movement_id", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("movement_type", sa.Text(), nullable=False),
        sa.Column("quantity_delta", QUANTITY, nullable=False),
        sa.Column("unit_cost", MONEY, nullable=False),
        sa.Column("value", MONEY, nullable=False),
        sa.Column("on_hand_after", QUANTITY, nullable=False),
        sa.Column("value_after", MONEY, nullable=False),
        sa.Column("average_cost_after", MONEY, nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("purchase_order_id", sa.Text(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("movement_id", name="pk_ledger_entries"),
        sa.UniqueConstraint("seq", name="uq_ledger_entries_seq"),
        sa.ForeignKeyConstraint(
            ["document_id", "line_no"],
            ["document_lines.document_id", "document_lines.line_no"],
            name="fk_ledger_entries_document_id_document_lines",
        ),
        sa.CheckConstraint(
            f"movement_type IN ({MOVEMENT_TYPES})", name="ck_ledger_entries_movement_type_known"
        ),
    )
    op.create_index(
        "ix_ledger_entries_sku_location_seq", "ledger_entries", ["sku", "location", "seq"]
    )
    op.create_table(
        "balances",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("on_hand", QUANTITY, server_default="0", nullable=False),
        sa.Column("value", MONEY, server_default="0", nullable=False),
        sa.Column("average_cost", MONEY, server_default="0", nullable=False),
        sa.Column("last_movement_id", sa.Text(), nullable=True),
        _updated_at(),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_balances"),
    )
    op.execute(REFUSE_CHANGE)
    for trigger, table in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change_of_posted()"
        )


def downgrade() -> None:
    for trigger, table in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    op.execute("DROP FUNCTION refuse_change_of_posted()")
    op.drop_table("balances")
    op.drop_index("ix_ledger_entries_sku_location_seq", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("document_lines")
    op.drop_index("ix_documents_purchase_order_id", table_name="documents")
    op.drop_index("ix_documents_order_id", table_name="documents")
    op.drop_table("documents")
    op.drop_table("locations")
    op.drop_table("items")
