"""The issuer's RSA signing keys in PostgreSQL (private JWK encrypted with the secret box),
the JWKS they publish, and signing and verifying tokens with them (joserfc).

One key is active (``retired_at IS NULL``); rotating retires it and makes a new one. A retired
key stays in the JWKS for `RETIRED_KEY_LIFETIME`, longer than any access token lives, so
tokens signed just before a rotation still verify. Key changes run under a transaction-level
advisory lock, so two gateway processes starting at once make one key, not two.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from inventory_runtime.clock import utc_now
from inventory_runtime.secret_box import SecretBox
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry
from sqlalchemy import func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.adapters.tables import signing_keys

ALGORITHM = "RS256"
KEY_BITS = 2048
RETIRED_KEY_LIFETIME = timedelta(hours=24)
_KEY_LOCK = 0x16A7_0015
"""Advisory lock id serialising key creation and rotation."""


class JwsSigner:
    """Signs JWTs with the active key: RS256, its `kid` in the header."""

    def __init__(self, kid: str, key: RSAKey) -> None:
        self.kid = kid
        self._key = key

    def sign(self, claims: dict[str, Any], typ: str) -> str:
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": typ}
        return jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])


def _new_key() -> tuple[str, RSAKey]:
    key = RSAKey.generate_key(KEY_BITS, private=True, auto_kid=False)
    return key.thumbprint(), key


def _public_jwk(kid: str, key: RSAKey) -> dict[str, Any]:
    return {**key.as_dict(private=False), "kid": kid, "use": "sig", "alg": ALGORITHM}


class SigningKeyStore:
    """The signing keys, through the request's session."""

    def __init__(self, session: AsyncSession, box: SecretBox) -> None:
        self._session = session
        self._box = box

    async def _lock(self) -> None:
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _KEY_LOCK})

    async def ensure_active(self) -> str:
        """The active key's kid, making a key when there is none (first start)."""
        await self._lock()
        kid = await self._session.scalar(
            select(signing_keys.c.kid).where(signing_keys.c.retired_at.is_(None))
        )
        return kid if kid is not None else await self._add()

    async def rotate(self) -> str:
        """Retire the active key and make a new one; returns the new kid."""
        await self._lock()
        await self._session.execute(
            update(signing_keys)
            .where(signing_keys.c.retired_at.is_(None))
            .values(retired_at=func.now())
        )
        return await self._add()

    async def _add(self) -> str:
        kid, key = _new_key()
        private = self._box.encrypt(json.dumps(key.as_dict(private=True)))
        await self._session.execute(
            insert(signing_keys).values(
                kid=kid, private_jwk=private, public_jwk=_public_jwk(kid, key)
            )
        )
        return kid

    async def signer(self) -> JwsSigner:
        """A signer with the active key (made if missing)."""
        kid = await self.ensure_active()
        sealed = await self._session.scalar(
            select(signing_keys.c.private_jwk).where(signing_keys.c.kid == kid)
        )
        assert sealed is not None
        return JwsSigner(kid, RSAKey.import_key(json.loads(self._box.decrypt(sealed))))

    async def jwks(self, now: datetime | None = None) -> dict[str, Any]:
        """The public keys that verify tokens (`published_jwks`)."""
        return await published_jwks(self._session, now)


async def published_jwks(session: AsyncSession, now: datetime | None = None) -> dict[str, Any]:
    """The public keys that verify tokens: the active one and those retired in the last
    `RETIRED_KEY_LIFETIME`, newest first."""
    since = (now or utc_now()) - RETIRED_KEY_LIFETIME
    rows = await session.scalars(
        select(signing_keys.c.public_jwk)
        .where(or_(signing_keys.c.retired_at.is_(None), signing_keys.c.retired_at > since))
        .order_by(signing_keys.c.created_at.desc())
    )
    return {"keys": list(rows)}


def verify_access_token(
    token: str, jwks: dict[str, Any], *, issuer: str, audience: str
) -> dict[str, Any] | None:
    """The claims of a valid access token of this issuer (signature by a published key, typ
    ``at+jwt``, iss, aud, exp, nbf), or None."""
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
        if decoded.header.get("typ") != "at+jwt":
            return None
        JWTClaimsRegistry(
            leeway=5,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, TypeError):
        return None
    return dict(decoded.claims)
