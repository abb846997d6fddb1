"""The service's client-credentials token: fetched once and shared, renewed before it
expires, fetched again after a 401, and a refusal or an unreachable issuer is an error that
caches nothing."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from inventory_runtime.service_token import ServiceToken, ServiceTokenAuth, ServiceTokenError

TOKEN_URL = "http://issuer.test/oauth/token"


class Issuer:
    """A stand-in token endpoint that counts grants and checks the client's credentials."""

    def __init__(self, lifetime: int = 900) -> None:
        self.grants = 0
        self.lifetime = lifetime
        self.refuse = False
        self.revoked: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/oauth/token":  # the resource server
            token = request.headers["authorization"].removeprefix("Bearer ")
            return httpx.Response(401 if token in self.revoked else 200, json={"token": token})
        basic = base64.b64decode(request.headers["authorization"].split()[1]).decode()
        if self.refuse or basic != "approval-service:s3cret-s3cret-s3cret":
            return httpx.Response(401, json={"error": "invalid_client"})
        assert b"grant_type=client_credentials" in request.content
        self.grants += 1
        return httpx.Response(
            200, json={"access_token": f"tok-{self.grants}", "expires_in": self.lifetime}
        )


def tokens_of(issuer: Issuer, now: list[float]) -> tuple[ServiceToken, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(issuer))
    tokens = ServiceToken(
        TOKEN_URL, "approval-service", "s3cret-s3cret-s3cret", http=http, monotonic=lambda: now[0]
    )
    return tokens, http


async def test_one_grant_serves_concurrent_callers_until_shortly_before_expiry() -> None:
    issuer, now = Issuer(lifetime=900), [1000.0]
    tokens, http = tokens_of(issuer, now)
    assert set(await asyncio.gather(*(tokens.token() for _ in range(5)))) == {"tok-1"}
    now[0] += 900 - 61
    assert await tokens.token() == "tok-1"
    now[0] += 2  # within the last minute of its life
    assert await tokens.token() == "tok-2"
    assert issuer.grants == 2
    assert "s3cret" not in repr(tokens)
    await http.aclose()


async def test_a_401_from_a_service_fetches_a_new_token_once() -> None:
    issuer, now = Issuer(), [0.0]
    tokens, http = tokens_of(issuer, now)
    auth = ServiceTokenAuth(tokens)
    first = await http.get("http://service.test/v1/x", auth=auth)
    assert first.json() == {"token": "tok-1"}
    issuer.revoked.add("tok-1")  # revoked before it expired
    second = await http.get("http://service.test/v1/x", auth=auth)
    assert second.status_code == 200 and second.json() == {"token": "tok-2"}
    issuer.revoked.add("tok-2")
    issuer.revoked.add("tok-3")  # still refused after one new token: the 401 is the answer
    third = await http.get("http://service.test/v1/x", auth=auth)
    assert third.status_code == 401 and issuer.grants == 3
    await http.aclose()


async def test_a_refusal_or_an_unreachable_issuer_raises_and_caches_nothing() -> None:
    issuer, now = Issuer(), [0.0]
    issuer.refuse = True
    tokens, http = tokens_of(issuer, now)
    with pytest.raises(ServiceTokenError, match="refused 'approval-service': 401"):
        await tokens.token()
    issuer.refuse = False
    assert await tokens.token() == "tok-1"

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    offline = httpx.AsyncClient(transport=httpx.MockTransport(down))
    unreachable = ServiceToken(TOKEN_URL, "approval-service", "x" * 20, http=offline)
    with pytest.raises(ServiceTokenError, match="unreachable: ConnectError"):
        await unreachable.token()
    await http.aclose()
    await offline.aclose()
