"""Verifying OIDC/JWT access tokens against the issuer's JWKS.

Every service verifies tokens itself (no call to another service per request): the key set
comes from the settings inline (``OIDC_JWKS``, for static keys and tests), from
``OIDC_JWKS_URL``, or from the issuer's discovery document, and is cached. A token signed with
a key id the cache does not know makes it fetch again (at most every
`MIN_REFRESH_SECONDS`), so a key rotation at the issuer is picked up without a restart.

The built-in issuer (integration-gateway) and any standard IdP (Keycloak, Azure AD, ...) work
alike: `ClaimNames` says where the login and the roles are, and ``OIDC_ROLE_MAP`` renames a
company's role names to the platform's.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from inventory_runtime.auth.principal import SERVICE_SUBJECT_PREFIX, Principal, Unauthenticated

MIN_REFRESH_SECONDS = 30.0
FETCH_TIMEOUT_SECONDS = 5.0
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
"""Asymmetric algorithms only: never ``none``, never HMAC (a public key is not a secret)."""


@dataclass(frozen=True)
class ClaimNames:
    """Where a token keeps the login and the roles (dotted paths, e.g. ``realm_access.roles``)."""

    username: str = "preferred_username"
    roles: str = "roles"
    role_map: Mapping[str, str] = field(default_factory=dict)
    """The IdP's role name -> the platform's (unmapped names are kept as they are)."""


def parse_role_map(text: str) -> dict[str, str]:
    """``"Inventory Admins=admin, Buyers=planner"`` -> a mapping (ValueError when malformed)."""
    mapping = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        external, sep, ours = (side.strip() for side in pair.partition("="))
        if not sep or not external or not ours:
            raise ValueError(f"OIDC_ROLE_MAP entry {pair!r} is not 'their role=our role'")
        mapping[external] = ours
    return mapping


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def principal_from_claims(claims: Mapping[str, Any], names: ClaimNames) -> Principal:
    """The `Principal` of verified `claims` (Unauthenticated when they name nobody)."""
    subject = claims.get("sub")
    login = _claim(claims, names.username) or subject
    if not isinstance(subject, str) or not isinstance(login, str) or not login:
        raise Unauthenticated("the token names no subject")
    raw_roles = _claim(claims, names.roles) or []
    if isinstance(raw_roles, str):
        raw_roles = raw_roles.split()
    if not isinstance(raw_roles, list):
        raise Unauthenticated(f"the token's {names.roles!r} claim is not a list of roles")
    roles = frozenset(names.role_map.get(str(role), str(role)) for role in raw_roles)
    service = subject.startswith(SERVICE_SUBJECT_PREFIX)
    return Principal(
        id=login,
        subject=subject,
        roles=roles,
        name=str(claims.get("name") or ""),
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        department=claims.get("department") if isinstance(claims.get("department"), str) else None,
        locale=claims.get("locale") if isinstance(claims.get("locale"), str) else None,
        kind="service" if service else "person",
        token_id=claims.get("jti") if isinstance(claims.get("jti"), str) else None,
        expires_at=claims.get("exp") if isinstance(claims.get("exp"), int) else None,
    )


class KeySource:
    """The issuer's public keys: inline, from a JWKS URL, or found through discovery."""

    def __init__(
        self,
        *,
        issuer: str,
        inline_jwks: str = "",
        jwks_url: str = "",
        discovery_url: str = "",
        cache_seconds: float = 300.0,
    ) -> None:
        self._inline = KeySet.import_key_set(json.loads(inline_jwks)) if inline_jwks else None
        self._jwks_url = jwks_url
        self._discovery_url = (
            discovery_url or issuer.rstrip("/") + "/.well-known/openid-configuration"
        )
        self._cache_seconds = cache_seconds
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self.discovery: dict[str, Any] | None = None

    async def keys(self, *, refresh: bool = False) -> KeySet:
        """The current key set; `refresh` asks for a fresh copy (unknown key id)."""
        if self._inline is not None:
            return self._inline
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = age > self._cache_seconds or (refresh and age > MIN_REFRESH_SECONDS)
            if self._keys is None or stale:
                try:
                    self._keys = KeySet.import_key_set(await self._fetch_jwks())
                except (httpx.HTTPError, ValueError, JoseError) as exc:
                    if self._keys is None:
                        raise Unauthenticated(f"the issuer's keys are unavailable: {exc}") from exc
                self._fetched_at = time.monotonic()
            return self._keys

    async def metadata(self) -> dict[str, Any]:
        """The issuer's discovery document (fetched once)."""
        if self.discovery is None:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
                response = await client.get(self._discovery_url)
                response.raise_for_status()
                self.discovery = dict(response.json())
        return self.discovery

    async def _fetch_jwks(self) -> Any:
        url = self._jwks_url or str((await self.metadata())["jwks_uri"])
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.json()


class TokenVerifier:
    """Checks signature, issuer, audience and lifetime, then reads the `Principal`."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        claim_names: ClaimNames | None = None,
        leeway_seconds: int = 30,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.claim_names = claim_names or ClaimNames()
        self._registry = jwt.JWTClaimsRegistry(
            leeway=leeway_seconds,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    async def verify(self, token: str) -> Principal:
        """The principal `token` stands for; `Unauthenticated` says why it does not do."""
        try:
            decoded = await self._decode(token)
            self._registry.validate(decoded.claims)
        except JoseError as exc:
            raise Unauthenticated(f"invalid token: {exc.description or exc.error}") from None
        except ValueError as exc:  # not a JWS at all
            raise Unauthenticated(f"invalid token: {exc}") from None
        return principal_from_claims(decoded.claims, self.claim_names)

    async def _decode(self, token: str) -> jwt.Token:
        keys = await self.keys.keys()
        try:
            return jwt.decode(token, keys, algorithms=ALLOWED_ALGORITHMS)
        except JoseError as exc:
            if "key" not in type(exc).__name__.lower() and exc.error != "missing_key":
                raise
        return jwt.decode(token, await self.keys.keys(refresh=True), algorithms=ALLOWED_ALGORITHMS)
