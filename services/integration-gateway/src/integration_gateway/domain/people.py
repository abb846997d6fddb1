"""The people directory: a person's profile, the rules it keeps, and the event a change records.

Roles are checked against the platform's table by the handlers (the table lives in the
runtime, which the domain does not import); the domain only knows a role is a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, Literal, get_args
from uuid import UUID, uuid4

from inventory_contracts.events.base import Event
from inventory_contracts.events.identity import PersonChanged

Locale = Literal["zh-CN", "en"]
LOCALES: tuple[Locale, ...] = get_args(Locale)
LOGIN_PATTERN = re.compile(r"^[a-z0-9._-]{2,64}$")
MIN_PASSWORD_LENGTH = 12
ADMIN_LOGIN = "admin"


class IdentityProblems(Exception):
    """A request the directory refuses, naming each field: ``[(field, problem), ...]``."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in self.problems))


class UnknownPerson(LookupError):
    """No person with that login."""


def valid_login(login: str) -> bool:
    """Lower-case letters, digits, dot, underscore and dash; 2 to 64 characters."""
    return bool(LOGIN_PATTERN.fullmatch(login))


def password_problem(login: str, password: str) -> str | None:
    """Why `password` is too weak for `login`, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip().lower() == login.lower():
        return "must not be the login"
    return None


def unknown_roles(roles: Iterable[str], known: Iterable[str]) -> list[str]:
    """The names in `roles` that are not in the platform's role table."""
    table = set(known)
    return [role for role in roles if role not in table]


@dataclass(frozen=True)
class Profile:
    """What the directory says about a person, besides login and password."""

    display_name: str
    department: str | None = None
    manager_login: str | None = None
    roles: tuple[str, ...] = ()
    email: str | None = None
    locale: Locale = "zh-CN"
    dingtalk_user_id: str | None = None
    wecom_user_id: str | None = None
    feishu_user_id: str | None = None
    slack_user_id: str | None = None
    active: bool = True


PROFILE_FIELDS = tuple(f.name for f in fields(Profile))


@dataclass(eq=False)
class Person:
    """A person who may sign in; the aggregate of the directory."""

    id: UUID
    login: str
    profile: Profile
    password_hash: str | None
    created_at: datetime
    updated_at: datetime
    events: list[Event] = field(default_factory=list)

    @classmethod
    def create(
        cls, login: str, profile: Profile, password_hash: str | None, now: datetime
    ) -> Person:
        """A new person; records `PersonChanged` (created)."""
        if not valid_login(login):
            raise IdentityProblems([("login", "2-64 of a-z 0-9 . _ -")])
        person = cls(uuid4(), login, profile, password_hash, now, now)
        person._record("created", (), now)
        return person

    def update(self, changes: Mapping[str, Any], now: datetime) -> tuple[str, ...]:
        """Apply profile `changes`; records `PersonChanged` when something did change.
        Returns the names of the fields that changed."""
        unknown = set(changes) - set(PROFILE_FIELDS)
        if unknown:
            raise IdentityProblems((name, "not a profile field") for name in sorted(unknown))
        if "roles" in changes:
            changes = {**changes, "roles": tuple(changes["roles"])}
        changed = tuple(
            name for name in PROFILE_FIELDS if name in changes and changes[name] != self._get(name)
        )
        if changed:
            self.profile = replace(self.profile, **{name: changes[name] for name in changed})
            self.updated_at = now
            self._record("updated", changed, now)
        return changed

    def set_password_hash(self, password_hash: str, now: datetime) -> None:
        """A new password (no event: the password is nobody else's business)."""
        self.password_hash = password_hash
        self.updated_at = now

    @property
    def active(self) -> bool:
        return self.profile.active

    def _get(self, name: str) -> Any:
        return getattr(self.profile, name)

    def _record(
        self, change: Literal["created", "updated"], changed: tuple[str, ...], now: datetime
    ) -> None:
        self.events.append(
            PersonChanged(
                person_id=str(self.id),
                login=self.login,
                change=change,
                changed_fields=changed,
                changed_at=now,
                **{name: self._get(name) for name in PROFILE_FIELDS},
            )
        )


@dataclass(frozen=True)
class ServiceAccount:
    """A machine caller: signs in with client credentials, holds roles like a person."""

    client_id: str
    name: str
    secret_hash: str
    roles: tuple[str, ...]
    active: bool = True
    created_at: datetime | None = None


def person_record(person: Person) -> dict[str, Any]:
    """A person as the audit log records them: id, login and profile, never the password."""
    profile = {name: getattr(person.profile, name) for name in PROFILE_FIELDS}
    profile["roles"] = list(person.profile.roles)
    return {"id": str(person.id), "login": person.login, **profile}


def account_record(account: ServiceAccount) -> dict[str, Any]:
    """A service account as the audit log records it, never its secret (nor its hash)."""
    return {
        "client_id": account.client_id,
        "name": account.name,
        "roles": list(account.roles),
        "active": account.active,
    }
