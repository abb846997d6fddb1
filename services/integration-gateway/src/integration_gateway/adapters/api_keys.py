"""API clients as the administrator manages them (`api_clients`): list, add, rotate, revoke,
and the last-used time written by authentication."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway.adapters.tables import api_clients
from integration_gateway.domain import new_id
from integration_gateway.domain.api_key_admin import ApiKeyInfo

TOKEN_CALLERS = "oidc:%"
"""Rows standing for token callers (no key): not API keys, never listed."""


class ApiKeyRepository:
    """API clients and their keys (only hashes are stored)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self) -> list[ApiKeyInfo]:
        query = (
            select(api_clients)
            .where(api_clients.c.id.not_like(TOKEN_CALLERS))
            .order_by(api_clients.c.name)
        )
        return [_info(row) for row in (await self._session.execute(query)).all()]

    async def get(self, name: str, *, for_update: bool = False) -> ApiKeyInfo | None:
        query = select(api_clients).where(
            api_clients.c.name == name, api_clients.c.id.not_like(TOKEN_CALLERS)
        )
        row = await self._session.execute(query.with_for_update() if for_update else query)
        found = row.one_or_none()
        return None if found is None else _info(found)

    async def add(
        self,
        name: str,
        key_hash: str,
        hint: str,
        scopes: Sequence[str],
        rate_per_second: float | None,
        burst: int | None,
    ) -> ApiKeyInfo | None:
        """A new client; None when the name is taken."""
        values = {
            "id": new_id("cli"), "name": name, "key_hash": key_hash, "key_hint": hint,
            "scopes": list(scopes), "rate_per_second": rate_per_second, "burst": burst,
        }  # fmt: skip
        statement = insert(api_clients).values(values).on_conflict_do_nothing()
        row = (await self._session.execute(statement.returning(api_clients))).one_or_none()
        return None if row is None else _info(row)

    async def rotate(self, name: str, key_hash: str, hint: str, overlap: timedelta) -> None:
        """Make `key_hash` the key; the current one keeps working for `overlap`."""
        await self._session.execute(
            update(api_clients)
            .where(api_clients.c.name == name)
            .values(
                previous_key_hash=api_clients.c.key_hash,
                previous_key_expires_at=func.now() + overlap,
                key_hash=key_hash,
                key_hint=hint,
            )
        )

    async def revoke(self, name: str) -> None:
        """Both keys stop working at once."""
        await self._session.execute(
            update(api_clients)
            .where(api_clients.c.name == name)
            .values(active=False, previous_key_hash=None, previous_key_expires_at=None)
        )


async def touch_last_used(
    session_factory: async_sessionmaker[AsyncSession], client_id: str
) -> None:
    """Record that the client's key was just used (in a short transaction of its own)."""
    async with session_factory() as session:
        await session.execute(
            update(api_clients).where(api_clients.c.id == client_id).values(last_used_at=func.now())
        )
        await session.commit()


def _info(row: Any) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,
        name=row.name,
        scopes=tuple(row.scopes),
        active=row.active,
        created_at=row.created_at,
        key_hint=row.key_hint,
        last_used_at=row.last_used_at,
        previous_key_valid_until=row.previous_key_expires_at,
        rate_per_second=row.rate_per_second,
        burst=row.burst,
    )
