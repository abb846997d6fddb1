"""The built-in OIDC issuer over HTTP on PostgreSQL, tried as an attacker would: discovery,
JWKS, the authorization-code flow with PKCE, refresh rotation, revocation, client credentials,
the login throttle, deactivation and key rotation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from integration_gateway.config import IntegrationGatewaySettings
from inventory_runtime.app import ServiceRuntime
from inventory_testkit.issuer import add_person, password_grant, verify

pytestmark = pytest.mark.integration

WEB = "inventory-web"
CALLBACK = "http://127.0.0.1:8001/auth/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize_params(challenge: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": WEB, "redirect_uri": CALLBACK, "response_type": "code", "state": "st-1",
        "scope": "openid profile email", "nonce": "n-0S6", "code_challenge": challenge,
        "code_challenge_method": "S256", **extra,
    }  # fmt: skip


async def sign_in_for_code(
    http: httpx.AsyncClient, login: str, password: str, challenge: str
) -> httpx.Response:
    params = _authorize_params(challenge)
    page = await http.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    form = {**params, "ui_locales": "zh-CN", "csrf": csrf.group(1), "login": login}
    return await http.post("/oauth/authorize", data={**form, "password": password})


async def test_discovery_document_names_the_endpoints_and_algorithms(
    issuer: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    doc = (await issuer.get("/.well-known/openid-configuration")).json()
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    base = settings.issuer_url
    assert doc["issuer"] == base
    assert doc["jwks_uri"] == f"{base}/oauth/jwks"
    assert doc["token_endpoint"] == f"{base}/oauth/token"
    assert doc["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert doc["userinfo_endpoint"] == f"{base}/oauth/userinfo"
    assert doc["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(doc["grant_types_supported"]) == {
        "authorization_code", "refresh_token", "password", "client_credentials"
    }  # fmt: skip
    assert {"openid", "offline_access"} <= set(doc["scopes_supported"])
    assert {"roles", "preferred_username", "locale"} <= set(doc["claims_supported"])


async def test_authorization_code_flow_with_pkce_gives_verifiable_tokens(
    issuer: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    person = await add_person(issuer, "chen.planner", roles=["planner"], department="purchasing")
    verifier, challenge = pkce()
    answer = await sign_in_for_code(issuer, "chen.planner", "correct horse 12", challenge)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["st-1"]
    exchange = {"grant_type": "authorization_code", "code": query["code"][0], "client_id": WEB,
                "redirect_uri": CALLBACK}  # fmt: skip
    wrong = await issuer.post("/oauth/token", data={**exchange, "code_verifier": pkce()[0]})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    tokens = await issuer.post("/oauth/token", data={**exchange, "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    assert tokens.headers["cache-control"] == "no-store"
    body = tokens.json()
    access = await verify(issuer, body["access_token"])
    assert access["header"]["typ"] == "at+jwt" and access["header"]["alg"] == "RS256"
    assert access["header"]["kid"]
    assert access["sub"] == person["id"] and access["aud"] == "inventory-platform"
    assert access["iss"] == runtime.settings.oidc_issuer.rstrip("/") and access["client_id"] == WEB
    assert access["roles"] == ["planner"] and access["department"] == "purchasing"
    assert access["preferred_username"] == "chen.planner" and access["locale"] == "zh-CN"
    assert access["exp"] - access["iat"] == 900 and access["nbf"] == access["iat"]
    assert access["jti"] and access["scope"] == "openid profile email"
    id_token = await verify(issuer, body["id_token"])
    assert id_token["aud"] == WEB and id_token["nonce"] == "n-0S6"
    again = await issuer.post("/oauth/token", data={**exchange, "code_verifier": verifier})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # the reuse revoked what the code gave: its refresh token no longer works
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    assert (await issuer.post("/oauth/token", data=refresh)).status_code == 400


async def test_unregistered_redirect_uri_is_refused_without_redirecting(
    issuer: httpx.AsyncClient,
) -> None:
    _, challenge = pkce()
    for bad in ("https://evil.example/cb", CALLBACK + "/x", CALLBACK + "?next=1"):
        page = await issuer.get(
            "/oauth/authorize", params=_authorize_params(challenge, redirect_uri=bad)
        )
        assert page.status_code == 400 and "location" not in page.headers
    other_client = _authorize_params(challenge, client_id="evil")
    assert (await issuer.get("/oauth/authorize", params=other_client)).status_code == 400
    no_pkce = {k: v for k, v in _authorize_params(challenge).items() if k != "code_challenge"}
    answer = await issuer.get("/oauth/authorize", params=no_pkce)
    assert answer.status_code == 303
    assert "error=invalid_request" in answer.headers["location"]
    plain = _authorize_params(challenge, code_challenge_method="plain")
    assert (
        "error=invalid_request"
        in (await issuer.get("/oauth/authorize", params=plain)).headers["location"]
    )


async def test_login_page_escapes_reflected_payloads_and_sends_strict_headers(
    issuer: httpx.AsyncClient,
) -> None:
    payload = '"><script>alert(1)</script>'
    _, challenge = pkce()
    page = await issuer.get("/oauth/authorize", params=_authorize_params(challenge, state=payload))
    assert page.status_code == 200
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert 'name="viewport"' in page.text
    evil = await issuer.get(
        "/oauth/authorize", params=_authorize_params(challenge, redirect_uri=payload)
    )
    assert evil.status_code == 400 and "<script>" not in evil.text
    form = {**_authorize_params(challenge, state=payload), "login": payload, "password": "x"}
    wrong = await issuer.post("/oauth/authorize", data=form)
    assert "<script>" not in wrong.text


async def test_login_page_speaks_chinese_or_english(issuer: httpx.AsyncClient) -> None:
    _, challenge = pkce()
    params = _authorize_params(challenge)
    zh = await issuer.get("/oauth/authorize", params=params, headers={"Accept-Language": "zh-CN"})
    assert "登录" in zh.text and 'lang="zh-CN"' in zh.text
    en = await issuer.get(
        "/oauth/authorize", params=params, headers={"Accept-Language": "en-US,zh;q=0.5"}
    )
    assert "Sign in" in en.text
    forced = await issuer.get("/oauth/authorize", params={**params, "ui_locales": "en"},
                              headers={"Accept-Language": "zh-CN"})  # fmt: skip
    assert 'lang="en"' in forced.text


async def test_a_form_without_its_csrf_token_is_refused(issuer: httpx.AsyncClient) -> None:
    await add_person(issuer, "zhao.operator", roles=["operator"])
    _, challenge = pkce()
    form = {
        **_authorize_params(challenge),
        "login": "zhao.operator",
        "password": "correct horse 12",
    }
    assert (await issuer.post("/oauth/authorize", data=form)).status_code == 400
    forged = await issuer.post("/oauth/authorize", data={**form, "csrf": "0" * 64})
    assert forged.status_code == 400 and "location" not in forged.headers


async def test_wrong_password_and_unknown_login_get_the_same_answer(
    issuer: httpx.AsyncClient,
) -> None:
    await add_person(issuer, "li.finance", roles=["finance"])
    _, challenge = pkce()
    wrong = await sign_in_for_code(issuer, "li.finance", "not the password", challenge)
    unknown = await sign_in_for_code(issuer, "no.such.person", "not the password", challenge)
    assert wrong.status_code == unknown.status_code == 401
    assert "登录名或密码错误" in wrong.text and "登录名或密码错误" in unknown.text
    a = await password_grant(issuer, "li.finance", "not the password")
    b = await password_grant(issuer, "no.such.person", "not the password")
    assert (
        a.json()
        == b.json()
        == {"error": "invalid_grant", "error_description": "wrong login or password"}
    )
