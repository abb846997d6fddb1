"""The keys the gateway's own routes verify access tokens with: its own signing keys (from the
``signing_keys`` table) and those of the configured issuer (``OIDC_JWKS``, ``OIDC_JWKS_URL`` or
discovery), together.

Every other service trusts the gateway by fetching its JWKS over HTTP. The gateway itself
reads its keys from its database instead (no request to itself, which would deadlock a
single worker at startup), cached for `OWN_KEYS_CACHE_SECONDS` and read again when a token
names a key id the cache does not know (a rotation by another process). The configured source
is skipped when it would only fetch the gateway's own JWKS over HTTP, and its failure is
tolerated while the gateway has keys of its own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from inventory_runtime.auth.principal import Unauthenticated
from inventory_runtime.auth.tokens import KeySource
from joserfc.jwk import KeySet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway.adapters.signing_keys import published_jwks

OWN_KEYS_CACHE_SECONDS = 30.0
log = logging.getLogger(__name__)

SessionFactoryOf = Callable[[], async_sessionmaker[AsyncSession]]
"""Gives the app's session factory (the runtime exists only once the app has started)."""


def fetches_only_own_keys(
    own_issuer: str, *, inline_jwks: str, jwks_url: str, discovery_url: str
) -> bool:
    """True when the configured source would fetch nothing but the gateway's own JWKS: no
    inline keys, and the JWKS (or discovery) URL lies under the gateway's issuer URL."""
    if inline_jwks:
        return False
    url = jwks_url or discovery_url or own_issuer + "/.well-known/openid-configuration"
    base = own_issuer.rstrip("/")
    return url == base or url.startswith(base + "/")


class GatewayKeySource(KeySource):
    """The gateway's own public signing keys, plus the configured issuer's."""

    def __init__(
        self,
        session_factory_of: SessionFactoryOf,
        *,
        own_issuer: str,
        issuer: str,
        inline_jwks: str = "",
        jwks_url: str = "",
        discovery_url: str = "",
        cache_seconds: float = 300.0,
        own_cache_seconds: float = OWN_KEYS_CACHE_SECONDS,
    ) -> None:
        super().__init__(
            issuer=issuer,
            inline_jwks=inline_jwks,
            jwks_url=jwks_url,
            discovery_url=discovery_url,
            cache_seconds=cache_seconds,
        )
        self._session_factory_of = session_factory_of
        self._use_configured = not fetches_only_own_keys(
            own_issuer or issuer,
            inline_jwks=inline_jwks,
            jwks_url=jwks_url,
            discovery_url=discovery_url,
        )
        self._own_cache_seconds = own_cache_seconds
        self._own: KeySet | None = None
        self._own_read_at = float("-inf")
        self._own_lock = asyncio.Lock()

    async def keys(self, *, refresh: bool = False) -> KeySet:
        """The gateway's keys and the configured source's; `refresh` reads both again."""
        try:
            own = await self.own_keys(refresh=refresh)
        except Exception as exc:  # database unreachable (or the app not started)
            if not self._use_configured:
                raise Unauthenticated(f"the gateway's signing keys are unavailable: {exc}") from exc
            log.warning("the gateway's own signing keys are unavailable: %s", exc)
            own = KeySet([])
        if not self._use_configured:
            return own
        try:
            configured = await super().keys(refresh=refresh)
        except Exception as exc:
            if not own.keys:
                raise
            log.warning("the configured issuer's keys are unavailable: %s", exc)
            return own
        return KeySet([*own.keys, *configured.keys])

    async def own_keys(self, *, refresh: bool = False) -> KeySet:
        """The gateway's published signing keys (cached; `refresh` reads them again)."""
        async with self._own_lock:
            age = time.monotonic() - self._own_read_at
            if self._own is None or refresh or age > self._own_cache_seconds:
                try:
                    self._own = await self._read_own()
                except Exception:
                    if self._own is None:
                        raise
                    log.exception("could not read the gateway's signing keys; keeping the cache")
                self._own_read_at = time.monotonic()
            return self._own

    async def _read_own(self) -> KeySet:
        async with self._session_factory_of()() as session:
            jwks = await published_jwks(session)
        if not jwks["keys"]:
            return KeySet([])
        try:
            return KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        except ValueError as exc:
            raise Unauthenticated(f"the gateway's signing keys are unusable: {exc}") from exc
