"""API keys of the admin API: create, list, rotate with an overlap window, revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict, Field

from integration_gateway.api import Uow
from integration_gateway.api.examples import error_answer, examples_of, not_found
from integration_gateway.api.examples_identity import (
    API_KEY_BODY,
    API_KEY_ISSUED,
    API_KEY_ROTATED,
    API_KEY_VIEW,
    ROTATE,
)
from integration_gateway.domain import ALL_SCOPES, SCOPES
from integration_gateway.domain.api_key_admin import (
    DEFAULT_OVERLAP,
    MAX_OVERLAP,
    ApiClientExists,
    ApiKeyInfo,
    UnknownApiClient,
)
from integration_gateway.handlers import api_keys as handlers

Reader = Annotated[Principal, require("identity:read")]
Admin = Annotated[Principal, require("identity:admin")]
router = secured_router(prefix="/v1/api-keys", tags=["api keys"])
EXISTS = {"error": "conflict", "detail": "API client 'crm-salesforce' exists; rotate its key"}
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ApiKeyBody(BaseModel):
    """A new API client: its name (the calling system) and scopes."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(API_KEY_BODY))
    name: str = Field(pattern=NAME_PATTERN, examples=["erp-sap"])
    scopes: list[str] = Field(min_length=1, examples=[["master-data:write", "orders:write"]])
    rate_per_second: float | None = Field(None, gt=0)
    burst: int | None = Field(None, ge=1)


class RotateBody(BaseModel):
    """How long the current key keeps working after the new one is issued."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(ROTATE))
    overlap_seconds: int = Field(
        int(DEFAULT_OVERLAP.total_seconds()), ge=0, le=int(MAX_OVERLAP.total_seconds())
    )


class ApiKeyView(BaseModel):
    """An API client's key, never the key itself: its last four characters tell keys apart."""

    model_config = ConfigDict(json_schema_extra=examples_of(API_KEY_VIEW))
    id: str
    name: str
    scopes: list[str]
    active: bool
    created_at: datetime
    key_hint: str | None
    last_used_at: datetime | None
    previous_key_valid_until: datetime | None
    rate_per_second: float | None
    burst: int | None


class ApiKeyIssued(ApiKeyView):
    """The key is in this answer only; store it now."""

    model_config = ConfigDict(json_schema_extra=examples_of(API_KEY_ISSUED, API_KEY_ROTATED))
    key: str


def _view(info: ApiKeyInfo) -> ApiKeyView:
    return ApiKeyView(
        id=info.id, name=info.name, scopes=list(info.scopes), active=info.active,
        created_at=info.created_at, key_hint=info.key_hint, last_used_at=info.last_used_at,
        previous_key_valid_until=info.previous_key_valid_until,
        rate_per_second=info.rate_per_second, burst=info.burst,
    )  # fmt: skip


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyIssued,
    responses={409: error_answer(EXISTS, "an API client of that name exists")},
)
async def create_key(body: ApiKeyBody, uow: Uow, caller: Admin) -> ApiKeyIssued:
    """A new API client with its key (shown once)."""
    unknown = [s for s in body.scopes if s != ALL_SCOPES and s not in SCOPES]
    if unknown:
        problem = f"unknown scope(s) {unknown}; known: {[ALL_SCOPES, *SCOPES]}"
        raise ApiError(422, "validation_error", field_problems([("scopes", problem)]))
    try:
        info, key = await handlers.create_key(
            uow, caller, body.name, body.scopes, body.rate_per_second, body.burst
        )
    except ApiClientExists:
        raise ApiError(
            409, "conflict", f"API client {body.name!r} exists; rotate its key"
        ) from None
    return ApiKeyIssued(**_view(info).model_dump(), key=key)


@router.get("", response_model=list[ApiKeyView])
async def list_keys(uow: Uow, caller: Reader) -> list[ApiKeyView]:
    """Every API client with its scopes, state and last use (no keys)."""
    async with uow:
        return [_view(info) for info in await uow.api_keys.list()]


@router.post(
    "/{name}/rotate",
    response_model=ApiKeyIssued,
    responses={404: not_found("no active API client 'crm-salesforce'")},
)
async def rotate_key(
    name: str, uow: Uow, caller: Admin, body: RotateBody | None = None
) -> ApiKeyIssued:
    """A new key; the current one keeps working for `overlap_seconds` (default 24 h)."""
    overlap = timedelta(seconds=(body or RotateBody()).overlap_seconds)
    try:
        info, key = await handlers.rotate_key(uow, caller, name, overlap)
    except UnknownApiClient:
        raise ApiError(404, "not_found", f"no active API client {name!r}") from None
    return ApiKeyIssued(**_view(info).model_dump(), key=key)


@router.delete(
    "/{name}", status_code=204, responses={404: not_found("no API client 'crm-salesforce'")}
)
async def revoke_key(name: str, uow: Uow, caller: Admin) -> Response:
    """Revoke the client: its keys (current and rotated-out) stop working at once."""
    try:
        await handlers.revoke_key(uow, caller, name)
    except UnknownApiClient:
        raise ApiError(404, "not_found", f"no API client {name!r}") from None
    return Response(status_code=204)
