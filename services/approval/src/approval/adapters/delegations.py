"""The repository of delegations (`approval_delegations`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import Delegation


class DelegationRepository:
    """`ports.Delegations` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, delegation: Delegation) -> None:
        values = delegation.__dict__ | {"flow_ids": list(delegation.flow_ids)}
        await self._session.execute(tables.approval_delegations.insert().values(values))

    async def get(self, delegation_id: str) -> Delegation | None:
        t = tables.approval_delegations
        row = (
            await self._session.execute(select(t).where(t.c.delegation_id == delegation_id))
        ).first()
        return None if row is None else _delegation(row)

    async def save(self, delegation: Delegation) -> None:
        t = tables.approval_delegations
        await self._session.execute(
            update(t)
            .where(t.c.delegation_id == delegation.delegation_id)
            .values(cancelled_at=delegation.cancelled_at)
        )

    async def of(self, login: str) -> list[Delegation]:
        t = tables.approval_delegations
        query = (
            select(t)
            .where((t.c.delegator == login) | (t.c.delegate == login))
            .order_by(t.c.created_at.desc())
        )
        return [_delegation(row) for row in await self._session.execute(query)]

    async def to(self, delegate: str) -> list[Delegation]:
        t = tables.approval_delegations
        query = select(t).where(t.c.delegate == delegate, t.c.cancelled_at.is_(None))
        return [_delegation(row) for row in await self._session.execute(query)]

    async def from_(self, delegators: list[str]) -> list[Delegation]:
        if not delegators:
            return []
        t = tables.approval_delegations
        query = select(t).where(t.c.delegator.in_(delegators), t.c.cancelled_at.is_(None))
        return [_delegation(row) for row in await self._session.execute(query)]


def _delegation(row: Row[Any]) -> Delegation:
    values = dict(row._mapping)
    return Delegation(**values | {"flow_ids": tuple(values["flow_ids"])})
