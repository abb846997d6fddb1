"""Generated from each service's OpenAPI: every operation that is not public answers 401
without credentials, with an expired token, with a forged one and with one for another
issuer or audience, and 403 to a caller whose roles lack the permission it declares.

Nothing reaches a route's code in these cases (no database or broker is needed), so a 5xx
here means a route that checks too late.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from inventory_runtime.auth.permissions import PERMISSIONS, ROLE_PERMISSIONS, ROLES
from inventory_runtime.auth.testing import TEST_ISSUER, other_key

from tests.access.services import SERVICES

PUBLIC_PATHS = re.compile(r"^/(health|ready|metrics)$|^/\.well-known/|^/oauth/|^/auth/")
METHODS = ("get", "put", "post", "delete", "patch")
_apps: dict[str, FastAPI] = {}


def app_of(service: str) -> FastAPI:
    if service not in _apps:
        _apps[service] = next(s for s in SERVICES if s.name == service).build()
    return _apps[service]


def operations() -> Iterator[Any]:
    for service in SERVICES:
        schema = app_of(service.name).openapi()
        for path, item in schema["paths"].items():
            for method in METHODS:
                if method in item:
                    yield pytest.param(
                        service.name,
                        method,
                        path,
                        item[method],
                        id=f"{service.name} {method} {path}",
                    )


OPERATIONS = list(operations())
SECURED = [p for p in OPERATIONS if not PUBLIC_PATHS.match(p.values[2])]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x-1", path)


@pytest.fixture
async def client_for() -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def make(service: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app_of(service), raise_app_exceptions=False)
        client = httpx.AsyncClient(transport=transport, base_url="http://svc")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def test_every_service_exposes_operations_and_each_secured_one_names_its_permission() -> None:
    assert {p.values[0] for p in SECURED} == {s.name for s in SERVICES}
    for param in SECURED:
        _, method, path, operation = param.values
        permissions = operation.get("x-permissions")
        assert permissions, f"{method.upper()} {path} declares no permission"
        assert set(permissions) <= set(PERMISSIONS)
        assert operation.get("security") == [{"bearerAuth": []}]


BAD_TOKENS = {
    "missing": None,
    "expired": TEST_ISSUER.token(*ROLES, expires_in=-300),
    "forged": TEST_ISSUER.token(*ROLES, key=other_key()),
    "other-issuer": TEST_ISSUER.token(*ROLES, claims={"iss": "https://elsewhere.example"}),
    "other-audience": TEST_ISSUER.token(*ROLES, claims={"aud": "another-app"}),
}


@pytest.mark.parametrize(("service", "method", "path", "operation"), SECURED)
async def test_without_valid_credentials_every_operation_answers_401(
    client_for: Any, service: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    client = client_for(service)
    for name, token in BAD_TOKENS.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = await client.request(method.upper(), concrete(path), headers=headers, json={})
        assert answer.status_code == 401, f"{name}: {answer.status_code} {answer.text[:200]}"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("service", "method", "path", "operation"), SECURED)
async def test_a_role_without_the_permission_gets_403(
    client_for: Any, service: str, method: str, path: str, operation: dict[str, Any]
) -> None:
    needed = set(operation["x-permissions"])
    lacking: list[str] = [role for role in ROLES if not needed <= ROLE_PERMISSIONS[role]]
    for role in lacking or ["no-such-role"]:
        headers = {"Authorization": f"Bearer {TEST_ISSUER.token(role)}"}
        answer = await client_for(service).request(
            method.upper(), concrete(path), headers=headers, json={}
        )
        assert answer.status_code == 403, f"{role}: {answer.status_code} {answer.text[:200]}"
