"""The issuer's grants in PostgreSQL: authorization codes, refresh-token families, and failed
logins (the throttle holds across processes because it is stored here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import RowMapping, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.adapters.tables import authorization_codes, login_failures, refresh_tokens
from integration_gateway.domain.grants import StoredCode, StoredRefresh


class AuthorizationCodeStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, code_hash: str, code: StoredCode) -> None:
        await self._session.execute(
            insert(authorization_codes).values(code_hash=code_hash, **code.__dict__)
        )

    async def take(self, code_hash: str) -> StoredCode | None:
        """The code, locked for this transaction (None if unknown)."""
        statement = (
            select(authorization_codes)
            .where(authorization_codes.c.code_hash == code_hash)
            .with_for_update()
        )
        row = (await self._session.execute(statement)).mappings().first()
        if row is None:
            return None
        return StoredCode(**{k: v for k, v in row.items() if k not in {"code_hash", "created_at"}})

    async def mark_used(self, code_hash: str, family_id: UUID | None) -> None:
        await self._session.execute(
            update(authorization_codes)
            .where(authorization_codes.c.code_hash == code_hash)
            .values(used_at=func.now(), family_id=family_id)
        )


def _refresh(row: RowMapping) -> StoredRefresh:
    return StoredRefresh(**{k: v for k, v in row.items() if k != "issued_at"})


class RefreshTokenStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: StoredRefresh) -> None:
        await self._session.execute(insert(refresh_tokens).values(**token.__dict__))

    async def take(self, token_hash: str) -> StoredRefresh | None:
        """The token, locked for this transaction (None if unknown)."""
        statement = (
            select(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash)
            .with_for_update()
        )
        row = (await self._session.execute(statement)).mappings().first()
        return None if row is None else _refresh(row)

    async def mark_used(self, token_hash: str) -> None:
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash)
            .values(used_at=func.now())
        )

    async def revoke_family(self, family_id: UUID) -> None:
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )

    async def revoke_person(self, person_id: UUID) -> None:
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.person_id == person_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )


class LoginFailureStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def recent(self, login: str, now: datetime, within: timedelta) -> list[datetime]:
        """The login's failures since `now - within`, newest first."""
        rows = await self._session.scalars(
            select(login_failures.c.failed_at)
            .where(login_failures.c.login == login, login_failures.c.failed_at > now - within)
            .order_by(login_failures.c.failed_at.desc())
        )
        return list(rows)

    async def add(self, login: str, now: datetime) -> None:
        await self._session.execute(insert(login_failures).values(login=login, failed_at=now))

    async def clear(self, login: str) -> None:
        await self._session.execute(delete(login_failures).where(login_failures.c.login == login))
