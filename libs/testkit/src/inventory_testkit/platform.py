"""The running platform's six services over HTTP, and polling with a deadline."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

import httpx
from inventory_gateway_client import AuthenticatedClient

from inventory_testkit.tokens import ADMIN_LOGIN, BearerLogin, TokenStore

PORTS = {
    "stock-ledger": int(os.getenv("STOCK_LEDGER_PORT", "8001")),
    "reservation": int(os.getenv("RESERVATION_PORT", "8002")),
    "replenishment": int(os.getenv("REPLENISHMENT_PORT", "8003")),
    "approval": int(os.getenv("APPROVAL_PORT", "8004")),
    "alerting": int(os.getenv("ALERTING_PORT", "8005")),
    "integration-gateway": int(os.getenv("INTEGRATION_GATEWAY_PORT", "8006")),
}
API_KEY = os.getenv("GATEWAY_API_KEY", "dev-api-key")

T = TypeVar("T")


def unique(prefix: str) -> str:
    """An id no earlier run used, so tests never see each other's data."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def base_url(service: str) -> str:
    """Where `service` answers HTTP on this machine."""
    return f"http://127.0.0.1:{PORTS[service]}"


_tokens: TokenStore | None = None


def tokens() -> TokenStore:
    """The token store of the running stack's built-in issuer (the gateway)."""
    global _tokens
    if _tokens is None:
        _tokens = TokenStore(base_url("integration-gateway"))
    return _tokens


def http(service: str, *, login: str | None = ADMIN_LOGIN, **kwargs: Any) -> httpx.AsyncClient:
    """An HTTP client of one service, signed in as `login` (None: no credentials)."""
    if login is not None and "auth" not in kwargs:
        kwargs["auth"] = BearerLogin(tokens(), login)
    kwargs.setdefault("timeout", 15)
    return httpx.AsyncClient(base_url=base_url(service), **kwargs)


def gateway(*, api_key: str | None = API_KEY, login: str | None = None) -> AuthenticatedClient:
    """The integration gateway's typed client (`inventory_gateway_client`, generated from its
    published OpenAPI document): with `api_key` (the stack's), or signed in as `login` (the
    admin API's routes take a person's token), or with neither for an anonymous caller.

    ``async with gateway() as gw: await place_order.asyncio_detailed(client=gw, body=...)``
    """
    if login is not None:
        transport = http("integration-gateway", login=login)
    elif api_key is not None:
        bearer = {"Authorization": f"Bearer {api_key}"}
        transport = http("integration-gateway", login=None, headers=bearer)
    else:
        transport = http("integration-gateway", login=None)
    client = AuthenticatedClient(
        base_url=base_url("integration-gateway"),
        token="",  # the credentials are the transport's
        raise_on_unexpected_status=True,  # an answer the document does not list fails
    )
    return client.set_async_httpx_client(transport)


def is_ready(port: int) -> bool:
    """True if the service on `port` answers /ready with 200."""
    return readiness_problem(port) is None


def readiness_problem(port: int) -> str | None:
    """None if the service on `port` is ready, else what its /ready says is failing."""
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5)
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__})"
    if response.status_code == 200:
        return None
    try:
        checks = response.json()["checks"]
        return "; ".join(f"{name}: {result}" for name, result in checks.items() if result != "ok")
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"HTTP {response.status_code}"


def not_ready() -> list[str]:
    """The services that do not answer /ready now, each with what is failing."""
    problems = {service: readiness_problem(port) for service, port in PORTS.items()}
    return [f"{service} ({problem})" for service, problem in problems.items() if problem]


def holds(predicate: Callable[[T], object], value: T) -> bool:
    """`predicate(value)`, with a value of the wrong shape (not yet there) taken as False."""
    try:
        return bool(predicate(value))
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


@overload
async def poll(  # an awaitable result is awaited first
    fetch: Callable[[], Awaitable[T]],
    until: Callable[[T], object],
    *,
    timeout: float = 30,
    what: str = "",
) -> T: ...


@overload
async def poll(
    fetch: Callable[[], T], until: Callable[[T], object], *, timeout: float = 30, what: str = ""
) -> T: ...


async def poll(
    fetch: Callable[[], Any], until: Callable[[Any], object], *, timeout: float = 30, what: str = ""
) -> Any:
    """Call `fetch` (sync or async) until `until(result)` holds, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = fetch()
        if isinstance(last, Awaitable):
            last = await last
        if holds(until, last):
            return last
        await asyncio.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")


async def approval_in_inbox(request_id: str) -> dict[str, Any]:
    """Wait until the approval service holds `request_id`, as an approver's inbox would show it.

    Seeing `ApprovalRequested` on Kafka only says it was published; the approval service takes
    it from the topic a moment later, and acting before then would find nothing.
    """
    async with http("approval") as approval:
        found = await poll(
            lambda: approval.get(f"/v1/approvals/{request_id}"),
            lambda r: r.status_code == 200,
            what=f"approval request {request_id} in the approval service",
        )
    return dict(found.json())


async def disable_alert_channels() -> None:
    """Switch off the alert channels earlier runs left behind (their receivers are gone)."""
    async with http("alerting") as alerting:
        for channel in (await alerting.get("/v1/channels")).json():
            if not channel["enabled"]:
                continue
            config = {k: v for k, v in channel["config"].items() if v != "***"}  # masked secrets
            body = {"kind": channel["kind"], "name": channel["name"], "enabled": False}
            response = await alerting.put(
                f"/v1/channels/{channel['id']}", json={**body, "config": config}
            )
            response.raise_for_status()
