"""Identity: people, service accounts, signing keys, authorization codes, refresh tokens and
failed logins (the people directory and the built-in OIDC issuer). No people are made here.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _roles() -> sa.Column:
    return sa.Column("roles", ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False)


def _active() -> sa.Column:
    return sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False)


def _people() -> None:
    op.create_table(
        "people",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        _text("login"),
        _text("display_name"),
        _text("department", True),
        _text("manager_login", True),
        _roles(),
        _text("email", True),
        sa.Column("locale", sa.Text(), server_default=sa.text("'zh-CN'"), nullable=False),
        *(_text(f"{im}_user_id", True) for im in ("dingtalk", "wecom", "feishu", "slack")),
        _active(),
        _text("password_hash", True),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("login", name="uq_people_login"),
        sa.ForeignKeyConstraint(
            ["manager_login"],
            ["people.login"],
            name="fk_people_manager_login_people",
            onupdate="CASCADE",
        ),
        sa.CheckConstraint("login ~ '^[a-z0-9._-]{2,64}$'", name="ck_people_login_format"),
        sa.CheckConstraint("locale IN ('zh-CN', 'en')", name="ck_people_locale_known"),
        sa.CheckConstraint(
            "manager_login IS DISTINCT FROM login", name="ck_people_not_own_manager"
        ),
    )


def _issuer() -> None:
    op.create_table(
        "service_accounts",
        _text("client_id"),
        _text("name"),
        _text("secret_hash"),
        _roles(),
        _active(),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("client_id", name="pk_service_accounts"),
        sa.CheckConstraint(
            "client_id ~ '^[a-z0-9._-]{2,64}$'", name="ck_service_accounts_client_id_format"
        ),
    )
    op.create_table(
        "signing_keys",
        _text("kid"),
        _text("private_jwk"),
        sa.Column("public_jwk", JSONB(), nullable=False),
        _now("created_at"),
        _at("retired_at"),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
    )
    op.create_table(
        "authorization_codes",
        _text("code_hash"),
        _text("client_id"),
        _text("redirect_uri"),
        sa.Column("person_id", UUID(as_uuid=True), nullable=False),
        _text("code_challenge"),
        _text("scope"),
        _text("nonce", True),
        _at("expires_at", False),
        _at("used_at"),
        sa.Column("family_id", UUID(as_uuid=True), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("code_hash", name="pk_authorization_codes"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_authorization_codes_person_id_people"
        ),
    )


def _grants() -> None:
    op.create_table(
        "refresh_tokens",
        _text("token_hash"),
        sa.Column("family_id", UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", UUID(as_uuid=True), nullable=False),
        _text("client_id"),
        _text("scope"),
        _now("issued_at"),
        _at("expires_at", False),
        _at("family_expires_at", False),
        _at("used_at"),
        _at("revoked_at"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_refresh_tokens"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_refresh_tokens_person_id_people"
        ),
    )
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])
    op.create_index("ix_refresh_tokens_person_id", "refresh_tokens", ["person_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        _text("login"),
        _now("failed_at"),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_login", "login_failures", ["login", "failed_at"])


def upgrade() -> None:
    _people()
    _issuer()
    _grants()


def downgrade() -> None:
    for table in (
        "login_failures",
        "refresh_tokens",
        "authorization_codes",
        "signing_keys",
        "service_accounts",
        "people",
    ):
        op.drop_table(table)
