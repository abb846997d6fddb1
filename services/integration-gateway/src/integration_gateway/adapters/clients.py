"""The inbound side's tables: API clients (found by the hash of their key) and the first
responses to requests made with an ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway.adapters.tables import api_clients, idempotency_keys
from integration_gateway.domain import ApiClient, StoredResponse, hash_api_key, new_id


async def client_with_key(
    session_factory: async_sessionmaker[AsyncSession], key: str
) -> ApiClient | None:
    """The API client holding `key` (active or not), in a short session of its own."""
    async with session_factory() as session:
        return await ClientRepository(session).by_key_hash(hash_api_key(key))


class ClientRepository:
    """API clients, found by the hash of their key."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_key_hash(self, key_hash: str) -> ApiClient | None:
        """The client whose current key, or rotated-out key still in its overlap window, has
        this hash."""
        previous = and_(
            api_clients.c.previous_key_hash == key_hash,
            api_clients.c.previous_key_expires_at > func.now(),
        )
        query = select(api_clients).where(or_(api_clients.c.key_hash == key_hash, previous))
        return await self._one(query.limit(1))

    async def by_name(self, name: str) -> ApiClient | None:
        """The client called `name` (active or not), or None."""
        return await self._one(select(api_clients).where(api_clients.c.name == name))

    async def _one(self, query: Any) -> ApiClient | None:
        row = (await self._session.execute(query)).one_or_none()
        if row is None:
            return None
        return ApiClient(
            row.id, row.name, tuple(row.scopes), row.active, row.rate_per_second, row.burst
        )

    async def ensure(
        self,
        name: str,
        key_hash: str,
        scopes: Sequence[str],
        *,
        rate_per_second: float | None = None,
        burst: int | None = None,
    ) -> str:
        """Create client `name` with this key, or give the existing one this key; return its id.

        `rate_per_second` and `burst`, when given, become the client's own rate limit; when
        not, an existing client keeps the limit it had (a new one takes the defaults).
        """
        limits = {
            column: value
            for column, value in (("rate_per_second", rate_per_second), ("burst", burst))
            if value is not None
        }
        statement = (
            insert(api_clients)
            .values(id=new_id("cli"), name=name, key_hash=key_hash, scopes=list(scopes), **limits)
            .on_conflict_do_update(
                index_elements=[api_clients.c.name],
                set_={"key_hash": key_hash, "scopes": list(scopes), "active": True, **limits},
            )
            .returning(api_clients.c.id)
        )
        client_id: str = (await self._session.execute(statement)).scalar_one()
        return client_id

    async def deactivate(self, name: str) -> None:
        """Revoke client `name` (its key stops working at once)."""
        await self._session.execute(
            update(api_clients).where(api_clients.c.name == name).values(active=False)
        )


class IdempotencyRepository:
    """First responses to requests made with an ``Idempotency-Key``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_first(
        self,
        client_id: str,
        key: str,
        *,
        method: str,
        path: str,
        response: StoredResponse,
    ) -> StoredResponse | None:
        """Store `response` unless `key` was used before; then return what was stored.

        A concurrent request with the same key waits on the primary key until the first one
        commits (or rolls back), so exactly one of them wins.
        """
        inserted = await self._session.scalar(
            insert(idempotency_keys)
            .values(
                client_id=client_id,
                key=key,
                request_hash=response.request_hash,
                method=method,
                path=path,
                status_code=response.status_code,
                response_body=response.body,
            )
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        )
        if inserted is not None:
            return None
        row = (
            await self._session.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.client_id == client_id, idempotency_keys.c.key == key
                )
            )
        ).one()
        return StoredResponse(row.request_hash, row.status_code, dict(row.response_body))


async def client_for_principal(
    session_factory: async_sessionmaker[AsyncSession], subject: str, login: str
) -> ApiClient:
    """The API client row standing for a token's caller (a service account or a person), made
    on first use so idempotency keys and rate limits work per caller as for keys. Its
    ``key_hash`` is no SHA-256 hex, so no API key can ever match it."""
    client_id = f"oidc:{subject}"
    statement = (
        insert(api_clients)
        .values(id=client_id, name=client_id, key_hash=client_id, scopes=[])
        .on_conflict_do_nothing()
    )
    async with session_factory() as session:
        await session.execute(statement)
        await session.commit()
        row = (
            await session.execute(select(api_clients).where(api_clients.c.id == client_id))
        ).one()
    return ApiClient(row.id, login, (), row.active, row.rate_per_second, row.burst)
