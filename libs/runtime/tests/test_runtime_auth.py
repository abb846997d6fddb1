"""Every secured route refuses a caller without a valid token or the permission it declares,
before it reads the body; pages use a session cookie whose state changes need a CSRF token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from inventory_runtime.auth.app_security import check_and_document_routes, install_identity
from inventory_runtime.auth.permissions import PERMISSIONS, ROLE_PERMISSIONS, permissions_of
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import (
    CSRF_HEADER,
    SESSION_COOKIE,
    RouteWithoutPermission,
    csrf_token_for,
    public,
    require,
    secured_router,
)
from inventory_runtime.auth.testing import TEST_ISSUER, other_key
from inventory_runtime.auth.tokens import ClaimNames, principal_from_claims
from inventory_runtime.auth.web import safe_next
from inventory_runtime.settings import ServiceSettings
from pydantic import BaseModel

router = secured_router(prefix="/v1")
seen: list[str] = []


class Note(BaseModel):
    text: str


@router.post("/notes")
async def add_note(
    note: Note, actor: Annotated[Principal, require("stock:write")]
) -> dict[str, str]:
    seen.append(note.text)
    return {"by": actor.id, "text": note.text}


@router.get("/notes", dependencies=[require("stock:read")])
async def list_notes() -> list[str]:
    return seen


@router.get("/page", response_class=HTMLResponse, dependencies=[require("stock:read")])
async def page() -> str:
    return "<p>hello</p>"


@router.get("/open", dependencies=[public()])
async def open_route() -> dict[str, bool]:
    return {"open": True}


def build_app() -> FastAPI:
    app = FastAPI()
    install_identity(app, ServiceSettings(service_name="authtest"), pages=False)
    app.include_router(router)
    check_and_document_routes(app)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    seen.clear()
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_with_the_permission_acts_as_its_login(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/v1/notes", json={"text": "hi"}, headers=TEST_ISSUER.headers("operator", login="zhao.op")
    )
    assert answer.status_code == 200
    assert answer.json() == {"by": "zhao.op", "text": "hi"}


@pytest.mark.parametrize(
    "token",
    [
        None,
        TEST_ISSUER.token("operator", expires_in=-120),
        TEST_ISSUER.token("operator", key=other_key()),
        TEST_ISSUER.token("operator", claims={"aud": "another-app"}),
        TEST_ISSUER.token("operator", claims={"iss": "https://evil.example"}),
        "not-a-jwt",
    ],
    ids=["missing", "expired", "forged", "wrong-audience", "wrong-issuer", "garbage"],
)
async def test_bad_credentials_get_401_and_the_body_is_never_read(
    client: httpx.AsyncClient, token: str | None
) -> None:
    headers = bearer(token) if token else {}
    answer = await client.post("/v1/notes", content=b"{not json", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert seen == []


async def test_a_role_without_the_permission_gets_403_naming_it(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/v1/notes", json={"text": "hi"}, headers=TEST_ISSUER.headers("auditor")
    )
    assert answer.status_code == 403
    assert "stock:write" in answer.json()["detail"]
    assert seen == []


async def test_public_routes_answer_without_credentials(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/open")).json() == {"open": True}


async def test_a_page_without_a_session_redirects_to_the_login(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/page?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/login?next=%2Fv1%2Fpage%3Fx%3D1"


async def test_a_session_cookie_reads_but_needs_the_csrf_token_to_change(
    client: httpx.AsyncClient,
) -> None:
    session = TEST_ISSUER.token("operator", login="zhao.op")
    client.cookies.set(SESSION_COOKIE, session)
    assert (await client.get("/v1/page")).status_code == 200
    refused = await client.post("/v1/notes", json={"text": "csrf"})
    assert refused.status_code == 403 and refused.json()["error"] == "csrf"
    wrong = await client.post("/v1/notes", json={"text": "csrf"}, headers={CSRF_HEADER: "x"})
    assert wrong.status_code == 403
    cross_site = {CSRF_HEADER: csrf_token_for(session), "Origin": "https://evil.example"}
    assert (
        await client.post("/v1/notes", json={"text": "x"}, headers=cross_site)
    ).status_code == 403
    assert seen == []
    ok = await client.post(
        "/v1/notes", json={"text": "ok"}, headers={CSRF_HEADER: csrf_token_for(session)}
    )
    assert ok.status_code == 200 and seen == ["ok"]


def test_a_route_without_a_permission_cannot_be_built() -> None:
    bare = secured_router()
    with pytest.raises(RouteWithoutPermission, match="declares no permission"):

        @bare.get("/forgotten")
        async def forgotten() -> None:
            return None


def test_the_openapi_names_each_operations_permission() -> None:
    schema = build_app().openapi()
    operation = schema["paths"]["/v1/notes"]["post"]
    assert operation["x-permissions"] == ["stock:write"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"401", "403"} <= set(operation["responses"])
    assert "security" not in schema["paths"]["/v1/open"]["get"]


def test_roles_of_an_external_idp_are_mapped_and_found_by_path() -> None:
    claims = {"sub": "u-1", "upn": "li@corp", "realm_access": {"roles": ["Buyers", "other"]}}
    names = ClaimNames(username="upn", roles="realm_access.roles", role_map={"Buyers": "planner"})
    principal = principal_from_claims(claims, names)
    assert principal.id == "li@corp"
    assert principal.may("planning:write") and not principal.may("approval:admin")


def test_permission_table_gives_approving_only_to_approvers_and_finance() -> None:
    assert permissions_of(["admin"]) >= set(PERMISSIONS) - {"approval:decide"}
    assert not permissions_of(["admin"]) & {"approval:decide"}
    holders = {role for role, granted in ROLE_PERMISSIONS.items() if "approval:decide" in granted}
    assert holders == {"approver", "finance"}
    assert permissions_of(["no-such-role"]) == frozenset()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/v1/page?x=1", "/v1/page?x=1"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        (None, "/"),
    ],
)
def test_login_only_returns_to_pages_of_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
