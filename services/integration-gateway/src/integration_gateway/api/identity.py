"""The identity admin API: people, service accounts and the role table (JSON, `/v1`).

Reading needs ``identity:read``, changing ``identity:admin``; `/v1/me` any signed-in caller.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from inventory_runtime.auth.permissions import (
    PERMISSION_MEANINGS,
    PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    roles_granting,
)
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, field_problems

from integration_gateway.api import Uow
from integration_gateway.api.access import Caller, authenticated, require
from integration_gateway.api.identity_schemas import (
    OwnPasswordBody,
    PasswordBody,
    PersonBody,
    PersonPatch,
    PersonView,
    ServiceAccountView,
)
from integration_gateway.api.issuer_support import passwords_of
from integration_gateway.domain.people import (
    IdentityProblems,
    Person,
    Profile,
    ServiceAccount,
    UnknownPerson,
)
from integration_gateway.handlers import people as handlers

Reader = Annotated[Caller, require("identity:read")]
Admin = Annotated[Caller, require("identity:admin")]
router = APIRouter(prefix="/v1", tags=["identity"])
NOT_NULL = ("display_name", "roles", "locale", "active")


def person_view(person: Person) -> PersonView:
    profile = {**person.profile.__dict__, "roles": list(person.profile.roles)}
    return PersonView(
        id=person.id, login=person.login, **profile,
        created_at=person.created_at, updated_at=person.updated_at,
    )  # fmt: skip


def account_view(account: ServiceAccount) -> ServiceAccountView:
    return ServiceAccountView(
        client_id=account.client_id, name=account.name, roles=list(account.roles),
        active=account.active, created_at=account.created_at,
    )  # fmt: skip


def _refused(exc: IdentityProblems) -> ApiError:
    return ApiError(422, "validation_error", field_problems(exc.problems))


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"no {what}")


@router.get("/roles")
async def roles(caller: Reader) -> dict[str, Any]:
    """The platform's roles and what each permission means (`inventory_runtime.auth`)."""
    return {
        "roles": [{"name": r, "permissions": sorted(ROLE_PERMISSIONS[r])} for r in ROLES],
        "permissions": [
            {"name": p, "meaning": PERMISSION_MEANINGS[p], "roles": list(roles_granting(p))}
            for p in PERMISSIONS
        ],
    }


@router.post("/people", status_code=201, response_model=PersonView)
async def create_person(body: PersonBody, uow: Uow, caller: Admin, request: Request) -> PersonView:
    """Add a person (422 for a taken login, unknown role or manager, a weak password)."""
    fields = body.model_dump(exclude={"login", "password"})
    profile = Profile(**{**fields, "roles": tuple(fields["roles"])})
    async with uow:
        try:
            person = await handlers.create_person(
                uow, passwords_of(request), body.login, profile, body.password, utc_now()
            )
        except IdentityProblems as exc:
            raise _refused(exc) from None
    return person_view(person)


@router.get("/people", response_model=list[PersonView])
async def list_people(uow: Uow, caller: Reader, include_inactive: bool = False) -> list[PersonView]:
    async with uow:
        found = await uow.people.list(include_inactive=include_inactive)
    return [person_view(p) for p in found]


@router.get("/people/{login}", response_model=PersonView)
async def get_person(login: str, uow: Uow, caller: Reader) -> PersonView:
    async with uow:
        person = await uow.people.get(login)
    if person is None:
        raise _not_found(f"person {login!r}")
    return person_view(person)


async def _update(uow: Uow, login: str, changes: dict[str, Any]) -> PersonView:
    nulls = [
        (name, "cannot be null") for name in NOT_NULL if name in changes and changes[name] is None
    ]
    if nulls:
        raise _refused(IdentityProblems(nulls))
    async with uow:
        try:
            person = await handlers.update_person(uow, login, changes, utc_now())
        except UnknownPerson:
            raise _not_found(f"person {login!r}") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None
    return person_view(person)


@router.patch("/people/{login}", response_model=PersonView)
async def update_person(login: str, body: PersonPatch, uow: Uow, caller: Admin) -> PersonView:
    """Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked)."""
    return await _update(uow, login, body.model_dump(exclude_unset=True))


@router.delete("/people/{login}", response_model=PersonView)
async def deactivate_person(login: str, uow: Uow, caller: Admin) -> PersonView:
    """Deactivate a person (kept for the record; refresh tokens revoked)."""
    return await _update(uow, login, {"active": False})


@router.put("/people/{login}/password", status_code=204)
async def set_password(
    login: str, body: PasswordBody, uow: Uow, caller: Admin, request: Request
) -> None:
    """Set a person's password (their refresh tokens are revoked)."""
    async with uow:
        try:
            await handlers.set_password(uow, passwords_of(request), login, body.password, utc_now())
        except UnknownPerson:
            raise _not_found(f"person {login!r}") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None


@router.get("/me")
async def me(request: Request, uow: Uow) -> dict[str, Any]:
    """The signed-in person (or service account)."""
    caller = await authenticated(request)
    async with uow:
        if caller.person_id is None:
            account = await uow.service_accounts.get(caller.login)
            if account is None:
                raise _not_found("service account")
            return account_view(account).model_dump(mode="json")
        person = await uow.people.get_by_id(caller.person_id)
    if person is None:
        raise _not_found("person")
    return person_view(person).model_dump(mode="json")


@router.post("/me/password", status_code=204)
async def change_own_password(request: Request, body: OwnPasswordBody, uow: Uow) -> None:
    """Change one's own password with the old one (their other sessions end)."""
    caller = await authenticated(request)
    if caller.person_id is None:
        raise ApiError(403, "forbidden", "service accounts have no password")
    async with uow:
        try:
            await handlers.change_own_password(
                uow, passwords_of(request), caller.person_id, body.old_password,
                body.new_password, utc_now(),
            )  # fmt: skip
        except UnknownPerson:
            raise _not_found("person") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None
