"""API-key authentication of the gateway's routes.

Authentication runs in the route itself, before the body is read, so a caller without a valid
key learns nothing about its request (not even whether the JSON parses).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from inventory_runtime.app import runtime_of
from inventory_runtime.errors import ApiError, error_response

from integration_gateway.adapters.clients import client_with_key
from integration_gateway.domain import ApiClient, Scope, presented_key

API_KEY_HEADER = "X-API-Key"


class Unauthorized(Exception):
    """No active API client for the request; answered 401 with ``WWW-Authenticate: Bearer``."""


async def authenticate(request: Request) -> ApiClient:
    """The active API client whose key the request carries; raises `Unauthorized` otherwise."""
    key = presented_key(
        request.headers.get("authorization", ""), request.headers.get(API_KEY_HEADER, "")
    )
    if key is None:
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
    client = await client_with_key(runtime_of(request).session_factory, key)
    if client is None or not client.active:
        raise Unauthorized("unknown or inactive API key")
    return client


class AuthenticatedRoute(APIRoute):
    """A route that authenticates the caller before FastAPI reads and validates the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def authenticated(request: Request) -> Response:
            try:
                request.state.api_client = await authenticate(request)
            except Unauthorized as exc:
                response = error_response(401, "unauthorized", str(exc))
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
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
