"""The people directory and the service accounts in PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.adapters.tables import people, service_accounts
from integration_gateway.domain.people import PROFILE_FIELDS, Person, Profile, ServiceAccount

Track = Callable[[Person], None]


def _person(row: RowMapping) -> Person:
    profile = {name: row[name] for name in PROFILE_FIELDS}
    profile["roles"] = tuple(profile["roles"])
    return Person(
        id=row["id"],
        login=row["login"],
        profile=Profile(**profile),
        password_hash=row["password_hash"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _values(person: Person) -> dict[str, Any]:
    values = {name: getattr(person.profile, name) for name in PROFILE_FIELDS}
    values["roles"] = list(person.profile.roles)
    return {
        **values,
        "login": person.login,
        "password_hash": person.password_hash,
        "updated_at": person.updated_at,
    }


class PeopleRepository:
    """People by login or id; what it loads or adds is tracked, so their events are published."""

    def __init__(self, session: AsyncSession, track: Track) -> None:
        self._session = session
        self._track = track

    async def get(self, login: str, *, for_update: bool = False) -> Person | None:
        statement = select(people).where(people.c.login == login)
        return await self._one(statement.with_for_update() if for_update else statement)

    async def get_by_id(self, person_id: UUID) -> Person | None:
        return await self._one(select(people).where(people.c.id == person_id))

    async def _one(self, statement: Any) -> Person | None:
        row = (await self._session.execute(statement)).mappings().first()
        if row is None:
            return None
        person = _person(row)
        self._track(person)
        return person

    async def list(self, *, include_inactive: bool = False) -> list[Person]:
        statement = select(people).order_by(people.c.login)
        if not include_inactive:
            statement = statement.where(people.c.active)
        rows = (await self._session.execute(statement)).mappings()
        return [_person(row) for row in rows]

    async def add(self, person: Person) -> None:
        values = {**_values(person), "id": person.id, "created_at": person.created_at}
        await self._session.execute(insert(people).values(**values))
        self._track(person)

    async def save(self, person: Person) -> None:
        await self._session.execute(
            update(people).where(people.c.id == person.id).values(**_values(person))
        )

    async def exists(self, login: str) -> bool:
        found = await self._session.scalar(select(people.c.id).where(people.c.login == login))
        return found is not None

    async def manager_of(self, login: str) -> str | None:
        manager: str | None = await self._session.scalar(
            select(people.c.manager_login).where(people.c.login == login)
        )
        return manager


def _account(row: RowMapping) -> ServiceAccount:
    return ServiceAccount(
        client_id=row["client_id"],
        name=row["name"],
        secret_hash=row["secret_hash"],
        roles=tuple(row["roles"]),
        active=row["active"],
        created_at=row["created_at"],
    )


class ServiceAccountRepository:
    """Service accounts by client id."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, client_id: str) -> ServiceAccount | None:
        statement = select(service_accounts).where(service_accounts.c.client_id == client_id)
        row = (await self._session.execute(statement)).mappings().first()
        return None if row is None else _account(row)

    async def list(self) -> list[ServiceAccount]:
        statement = select(service_accounts).order_by(service_accounts.c.client_id)
        return [_account(row) for row in (await self._session.execute(statement)).mappings()]

    async def add(self, account: ServiceAccount) -> ServiceAccount:
        values = {
            "client_id": account.client_id,
            "name": account.name,
            "secret_hash": account.secret_hash,
            "roles": list(account.roles),
            "active": account.active,
        }
        statement = insert(service_accounts).values(**values).returning(service_accounts)
        return _account((await self._session.execute(statement)).mappings().one())

    async def save(self, account: ServiceAccount) -> None:
        await self._session.execute(
            update(service_accounts)
            .where(service_accounts.c.client_id == account.client_id)
            .values(
                name=account.name,
                secret_hash=account.secret_hash,
                roles=list(account.roles),
                active=account.active,
                updated_at=func.now(),
            )
        )
