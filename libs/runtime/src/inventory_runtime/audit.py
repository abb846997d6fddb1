"""The audit log: who changed what, when, with the record before and after, append-only.

Every service keeps its own ``audit_log`` table (a migration calls `create_audit_log`), written
in the same transaction as the change it records::

    uow.audit(actor, "update", "policy", policy_id, before=old.model_dump(), after=new...)
    await uow.commit()

A database trigger refuses UPDATE, DELETE and TRUNCATE on the table, so no API (nor a bug)
can rewrite history; only its owner role could drop the trigger, which is itself a schema
change that deployments review. Auditors read it at ``GET /v1/audit`` (`audit_router`),
which every service app has (permission ``audit:read``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
from fastapi import Query, Request
from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.context import current_correlation_id

if TYPE_CHECKING:
    from alembic.operations import Operations

AUDIT_TABLE = "audit_log"
MAX_PAGE = 500
metadata = sa.MetaData()
audit_table = sa.Table(
    AUDIT_TABLE,
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("actor_kind", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("entity_type", sa.Text, nullable=False),
    sa.Column("entity_id", sa.Text, nullable=False),
    sa.Column("before", JSONB, nullable=True),
    sa.Column("after", JSONB, nullable=True),
    sa.Column("correlation_id", sa.Text, nullable=True),
)

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$
"""


def create_audit_log(op: Operations) -> None:
    """Migration step: the table, its indexes and the trigger that refuses changes."""
    # Version 1 spelled out (not derived from `audit_table`), so this migration keeps meaning
    # what it meant; a test compares the two.
    op.create_table(
        AUDIT_TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity_type", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before", JSONB(), nullable=True),
        sa.Column("after", JSONB(), nullable=True),
        sa.Column("correlation_id", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_entity", AUDIT_TABLE, ["entity_type", "entity_id", "id"])
    op.create_index("ix_audit_log_actor", AUDIT_TABLE, ["actor", "id"])
    op.execute(_APPEND_ONLY)
    op.execute(
        f"CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def drop_audit_log(op: Operations) -> None:
    """Migration step undoing `create_audit_log`."""
    op.drop_table(AUDIT_TABLE)
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")


def _jsonable(value: Mapping[str, Any] | None) -> Any:
    return None if value is None else to_jsonable_python(value, fallback=str)


class AuditQueue:
    """Entries of one unit of work, written by its commit (dropped by a rollback)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(
        self,
        actor: Principal | str,
        action: str,
        entity_type: str,
        entity_id: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue an entry; `actor` is the acting principal, or e.g. ``"system:replenishment"``."""
        kind = actor.kind if isinstance(actor, Principal) else "system"
        self.entries.append(
            {
                "actor": actor.id if isinstance(actor, Principal) else actor,
                "actor_kind": kind,
                "action": action,
                "entity_type": entity_type,
                "entity_id": str(entity_id),
                "before": _jsonable(before),
                "after": _jsonable(after),
                "correlation_id": current_correlation_id(),
            }
        )

    async def flush(self, session: AsyncSession) -> None:
        if self.entries:
            await session.execute(sa.insert(audit_table), self.entries)
            self.entries = []


class AuditEntry(BaseModel):
    """One recorded change or decision."""

    id: int
    at: datetime
    actor: str
    actor_kind: str
    action: str
    entity_type: str
    entity_id: str
    before: Any | None
    after: Any | None
    correlation_id: str | None


class AuditPage(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "entries": [
                        {
                            "id": 4312,
                            "at": "2026-03-02T08:15:00Z",
                            "actor": "admin",
                            "actor_kind": "person",
                            "action": "create",
                            "entity_type": "api_client",
                            "entity_id": "erp-sap",
                            "before": None,
                            "after": {"name": "erp-sap", "scopes": ["orders:write"]},
                            "correlation_id": "5f0c1a2e9b7d4e21",
                        }
                    ],
                    "next_after_id": 4312,
                }
            ]
        }
    }
    entries: list[AuditEntry]
    next_after_id: int | None
    """Pass as ``after_id`` for the next (older) page; None at the end."""


def audit_router() -> Any:
    """``GET /v1/audit``: the service's audit log, newest first, filtered and paged."""
    router = secured_router(prefix="/v1/audit", tags=["audit"])

    @router.get("", response_model=AuditPage, dependencies=[require("audit:read")])
    async def read_audit_log(
        request: Request,
        entity_type: str | None = None,
        entity_id: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_id: Annotated[int | None, Query(ge=1)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    ) -> AuditPage:
        """Entries newest first; `after_id` continues from the previous page's last id."""
        columns = audit_table.c
        query = sa.select(audit_table).order_by(columns.id.desc()).limit(limit + 1)
        for column, value in (
            (columns.entity_type, entity_type),
            (columns.entity_id, entity_id),
            (columns.actor, actor),
        ):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(columns.at >= since)
        if until is not None:
            query = query.where(columns.at < until)
        if after_id is not None:
            query = query.where(columns.id < after_id)
        async with request.app.state.runtime.session_factory() as session:
            rows = (await session.execute(query)).mappings().all()
        entries = [AuditEntry.model_validate(dict(row)) for row in rows[:limit]]
        more = len(rows) > limit
        return AuditPage(entries=entries, next_after_id=entries[-1].id if more else None)

    return router
