"""Service accounts of the identity admin API: machine callers with client credentials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems

from integration_gateway.api import Uow
from integration_gateway.api.examples import not_found
from integration_gateway.api.identity import account_view
from integration_gateway.api.identity_schemas import (
    ServiceAccountBody,
    ServiceAccountCreated,
    ServiceAccountPatch,
    ServiceAccountView,
)
from integration_gateway.api.issuer_support import passwords_of
from integration_gateway.domain.people import IdentityProblems, UnknownPerson
from integration_gateway.handlers import people as handlers

Reader = Annotated[Principal, require("identity:read")]
Admin = Annotated[Principal, require("identity:admin")]
router = secured_router(prefix="/v1/service-accounts", tags=["identity"])
NF: dict[int | str, dict[str, Any]] = {404: not_found("no service account 'erp-sap'")}


@router.post(
    "", status_code=201, response_model=ServiceAccountCreated, operation_id="create_service_account"
)
async def create(
    body: ServiceAccountBody, uow: Uow, caller: Admin, request: Request
) -> ServiceAccountCreated:
    """A new service account; its `client_secret` is in this answer only."""
    async with uow:
        try:
            account, secret = await handlers.create_service_account(
                uow, caller, passwords_of(request), body.client_id, body.name, tuple(body.roles)
            )
        except IdentityProblems as exc:
            raise ApiError(422, "validation_error", field_problems(exc.problems)) from None
    return ServiceAccountCreated(**account_view(account).model_dump(), client_secret=secret)


@router.get("", response_model=list[ServiceAccountView], operation_id="list_service_accounts")
async def list_accounts(uow: Uow, caller: Reader) -> list[ServiceAccountView]:
    async with uow:
        return [account_view(a) for a in await uow.service_accounts.list()]


@router.get(
    "/{client_id}",
    response_model=ServiceAccountView,
    operation_id="get_service_account",
    responses=NF,
)
async def get_account(client_id: str, uow: Uow, caller: Reader) -> ServiceAccountView:
    async with uow:
        account = await uow.service_accounts.get(client_id)
    if account is None:
        raise ApiError(404, "not_found", f"no service account {client_id!r}")
    return account_view(account)


async def _change(
    uow: Uow,
    caller: Principal,
    client_id: str,
    changes: dict[str, object],
    request: Request | None,
) -> tuple[ServiceAccountView, str | None]:
    passwords = passwords_of(request) if request is not None else None
    async with uow:
        try:
            account, secret = await handlers.update_service_account(
                uow, caller, client_id, changes, passwords
            )
        except UnknownPerson:
            raise ApiError(404, "not_found", f"no service account {client_id!r}") from None
        except IdentityProblems as exc:
            raise ApiError(422, "validation_error", field_problems(exc.problems)) from None
    return account_view(account), secret


@router.patch(
    "/{client_id}",
    response_model=ServiceAccountView,
    operation_id="update_service_account",
    responses=NF,
)
async def update(
    client_id: str, body: ServiceAccountPatch, uow: Uow, caller: Admin
) -> ServiceAccountView:
    """Change name, roles or active flag (null keeps a field as it is)."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    view, _ = await _change(uow, caller, client_id, changes, None)
    return view


@router.delete(
    "/{client_id}",
    response_model=ServiceAccountView,
    operation_id="deactivate_service_account",
    responses=NF,
)
async def deactivate(client_id: str, uow: Uow, caller: Admin) -> ServiceAccountView:
    view, _ = await _change(uow, caller, client_id, {"active": False}, None)
    return view


@router.post(
    "/{client_id}/secret",
    response_model=ServiceAccountCreated,
    operation_id="rotate_service_account_secret",
    responses=NF,
)
async def rotate_secret(
    client_id: str, uow: Uow, caller: Admin, request: Request
) -> ServiceAccountCreated:
    """A new client secret (the old one stops working); shown in this answer only."""
    view, secret = await _change(uow, caller, client_id, {}, request)
    assert secret is not None
    return ServiceAccountCreated(**view.model_dump(), client_secret=secret)
