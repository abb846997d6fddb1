"""A token issuer for tests: a key pair of its own and tokens minted to order.

The root ``conftest.py`` puts `TEST_ISSUER`'s public key set in ``OIDC_JWKS`` (and its issuer
and audience in ``OIDC_ISSUER`` / ``OIDC_AUDIENCE``) before any settings are built, so every
in-process app a test builds trusts it::

    client = AsyncClient(transport=..., headers=TEST_ISSUER.headers("operator"))

Tokens of the running stack come from the built-in issuer instead (`inventory_testkit`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from inventory_runtime.auth.permissions import ROLES

TEST_ISSUER_URL = "https://issuer.test"
TEST_AUDIENCE = "inventory-platform"


HEADER_TOKEN_SECONDS = 24 * 3600


class TestIssuer:
    """Mints RS256 access tokens shaped like the built-in issuer's."""

    __test__ = False  # not a pytest test class

    def __init__(self, issuer: str = TEST_ISSUER_URL, audience: str = TEST_AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience

    @cached_property
    def key(self) -> RSAKey:
        return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)

    def jwks(self) -> dict[str, Any]:
        """The public key set, as the issuer's JWKS endpoint would serve it."""
        return dict(KeySet([self.key]).as_dict(private=False))

    def jwks_json(self) -> str:
        return json.dumps(self.jwks())

    def environment(self) -> dict[str, str]:
        """The settings (as environment variables) under which a service trusts this issuer."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_AUDIENCE": self.audience,
            "OIDC_JWKS": self.jwks_json(),
        }

    def token(
        self,
        *roles: str,
        login: str = "",
        expires_in: int = 600,
        key: RSAKey | None = None,
        claims: Mapping[str, Any] | None = None,
        service: bool = False,
    ) -> str:
        """A signed access token for `login` holding `roles`.

        `expires_in` may be negative (an expired token); `key` signs with another key (a
        forged token); `claims` overrides or adds claims (wrong issuer, audience, ...).
        """
        now = int(time.time())
        login = login or ("test." + "-".join(roles or ("nobody",)))
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": f"service:{login}" if service else str(uuid.uuid5(uuid.NAMESPACE_URL, login)),
            "preferred_username": login,
            "name": login.replace(".", " ").title(),
            "roles": list(roles),
            "iat": now,
            "nbf": now - 5,
            "exp": now + expires_in,
            "jti": uuid.uuid4().hex,
            "client_id": "test",
        }
        payload.update(claims or {})
        signer = key or self.key
        header = {"alg": "RS256", "kid": signer.kid, "typ": "at+jwt"}
        return jwt.encode(header, payload, signer, algorithms=["RS256"])

    def headers(self, *roles: str, login: str = "") -> dict[str, str]:
        """An ``Authorization`` header for `login` with `roles` (every role when none given).

        Tests keep these in module constants, minted when pytest collects: they must outlive
        the whole run (a loaded CI machine took an hour), so they last a day, unlike `token`.
        """
        token = self.token(*(roles or ROLES), login=login, expires_in=HEADER_TOKEN_SECONDS)
        return {"Authorization": f"Bearer {token}"}


def other_key() -> RSAKey:
    """A key the services do not trust (for forged tokens)."""
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


TEST_ISSUER = TestIssuer()
