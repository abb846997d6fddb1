"""API keys: how they are made, stored, presented, and what a client holding one may do."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from integration_gateway.domain.rate_limits import RateLimit

API_KEY_PREFIX = "igw_"
ALL_SCOPES = "*"

Scope = Literal[
    "orders:write",
    "master-data:write",
    "receipts:write",
    "subscriptions:admin",
    "promise:read",
    "quotes:write",
]
SCOPES: tuple[Scope, ...] = (
    "orders:write",
    "master-data:write",
    "receipts:write",
    "subscriptions:admin",
    "promise:read",
    "quotes:write",
)


def generate_api_key() -> str:
    """A new random API key (shown once; only its hash is stored)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """The hex SHA-256 of `key`, as stored in the `api_clients` table."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def presented_key(authorization: str, api_key_header: str) -> str | None:
    """The key a request carries: ``Authorization: Bearer <key>`` first, else ``X-API-Key``."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return api_key_header.strip() or None


@dataclass(frozen=True)
class ApiClient:
    """A system (CRM, ERP, connector) allowed to call the gateway."""

    id: str
    name: str
    scopes: tuple[str, ...]
    active: bool
    rate_per_second: float | None = None
    """This client's own rate limit (None: the gateway's default), with `burst`."""
    burst: int | None = None

    def may(self, scope: Scope) -> bool:
        """True when the client holds `scope` (or every scope)."""
        return self.active and (ALL_SCOPES in self.scopes or scope in self.scopes)

    def rate_limit(self, default: RateLimit) -> RateLimit:
        """This client's limit: its own rate and burst where set, the default's otherwise."""
        return RateLimit(
            default.per_second if self.rate_per_second is None else self.rate_per_second,
            default.burst if self.burst is None else self.burst,
        )


def client_record(client: ApiClient) -> dict[str, Any]:
    """An API client as the audit log records it (never its key nor the key's hash)."""
    return {
        "id": client.id,
        "name": client.name,
        "scopes": list(client.scopes),
        "active": client.active,
        "rate_per_second": client.rate_per_second,
        "burst": client.burst,
    }
