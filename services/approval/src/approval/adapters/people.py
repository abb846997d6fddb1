"""The people directory as approval keeps it (`PersonChanged`): who manages whom, and how to
reach them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.domain import Person

CONTACT_FIELDS = (
    "email",
    "locale",
    "dingtalk_user_id",
    "wecom_user_id",
    "feishu_user_id",
    "slack_user_id",
)
"""Where and in which language a person is notified (revision 0010)."""


class PeopleRepository:
    """`ports.People` on PostgreSQL."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def apply(self, person: Person) -> None:
        """Upsert `person`, unless the row already holds a later change."""
        t = tables.people
        values = {
            "login": person.login,
            "manager_login": person.manager_login,
            "department": person.department,
            "active": person.active,
            "changed_at": person.changed_at,
            **{name: getattr(person, name) for name in CONTACT_FIELDS},
        }
        await self._session.execute(
            insert(t)
            .values(values)
            .on_conflict_do_update(
                index_elements=["login"],
                set_=values,
                where=t.c.changed_at <= person.changed_at,
            )
        )

    async def managers_of(self, logins: list[str]) -> list[str]:
        """The managers of the active `logins`; a manager the directory marks inactive is left
        out (one it does not know is kept)."""
        people, boss = tables.people, tables.people.alias("boss")
        query = (
            select(people.c.manager_login)
            .outerjoin(boss, boss.c.login == people.c.manager_login)
            .where(
                people.c.login.in_(logins),
                people.c.active.is_(True),
                people.c.manager_login.is_not(None),
                boss.c.active.is_not(False),
            )
        )
        return sorted({m for m in await self._session.scalars(query) if m is not None})

    async def chain_of(self, login: str, levels: int) -> list[str]:
        """The managers of `login` from the nearest up, at most `levels` of them; the chain
        stops at an inactive or unknown person (or one without a manager)."""
        chain: list[str] = []
        current = login
        t = tables.people
        for _ in range(levels):
            manager = await self._session.scalar(
                select(t.c.manager_login).where(t.c.login == current, t.c.active.is_(True))
            )
            if manager is None or manager in chain or manager == login:
                break
            chain.append(manager)
            current = manager
        return chain
