"""The identity admin API: people, service accounts and the role table (JSON, `/v1`).

Reading needs ``identity:read``, changing ``identity:admin``; `/v1/me` and `/v1/me/password`
``account:self``. Tokens of this issuer and of the configured one are accepted alike (the
app's verifier, `integration_gateway.adapters.key_source`). Every change is audited.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Request
from inventory_runtime.auth.permissions import (
    PERMISSION_MEANINGS,
    PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    roles_granting,
)
from inventory_runtime.auth.principal import SERVICE_SUBJECT_PREFIX, Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, field_problems

from integration_gateway.api import Uow
from integration_gateway.api.examples import answer, not_found
from integration_gateway.api.examples_identity import PERSON_VIEW, ROLES_TABLE
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

Reader = Annotated[Principal, require("identity:read")]
Admin = Annotated[Principal, require("identity:admin")]
Self = Annotated[Principal, require("account:self")]
router = secured_router(prefix="/v1", tags=["identity"])
NOT_NULL = ("display_name", "roles", "locale", "active")
NF = not_found("no person 'wang.fang'")


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


@router.get("/roles", responses={200: answer(ROLES_TABLE)})
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
                uow, caller, passwords_of(request), body.login, profile, body.password, utc_now()
            )
        except IdentityProblems as exc:
            raise _refused(exc) from None
    return person_view(person)


@router.get("/people", response_model=list[PersonView])
async def list_people(uow: Uow, caller: Reader, include_inactive: bool = False) -> list[PersonView]:
    async with uow:
        found = await uow.people.list(include_inactive=include_inactive)
    return [person_view(p) for p in found]


@router.get("/people/{login}", response_model=PersonView, responses={404: NF})
async def get_person(login: str, uow: Uow, caller: Reader) -> PersonView:
    async with uow:
        person = await uow.people.get(login)
    if person is None:
        raise _not_found(f"person {login!r}")
    return person_view(person)


async def _update(uow: Uow, caller: Principal, login: str, changes: dict[str, Any]) -> PersonView:
    nulls = [
        (name, "cannot be null") for name in NOT_NULL if name in changes and changes[name] is None
    ]
    if nulls:
        raise _refused(IdentityProblems(nulls))
    async with uow:
        try:
            person = await handlers.update_person(uow, caller, login, changes, utc_now())
        except UnknownPerson:
            raise _not_found(f"person {login!r}") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None
    return person_view(person)


@router.patch("/people/{login}", response_model=PersonView, responses={404: NF})
async def update_person(login: str, body: PersonPatch, uow: Uow, caller: Admin) -> PersonView:
    """Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked)."""
    return await _update(uow, caller, login, body.model_dump(exclude_unset=True))


@router.delete("/people/{login}", response_model=PersonView, responses={404: NF})
async def deactivate_person(login: str, uow: Uow, caller: Admin) -> PersonView:
    """Deactivate a person (kept for the record; refresh tokens revoked)."""
    return await _update(uow, caller, login, {"active": False})


@router.put("/people/{login}/password", status_code=204, responses={404: NF})
async def set_password(
    login: str, body: PasswordBody, uow: Uow, caller: Admin, request: Request
) -> None:
    """Set a person's password (their refresh tokens are revoked)."""
    async with uow:
        try:
            await handlers.set_password(
                uow, caller, passwords_of(request), login, body.password, utc_now()
            )
        except UnknownPerson:
            raise _not_found(f"person {login!r}") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None


def person_id_of(principal: Principal) -> UUID | None:
    """The person's id (the token's ``sub``); None for a service account or a foreign id."""
    if principal.kind == "service":
        return None
    try:
        return UUID(principal.subject)
    except ValueError:
        return None


@router.get(
    "/me",
    responses={200: answer(PERSON_VIEW, "the person (a service account: its account)"), 404: NF},
)
async def me(caller: Self, uow: Uow) -> dict[str, Any]:
    """The signed-in person (or service account)."""
    async with uow:
        if caller.kind == "service":
            client_id = caller.subject.removeprefix(SERVICE_SUBJECT_PREFIX)
            account = await uow.service_accounts.get(client_id)
            if account is None:
                raise _not_found("service account")
            return account_view(account).model_dump(mode="json")
        person_id = person_id_of(caller)
        person = None if person_id is None else await uow.people.get_by_id(person_id)
    if person is None:
        raise _not_found("person")
    return person_view(person).model_dump(mode="json")


@router.post("/me/password", status_code=204)
async def change_own_password(
    caller: Self, request: Request, body: OwnPasswordBody, uow: Uow
) -> None:
    """Change one's own password with the old one (their other sessions end)."""
    person_id = person_id_of(caller)
    if person_id is None:
        raise ApiError(403, "forbidden", "service accounts have no password")
    async with uow:
        try:
            await handlers.change_own_password(
                uow, caller, passwords_of(request), person_id, body.old_password,
                body.new_password, utc_now(),
            )  # fmt: skip
        except UnknownPerson:
            raise _not_found("person") from None
        except IdentityProblems as exc:
            raise _refused(exc) from None
