"""Use cases of the people directory and the service accounts: load, let the domain decide,
commit. A person's changes publish `PersonChanged` through the unit of work (the person is
tracked by the repository that loaded or added it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from inventory_runtime.auth.permissions import ROLES
from inventory_runtime.auth.principal import Principal

from integration_gateway.domain.passwords import Passwords, generate_secret
from integration_gateway.domain.people import (
    ADMIN_LOGIN,
    IdentityProblems,
    Person,
    Profile,
    ServiceAccount,
    UnknownPerson,
    account_record,
    password_problem,
    person_record,
    unknown_roles,
)
from integration_gateway.ports import IdentityUoW

MAX_MANAGER_CHAIN = 100
BOOTSTRAP_ACTOR = "system:bootstrap"
PASSWORD_CHANGED = {"password": "changed"}
"""What the audit log says of a password: that it changed, never the password or its hash."""
Actor = Principal | str


async def _profile_problems(
    uow: IdentityUoW, login: str, changes: Mapping[str, Any]
) -> list[tuple[str, str]]:
    problems = [
        ("roles", f"unknown role {r!r}") for r in unknown_roles(changes.get("roles", ()), ROLES)
    ]
    manager = changes.get("manager_login")
    if manager is None:
        return problems
    if manager == login:
        return [*problems, ("manager_login", "a person cannot be their own manager")]
    if not await uow.people.exists(manager):
        return [*problems, ("manager_login", f"no person {manager!r}")]
    step: str | None = manager
    for _ in range(MAX_MANAGER_CHAIN):  # walk up from the new manager; meeting `login` is a cycle
        step = await uow.people.manager_of(step) if step else None
        if step is None:
            return problems
        if step == login:
            return [*problems, ("manager_login", f"{manager!r} reports to {login!r}: a cycle")]
    return [*problems, ("manager_login", "the management chain is too long")]


async def create_person(
    uow: IdentityUoW,
    actor: Actor,
    passwords: Passwords,
    login: str,
    profile: Profile,
    password: str | None,
    now: datetime,
) -> Person:
    """Add a person; 422 problems for a taken login, unknown roles or manager, a weak password."""
    problems = await _profile_problems(uow, login, profile.__dict__)
    if await uow.people.exists(login):
        problems.append(("login", f"{login!r} is taken"))
    if password is not None and (weak := password_problem(login, password)):
        problems.append(("password", weak))
    if problems:
        raise IdentityProblems(problems)
    hashed = passwords.hash(password) if password is not None else None
    person = Person.create(login, profile, hashed, now)
    await uow.people.add(person)
    uow.audit(actor, "create", "person", login, after=person_record(person))
    await uow.commit()
    return person


async def update_person(
    uow: IdentityUoW, actor: Actor, login: str, changes: Mapping[str, Any], now: datetime
) -> Person:
    """Change a person's profile; deactivating them revokes their refresh tokens."""
    person = await uow.people.get(login, for_update=True)
    if person is None:
        raise UnknownPerson(login)
    problems = await _profile_problems(uow, login, changes)
    if problems:
        raise IdentityProblems(problems)
    before = person_record(person)
    changed = person.update(changes, now)
    if changed:
        await uow.people.save(person)
        action = "deactivate" if before["active"] and not person.active else "update"
        uow.audit(actor, action, "person", login, before=before, after=person_record(person))
    if not person.active:
        await uow.refresh_tokens.revoke_person(person.id)
    await uow.commit()
    return person


async def set_password(
    uow: IdentityUoW, actor: Actor, passwords: Passwords, login: str, password: str, now: datetime
) -> None:
    """An administrator sets a person's password; their refresh tokens are revoked."""
    person = await uow.people.get(login, for_update=True)
    if person is None:
        raise UnknownPerson(login)
    if weak := password_problem(login, password):
        raise IdentityProblems([("password", weak)])
    person.set_password_hash(passwords.hash(password), now)
    await uow.people.save(person)
    await uow.refresh_tokens.revoke_person(person.id)
    uow.audit(actor, "reset_password", "person", login, after=PASSWORD_CHANGED)
    await uow.commit()


async def change_own_password(
    uow: IdentityUoW,
    actor: Actor,
    passwords: Passwords,
    person_id: UUID,
    old: str,
    new: str,
    now: datetime,
) -> None:
    """A person changes their password with the old one; their refresh tokens are revoked."""
    person = await uow.people.get_by_id(person_id)
    if person is None or not person.active:
        raise UnknownPerson(str(person_id))
    if not passwords.verify(person.password_hash, old):
        raise IdentityProblems([("old_password", "wrong password")])
    if weak := password_problem(person.login, new):
        raise IdentityProblems([("new_password", weak)])
    person.set_password_hash(passwords.hash(new), now)
    await uow.people.save(person)
    await uow.refresh_tokens.revoke_person(person.id)
    uow.audit(actor, "change_own_password", "person", person.login, after=PASSWORD_CHANGED)
    await uow.commit()


async def ensure_admin(
    uow: IdentityUoW, passwords: Passwords, password: str, now: datetime
) -> bool:
    """Make the person `admin` (role admin) when missing; never touches an existing one."""
    if await uow.people.exists(ADMIN_LOGIN):
        return False
    profile = Profile(display_name="Administrator", roles=("admin",), locale="en")
    person = Person.create(ADMIN_LOGIN, profile, passwords.hash(password), now)
    await uow.people.add(person)
    uow.audit(BOOTSTRAP_ACTOR, "create", "person", ADMIN_LOGIN, after=person_record(person))
    await uow.commit()
    return True


async def ensure_service_account(
    uow: IdentityUoW,
    passwords: Passwords,
    account: ServiceAccount,
    secret: str,
) -> str | None:
    """Startup: make `account` with `secret` when missing, or give the existing one `secret`
    when it has another (its roles and active flag stay); what was done, or None."""
    stored = await uow.service_accounts.get(account.client_id)
    if stored is not None and passwords.verify(stored.secret_hash, secret):
        return None
    if stored is None:
        made = await uow.service_accounts.add(replace(account, secret_hash=passwords.hash(secret)))
        record = account_record(made)
        uow.audit(BOOTSTRAP_ACTOR, "create", "service_account", made.client_id, after=record)
        done = "create"
    else:
        await uow.service_accounts.save(replace(stored, secret_hash=passwords.hash(secret)))
        record = account_record(stored)  # that the secret changed, never it nor its hash
        before, after = {**record, "secret": "old"}, {**record, "secret": "changed"}
        uow.audit(BOOTSTRAP_ACTOR, "rotate_secret", "service_account", stored.client_id,
                  before=before, after=after)  # fmt: skip
        done = "rotate_secret"
    await uow.commit()
    return done


async def create_service_account(
    uow: IdentityUoW,
    actor: Actor,
    passwords: Passwords,
    client_id: str,
    name: str,
    roles: tuple[str, ...],
) -> tuple[ServiceAccount, str]:
    """A new service account and its secret (returned once, stored hashed)."""
    problems = [("roles", f"unknown role {r!r}") for r in unknown_roles(roles, ROLES)]
    if await uow.service_accounts.get(client_id) is not None:
        problems.append(("client_id", f"{client_id!r} is taken"))
    if problems:
        raise IdentityProblems(problems)
    secret = generate_secret()
    account = ServiceAccount(client_id, name, passwords.hash(secret), roles)
    stored = await uow.service_accounts.add(account)
    uow.audit(actor, "create", "service_account", client_id, after=account_record(stored))
    await uow.commit()
    return stored, secret


async def update_service_account(
    uow: IdentityUoW,
    actor: Actor,
    client_id: str,
    changes: Mapping[str, Any],
    passwords: Passwords | None,
) -> tuple[ServiceAccount, str | None]:
    """Change name, roles or active flag; with `passwords`, also a new secret (returned)."""
    account = await uow.service_accounts.get(client_id)
    if account is None:
        raise UnknownPerson(client_id)
    if problems := [
        ("roles", f"unknown role {r!r}") for r in unknown_roles(changes.get("roles", ()), ROLES)
    ]:
        raise IdentityProblems(problems)
    secret = generate_secret() if passwords is not None else None
    updates = {
        **changes,
        **({"secret_hash": passwords.hash(secret)} if passwords and secret else {}),
    }
    if "roles" in updates:
        updates["roles"] = tuple(updates["roles"])
    before, account = account_record(account), replace(account, **updates)
    await uow.service_accounts.save(account)
    after = account_record(account)
    if secret is not None:  # that it changed, never the secret nor its hash
        before, after = {**before, "secret": "old"}, {**after, "secret": "changed"}
    if before != after:
        action = _account_action(before, after, rotated=secret is not None)
        uow.audit(actor, action, "service_account", client_id, before=before, after=after)
    await uow.commit()
    return account, secret


def _account_action(before: Mapping[str, Any], after: Mapping[str, Any], *, rotated: bool) -> str:
    if rotated:
        return "rotate_secret"
    return "deactivate" if before["active"] and not after["active"] else "update"
