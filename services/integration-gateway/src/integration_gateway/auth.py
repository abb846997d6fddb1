"""API-key authentication and JSON errors for the gateway's API.

Authentication runs in the route itself, before the body is read, so a caller without a valid
key learns nothing about its request (not even whether the JSON parses).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from inventory_runtime.app import runtime_of

from integration_gateway import domain
from integration_gateway.domain import ApiClient, Scope
from integration_gateway.repository import ClientRepository

API_KEY_HEADER = "X-API-Key"


class ApiError(Exception):
    """An error answered as ``{"error": code, "detail": ...}`` with `status_code`."""

    def __init__(
        self,
        status_code: int,
        code: str,
        detail: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.status_code = status_code
        self.code = code
        self.detail = detail
        self.headers = headers


async def api_error_handler(request: Request, exc: Exception) -> Response:
    """Render an `ApiError`."""
    assert isinstance(exc, ApiError)
    return JSONResponse(
        status_code=exc.status_code,
        content={"error": exc.code, "detail": exc.detail},
        headers=exc.headers,
    )


def presented_key(request: Request) -> str | None:
    """The key from ``Authorization: Bearer <key>`` or ``X-API-Key``, if any."""
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    key = request.headers.get(API_KEY_HEADER, "").strip()
    return key or None


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(request: Request) -> ApiClient:
    """The active API client whose key the request carries; 401 otherwise."""
    key = presented_key(request)
    if key is None:
        raise _unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
    async with runtime_of(request).session_factory() as session:
        client = await ClientRepository(session).by_key_hash(domain.hash_api_key(key))
    if client is None or not client.active:
        raise _unauthorized("unknown or inactive API key")
    return client


class AuthenticatedRoute(APIRoute):
    """A route that authenticates the caller before FastAPI reads and validates the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def authenticated(request: Request) -> Response:
            request.state.api_client = await authenticate(request)
            return await handle(request)

        return authenticated


def requires(scope: Scope) -> Any:
    """Dependency: the authenticated client, which must hold `scope` (403 otherwise)."""

    def check(request: Request) -> ApiClient:
        client: ApiClient = request.state.api_client
        if not client.may(scope):
            raise ApiError(403, "forbidden", f"API client {client.name!r} lacks scope {scope!r}")
        return client

    return Depends(check)
