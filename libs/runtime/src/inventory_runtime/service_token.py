"""A service's own access token: the OAuth 2 client-credentials grant (RFC 6749 section 4.4)
against the platform's issuer, cached until shortly before it expires.

::

    tokens = ServiceToken(token_url, client_id, client_secret, http=client)
    answer = await client.get(url, auth=ServiceTokenAuth(tokens))

One token is fetched at a time (concurrent callers wait for the same one); a refusal or an
unreachable issuer raises `ServiceTokenError` and nothing is cached, so the next call tries
again. `ServiceTokenAuth` fetches a new token once when a service answers 401 (the token was
revoked or the issuer's keys rotated before it expired).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx

RENEW_BEFORE_SECONDS = 60.0
"""A cached token is renewed this long before it expires (or at half its life if shorter)."""


class ServiceTokenError(Exception):
    """The issuer refused the client credentials or could not be reached."""


@dataclass(frozen=True)
class _Held:
    token: str
    renew_at: float


class ServiceToken:
    """The client-credentials token of one service account, cached and renewed before expiry."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        http: httpx.AsyncClient,
        scope: str = "",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._http = http
        self._scope = scope
        self._monotonic = monotonic
        self._held: _Held | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:  # never the secret
        return f"ServiceToken({self.token_url!r}, {self.client_id!r})"

    async def token(self, *, fresh: bool = False) -> str:
        """A valid access token; `fresh` drops the cached one first."""
        async with self._lock:
            held = self._held
            if fresh or held is None or self._monotonic() >= held.renew_at:
                self._held = None
                held = self._held = await self._fetch()
            return held.token

    def _basic_pair(self) -> tuple[str, str]:
        # RFC 6749 section 2.3.1: form-encoded before they go into the Basic header
        return quote(self.client_id, safe=""), quote(self._secret, safe="")

    async def _fetch(self) -> _Held:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        try:
            answer = await self._http.post(
                self.token_url, data=form, auth=httpx.BasicAuth(*self._basic_pair())
            )
        except httpx.HTTPError as exc:
            raise ServiceTokenError(f"issuer unreachable: {type(exc).__name__}") from None
        if answer.status_code != 200:
            raise ServiceTokenError(f"issuer refused {self.client_id!r}: {answer.status_code}")
        try:
            body = answer.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 300))
        except (ValueError, KeyError, TypeError):
            raise ServiceTokenError("issuer answered without an access token") from None
        renew_in = max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2, 0.0)
        return _Held(token, self._monotonic() + renew_in)


class ServiceTokenAuth(httpx.Auth):
    """httpx auth sending the service's token; on a 401 it fetches a new one and retries once.
    A `ServiceTokenError` propagates to the caller of the request."""

    def __init__(self, tokens: ServiceToken) -> None:
        self.tokens = tokens

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.tokens.token()}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {await self.tokens.token(fresh=True)}"
            yield request
