"""OAuth 2.0 / OIDC rules of the built-in issuer: clients, scopes, PKCE, the claims of the
tokens (RFC 9068 access tokens, OIDC id tokens) and refresh-token lifetimes.

The token format is the platform's contract: every service verifies exactly these claims.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

WEB_CLIENT_ID = "inventory-web"
"""The public client of the web pages: authorization code with PKCE S256."""
CLI_CLIENT_ID = "inventory-cli"
"""The public client of command-line tools and the demo: the password grant."""
PUBLIC_CLIENTS = frozenset({WEB_CLIENT_ID, CLI_CLIENT_ID})
SERVICE_SUBJECT_PREFIX = "service:"

SCOPES_SUPPORTED = ("openid", "profile", "email", "offline_access")
DEFAULT_SCOPE = "openid profile email"
CODE_LIFETIME = timedelta(seconds=60)
ID_TOKEN_LIFETIME = timedelta(minutes=15)
ACCESS_TOKEN_TYPE = "at+jwt"
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class OAuthError(Exception):
    """An RFC 6749 error answer: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_client(description: str = "client authentication failed") -> OAuthError:
    return OAuthError("invalid_client", description, 401)


def opaque_token() -> str:
    """A random refresh token or authorization code (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of an opaque token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def valid_code_challenge(challenge: str) -> bool:
    """An S256 challenge is the base64url of a SHA-256: 43 characters."""
    return bool(_CHALLENGE.fullmatch(challenge))


def s256(verifier: str) -> str:
    """The S256 code challenge of `verifier` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def pkce_matches(verifier: str, challenge: str) -> bool:
    """True when `verifier` is well formed and hashes to `challenge`."""
    if not _VERIFIER.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)


def granted_scope(requested: str | None) -> str:
    """The requested scopes the issuer knows (in its order); the default when none is asked."""
    if not requested:
        return DEFAULT_SCOPE
    asked = set(requested.split())
    return " ".join(scope for scope in SCOPES_SUPPORTED if scope in asked) or DEFAULT_SCOPE


@dataclass(frozen=True)
class Subject:
    """Whom a token speaks for: a person or a service account."""

    sub: str
    preferred_username: str
    name: str
    roles: tuple[str, ...]
    locale: str
    email: str | None = None
    department: str | None = None
    is_person: bool = True


@dataclass(frozen=True)
class TokenPolicy:
    """The issuer's settings for the tokens it mints."""

    issuer: str
    audience: str
    access_lifetime: timedelta
    refresh_idle: timedelta
    refresh_absolute: timedelta

    def access_claims(
        self, subject: Subject, *, client_id: str, scope: str, now: datetime
    ) -> dict[str, Any]:
        """The claims of an access token (RFC 9068, plus the platform's)."""
        issued = int(now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject.sub,
            "aud": self.audience,
            "exp": issued + int(self.access_lifetime.total_seconds()),
            "iat": issued,
            "nbf": issued,
            "jti": str(uuid4()),
            "client_id": client_id,
            "scope": scope,
            "preferred_username": subject.preferred_username,
            "name": subject.name,
            "roles": list(subject.roles),
            "locale": subject.locale,
        }
        if subject.email:
            claims["email"] = subject.email
        if subject.department:
            claims["department"] = subject.department
        return claims

    def id_token_claims(
        self, subject: Subject, *, client_id: str, nonce: str | None, now: datetime
    ) -> dict[str, Any]:
        """The claims of an OIDC id token for `client_id` (the nonce echoed)."""
        issued = int(now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject.sub,
            "aud": client_id,
            "exp": issued + int(ID_TOKEN_LIFETIME.total_seconds()),
            "iat": issued,
            "auth_time": issued,
            "preferred_username": subject.preferred_username,
            "name": subject.name,
            "locale": subject.locale,
        }
        if subject.email:
            claims["email"] = subject.email
        if nonce:
            claims["nonce"] = nonce
        return claims

    def refresh_expiry(self, now: datetime, family_expires_at: datetime) -> datetime:
        """When a refresh token issued now expires: idle lifetime, capped by its family's."""
        return min(now + self.refresh_idle, family_expires_at)
