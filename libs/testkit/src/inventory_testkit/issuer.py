"""Talking to an identity issuer like the built-in one (integration-gateway) in tests: the
password grant, the administrator's token, adding a person, verifying a token against the
published JWKS as another service would."""

from __future__ import annotations

from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

TEST_ADMIN_PASSWORD = "admin-password-for-tests"
"""The BOOTSTRAP_ADMIN_PASSWORD the gateway's tests start it with."""


async def password_grant(http: httpx.AsyncClient, login: str, password: str) -> httpx.Response:
    data = {"grant_type": "password", "username": login, "password": password}
    return await http.post("/oauth/token", data=data)


async def admin_token(http: httpx.AsyncClient) -> str:
    response = await password_grant(http, "admin", TEST_ADMIN_PASSWORD)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def add_person(http: httpx.AsyncClient, login: str, **fields: Any) -> dict[str, Any]:
    body = {"login": login, "display_name": login.title(), "password": "correct horse 12", **fields}
    headers = {"Authorization": f"Bearer {await admin_token(http)}"}
    response = await http.post("/v1/people", json=body, headers=headers)
    assert response.status_code == 201, response.text
    person: dict[str, Any] = response.json()
    return person


async def verify(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """Verify `token` as another service would: against the published JWKS."""
    keys = KeySet.import_key_set((await http.get("/oauth/jwks")).json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    return {"header": decoded.header, **decoded.claims}
