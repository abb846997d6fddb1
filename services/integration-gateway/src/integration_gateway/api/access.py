"""Who may call the identity admin routes: a bearer access token of this issuer whose roles
grant the route's permission (`inventory_runtime.auth.permissions`).

A local stand-in: once `inventory_runtime.auth` verifies tokens for every service, these
routes take its `require(permission)` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import Depends, Request
from inventory_runtime.auth.permissions import Permission, permissions_of
from inventory_runtime.errors import ApiError

from integration_gateway.api.issuer_support import verified_claims
from integration_gateway.domain.tokens import SERVICE_SUBJECT_PREFIX


@dataclass(frozen=True)
class Caller:
    """The verified caller of a route."""

    sub: str
    login: str
    roles: tuple[str, ...]

    @property
    def person_id(self) -> UUID | None:
        """The person's id; None for a service account."""
        if self.sub.startswith(SERVICE_SUBJECT_PREFIX):
            return None
        try:
            return UUID(self.sub)
        except ValueError:
            return None


async def authenticated(request: Request) -> Caller:
    """The caller of a valid bearer access token; 401 otherwise."""
    claims = await verified_claims(request)
    if claims is None:
        raise ApiError(401, "unauthorized", "a valid bearer access token is required")
    roles = claims.get("roles")
    return Caller(
        sub=str(claims["sub"]),
        login=str(claims.get("preferred_username", "")),
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
    )


def require(permission: Permission) -> Any:
    """Dependency: the authenticated caller, whose roles must grant `permission` (403)."""

    async def check(request: Request) -> Caller:
        caller = await authenticated(request)
        if permission not in permissions_of(caller.roles):
            raise ApiError(403, "forbidden", f"{permission} is required")
        return caller

    return Depends(check)
