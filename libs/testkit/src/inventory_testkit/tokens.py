"""Access tokens of the running stack's built-in issuer, for the demo, the e2e suite and
the benches: log in with a password (OAuth 2 password grant) and keep the token fresh.

::

    async with http("approval", login="wang.manager") as approval:   # platform.http
        await approval.post(f"/v1/approvals/{id}/approve", json={})

Development only: the passwords are the development ones the README gives (override with
INVENTORY_ADMIN_PASSWORD / INVENTORY_DEMO_PASSWORD for another stack).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import httpx

from inventory_testkit import demo_people

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = os.getenv("INVENTORY_ADMIN_PASSWORD", "dev-admin-password")
DEMO_PASSWORD = os.getenv("INVENTORY_DEMO_PASSWORD", demo_people.DEMO_PASSWORD)
CLIENT_ID = os.getenv("INVENTORY_CLIENT_ID", "inventory-cli")
RENEW_BEFORE_SECONDS = 60


@dataclass
class _Held:
    token: str
    expires_at: float


class TokenStore:
    """One token per login, fetched on first use and again shortly before it expires."""

    def __init__(self, issuer_url: str) -> None:
        self.issuer_url = issuer_url.rstrip("/")
        self._held: dict[str, _Held] = {}
        self._lock = asyncio.Lock()

    def password_of(self, login: str) -> str:
        return ADMIN_PASSWORD if login == ADMIN_LOGIN else DEMO_PASSWORD

    async def token(self, login: str, *, fresh: bool = False) -> str:
        async with self._lock:
            held = self._held.get(login)
            if fresh or held is None or held.expires_at - time.time() < RENEW_BEFORE_SECONDS:
                held = await self._log_in(login)
                self._held[login] = held
            return held.token

    async def _log_in(self, login: str) -> _Held:
        form = {
            "grant_type": "password",
            "username": login,
            "password": self.password_of(login),
            "client_id": CLIENT_ID,
        }
        async with httpx.AsyncClient(timeout=15) as client:
            answer = await client.post(f"{self.issuer_url}/oauth/token", data=form)
        if answer.status_code != 200:
            raise RuntimeError(f"login as {login!r} refused: {answer.status_code} {answer.text}")
        body = answer.json()
        return _Held(body["access_token"], time.time() + float(body.get("expires_in", 300)))


class BearerLogin(httpx.Auth):
    """httpx auth sending `login`'s token; a 401 (token expired early) logs in once more."""

    def __init__(self, store: TokenStore, login: str) -> None:
        self.store = store
        self.login = login

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.store.token(self.login)}"
        response = yield request
        if response.status_code == 401:
            fresh = await self.store.token(self.login, fresh=True)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request
