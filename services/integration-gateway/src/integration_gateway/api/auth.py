"""API-key authentication and per-client rate limits of the gateway's routes.

Authentication runs in the route itself, before the body is read, so a caller without a valid
key learns nothing about its request (not even whether the JSON parses); a client over its
rate limit is refused there too, before the body is read or anything is published.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from inventory_runtime.app import runtime_of
from inventory_runtime.errors import ApiError, error_response

from integration_gateway.adapters.clients import client_with_key
from integration_gateway.domain import (
    ApiClient,
    RateLimiter,
    Scope,
    presented_key,
    retry_after_seconds,
)
from integration_gateway.metrics import THROTTLED_REQUESTS

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


def throttled(request: Request, client: ApiClient) -> Response | None:
    """A 429 with ``Retry-After`` when `client` is over its rate limit in this process."""
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.admit(client.id, client.rate_limit(limiter.default))
    if wait <= 0:
        return None
    THROTTLED_REQUESTS.labels(client.name).inc()
    seconds = retry_after_seconds(wait)
    response = error_response(
        429, "rate_limited", f"API client {client.name!r} is over its rate limit; retry later"
    )
    response.headers["Retry-After"] = str(seconds)
    return response


class AuthenticatedRoute(APIRoute):
    """A route that authenticates the caller and applies its rate limit before FastAPI reads
    and validates the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def authenticated(request: Request) -> Response:
            try:
                request.state.api_client = await authenticate(request)
            except Unauthorized as exc:
                response = error_response(401, "unauthorized", str(exc))
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
            refused = throttled(request, request.state.api_client)
            if refused is not None:
                return refused
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
