"""Reads the facts behind a purchase requisition from the services that own them, in
parallel, each with a short timeout, as the approval service's own service account.

replenishment: the last planning run of the stock point (forecast, safety stock, reorder
point), its policy, its position (on order), its demand history, the supplier's delivery
performance and the recent purchase orders of the item from that supplier; reservation: on
hand / reserved and what is backordered. A part that fails (the service unreachable or slow,
the token refused, the point unknown, an answer of another shape) becomes `Unavailable`; the
others still arrive.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import fields, replace
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from inventory_runtime.service_token import ServiceToken, ServiceTokenAuth, ServiceTokenError
from pydantic import TypeAdapter, ValidationError

from approval.domain.why import (
    RECENT_PRICES,
    Availability,
    Backorders,
    Demand,
    Order,
    Planning,
    Policy,
    Position,
    Readings,
    Requested,
    Supplier,
    Unavailable,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


def _path(*parts: str) -> str:
    return "/".join(quote(part, safe="") for part in parts)


class WhyReader:
    """The live readings of one request (`read`), through one shared HTTP client."""

    def __init__(
        self,
        replenishment_url: str,
        reservation_url: str,
        tokens: ServiceToken,
        http: httpx.AsyncClient,
    ) -> None:
        self.replenishment_url = replenishment_url.rstrip("/")
        self.reservation_url = reservation_url.rstrip("/")
        self._tokens = tokens
        self._auth = ServiceTokenAuth(tokens)
        self._http = http

    async def _get(self, url: str, shape: type[T] | Any, **params: Any) -> T | Unavailable:
        try:
            answer = await self._http.get(url, params=params, auth=self._auth)
        except ServiceTokenError as exc:
            log.warning("why panel: no service token: %s", exc)
            return Unavailable("refused")
        except httpx.HTTPError as exc:
            log.info("why panel: %s unreachable: %s", url, type(exc).__name__)
            return Unavailable("unreachable")
        if answer.status_code == 404:
            return Unavailable("not_found")
        if answer.status_code != 200:
            log.info("why panel: %s answered %s", url, answer.status_code)
            return Unavailable("refused")
        try:
            found: T = TypeAdapter(shape).validate_json(answer.content)
        except ValidationError:
            log.warning("why panel: %s answered an unexpected shape", url)
            return Unavailable("invalid")
        return found

    async def read(self, ask: Requested) -> Readings:
        """Every reading of `ask`'s stock point and supplier, fetched concurrently."""
        try:  # once, before the parallel reads: a failing issuer is asked once, not per read
            await self._tokens.token()
        except ServiceTokenError as exc:
            log.warning("why panel: no service token: %s", exc)
            return Readings(*[Unavailable("refused")] * len(fields(Readings)))
        point = _path(ask.sku, ask.location)
        plan, res = self.replenishment_url, self.reservation_url
        supplier = _path(ask.supplier_id or "-")
        found = await asyncio.gather(
            self._get(f"{plan}/v1/policies/{point}/planning", Planning),
            self._get(f"{plan}/v1/policies/{point}", Policy),
            self._get(f"{plan}/v1/positions/{point}", Position),
            self._get(f"{res}/v1/availability/{point}", Availability),
            self._get(f"{res}/v1/backorders/{point}", Backorders),
            self._get(f"{plan}/v1/demand/{point}", Demand),
            self._get(f"{plan}/v1/suppliers/{supplier}/performance", Supplier),
            self._get(
                f"{plan}/v1/purchase-orders",
                list[Order],
                sku=ask.sku,
                supplier_id=ask.supplier_id or "-",
                limit=RECENT_PRICES,
            ),
        )
        readings = Readings(*found)
        planned, demand = readings.planning, readings.demand
        stale = isinstance(demand, Demand) and demand.period != getattr(planned, "period", None)
        if isinstance(planned, Planning) and stale:  # planned in days or months: its buckets
            again = await self._get(f"{plan}/v1/demand/{point}", Demand, period=planned.period)
            readings = replace(readings, demand=again)
        return readings


TOKEN_TIMEOUT_SECONDS = 10.0


def why_reader_of(
    replenishment_url: str,
    reservation_url: str,
    token_url: str,
    client_id: str,
    client_secret: str,
    timeout_seconds: float,
) -> WhyReader:
    """A reader with its own HTTP clients: the reads wait `timeout_seconds` (the page shows
    what came in time); the service token, fetched once and reused until it nears expiry,
    waits longer (`TOKEN_TIMEOUT_SECONDS`), since without it no read can start."""
    http = httpx.AsyncClient(
        timeout=timeout_seconds, limits=httpx.Limits(max_connections=50), follow_redirects=False
    )
    token_http = httpx.AsyncClient(
        timeout=max(timeout_seconds, TOKEN_TIMEOUT_SECONDS), follow_redirects=False
    )
    tokens = ServiceToken(token_url, client_id, client_secret, http=token_http)
    return WhyReader(replenishment_url, reservation_url, tokens, http)
