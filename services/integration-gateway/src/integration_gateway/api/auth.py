"""Who may call the gateway's inbound and write-back routes: an ERP/CRM with an API key and
its scopes, or anyone with an access token whose roles grant the matching permission (a
service account with ``integration``, an administrator). Rate limits apply per caller.

Authentication runs in the route itself, before the body is read, so a caller without valid
credentials learns nothing about its request (not even whether the JSON parses); a caller
over its rate limit is refused there too, before the body is read or anything is published.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from inventory_runtime.app import runtime_of
from inventory_runtime.auth.permissions import Permission
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import (
    PermissionRequirement,
    SecuredRoute,
    unauthorized,
)
from inventory_runtime.errors import error_response

from integration_gateway.adapters.api_keys import touch_last_used
from integration_gateway.adapters.clients import client_for_principal, client_with_key
from integration_gateway.domain import (
    ApiClient,
    RateLimiter,
    Scope,
    presented_key,
    retry_after_seconds,
)
from integration_gateway.domain.api_key_admin import LAST_USED_EVERY_SECONDS
from integration_gateway.metrics import THROTTLED_REQUESTS

API_KEY_HEADER = "X-API-Key"
SCOPE_PERMISSIONS: dict[Scope, Permission] = {
    "orders:write": "integration:write",
    "master-data:write": "integration:write",
    "receipts:write": "integration:write",
    "subscriptions:admin": "subscriptions:admin",
    "promise:read": "reservation:read",
    "quotes:write": "reservation:write",
}
"""The permission a token's roles must grant where an API key needs the scope."""


class ScopeRequirement(PermissionRequirement):
    """`requires(scope)`: an API key with `scope`, or a token granting its permission."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(SCOPE_PERMISSIONS[scope])
        self.scope = scope

    def __call__(self, request: Request) -> ApiClient:  # type: ignore[override]
        client: ApiClient = request.state.api_client
        return client


def requires(scope: Scope) -> Any:
    """Dependency: the calling client, holding `scope` (or a token granting its permission)."""
    return Depends(ScopeRequirement(scope))


def presented_api_key(request: Request) -> str | None:
    """The API key the request carries (``Authorization: Bearer`` first, else ``X-API-Key``),
    or None when that credential is a JWT (two dots; API keys have none) or absent."""
    key = presented_key(
        request.headers.get("authorization", ""), request.headers.get(API_KEY_HEADER, "")
    )
    return key if key is not None and key.count(".") != 2 else None


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


def _scope_of(dependant: Dependant) -> Scope | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, ScopeRequirement):
            return dependency.call.scope
        found = _scope_of(dependency)
        if found is not None:
            return found
    return None


async def _client_of_token(request: Request, principal: Principal) -> ApiClient:
    """The api_clients row of a token's caller, made once and then kept in this process (the
    row never changes), so a token caller costs no database round trip per request."""
    known: dict[str, ApiClient] = request.app.state.token_clients
    client = known.get(principal.subject)
    if client is None:
        factory = runtime_of(request).session_factory
        client = await client_for_principal(factory, principal.subject, principal.id)
        known[principal.subject] = client
    return client


async def _note_use(request: Request, client: ApiClient) -> None:
    """Write the key's last-used time, at most once a minute per client and process."""
    touched: dict[str, float] = request.app.state.key_last_used
    now = time.monotonic()
    if now - touched.get(client.id, -LAST_USED_EVERY_SECONDS) >= LAST_USED_EVERY_SECONDS:
        touched[client.id] = now
        await touch_last_used(runtime_of(request).session_factory, client.id)


class AuthenticatedRoute(SecuredRoute):
    """A route taking an API key with its scope or an access token with its permission."""

    async def admit(self, request: Request) -> Response | None:
        key = presented_api_key(request)
        if key is None:
            refused = await super().admit(request)
            if refused is not None:
                return refused
            client = await _client_of_token(request, request.state.principal)
        else:
            found = await client_with_key(runtime_of(request).session_factory, key)
            if found is None or not found.active:
                return unauthorized("unknown or inactive API key")
            scope = _scope_of(self.dependant)
            if scope is not None and not found.may(scope):
                message = f"API client {found.name!r} lacks scope {scope!r}"
                return error_response(403, "forbidden", message)
            client = found
            await _note_use(request, found)
            request.state.principal = Principal(
                id=found.name, subject=f"api-client:{found.id}", roles=frozenset(), kind="service"
            )
        request.state.api_client = client
        return throttled(request, client)
