"""The reservation service's promise and quote routes, called for the CRM.

The gateway is the platform's token issuer, so it signs its own short-lived access token (the
service account ``integration-gateway`` with role ``integration``) with its active signing key
instead of asking itself for one over HTTP; the token is reused until half its life is gone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.clock import utc_now

from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.domain.tokens import (
    ACCESS_TOKEN_TYPE,
    SERVICE_SUBJECT_PREFIX,
    Subject,
    TokenPolicy,
)

CLIENT_ID = "integration-gateway"
SUBJECT = Subject(
    sub=f"{SERVICE_SUBJECT_PREFIX}{CLIENT_ID}",
    preferred_username=CLIENT_ID,
    name="Integration gateway (promise and quotes for the CRM)",
    roles=("integration",),
    locale="en",
    is_person=False,
)


class ReservationUnavailable(Exception):
    """Reservation could not be reached or did not answer in time."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: Any


class ReservationApi:
    """HTTP calls to reservation with the gateway's own token."""

    def __init__(self, base_url: str, http: httpx.AsyncClient, token: Callable[[], Awaitable[str]]):
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.token = token

    async def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        headers = {"Authorization": f"Bearer {await self.token()}"}
        try:
            answer = await self.http.request(
                method, f"{self.base_url}{path}", headers=headers, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ReservationUnavailable(str(exc) or type(exc).__name__) from None
        if answer.status_code >= 500:
            raise ReservationUnavailable(f"reservation answered {answer.status_code}")
        return Answer(answer.status_code, answer.json())


def signed_token(runtime: ServiceRuntime, policy: TokenPolicy) -> Callable[[], Awaitable[str]]:
    """The gateway's own access token, signed here and renewed at half its life."""
    held: list[tuple[str, float]] = []
    lock = asyncio.Lock()
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)

    async def token() -> str:
        async with lock:
            if held and held[0][1] > time.monotonic():
                return held[0][0]
            uow_class = GatewayUnitOfWork.keyed(settings.secret_box)
            async with uow_class(runtime.session_factory, source=settings.event_source) as uow:
                signer = await uow.signing_keys.signer()
            claims = policy.access_claims(SUBJECT, client_id=CLIENT_ID, scope="", now=utc_now())
            renew_at = time.monotonic() + policy.access_lifetime.total_seconds() / 2
            held[:] = [(signer.sign(claims, ACCESS_TOKEN_TYPE), renew_at)]
            return held[0][0]

    return token
