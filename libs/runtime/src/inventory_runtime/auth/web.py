"""Login for the web pages: OpenID Connect authorization code flow with PKCE.

A page a signed-out person opens redirects to ``/auth/login?next=<page>``, which sends the
browser to the issuer's authorization endpoint (the built-in login page, or the company's
IdP). ``/auth/callback`` exchanges the code for tokens and keeps the access token in an
HttpOnly, SameSite=Lax session cookie (and the refresh token in one only ``/auth`` sees);
when the session expires, ``/auth/login`` first tries the refresh token, so a person working
all day logs in once. ``POST /auth/logout`` (CSRF-protected) revokes and forgets both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from html import escape
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from inventory_runtime.auth.principal import Unauthenticated
from inventory_runtime.auth.routes import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SecuredRoute,
    csrf_token_for,
    public,
)
from inventory_runtime.auth.tokens import FETCH_TIMEOUT_SECONDS, TokenVerifier

REFRESH_COOKIE = "inv_refresh"
FLOW_COOKIE = "inv_login"
FLOW_SECONDS = 600
AUTH_PATH = "/auth"


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else ``/`` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_session(request: Request, response: Response, tokens: dict[str, Any]) -> None:
    lifetime = int(tokens.get("expires_in") or 900)
    secure = _secure(request)
    response.set_cookie(
        SESSION_COOKIE,
        tokens["access_token"],
        max_age=lifetime,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    if tokens.get("refresh_token"):
        response.set_cookie(
            REFRESH_COOKIE,
            tokens["refresh_token"],
            max_age=30 * 86400,
            httponly=True,
            samesite="strict",
            secure=secure,
            path=AUTH_PATH,
        )


def _forget(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path=AUTH_PATH)
    response.delete_cookie(FLOW_COOKIE, path=AUTH_PATH)


async def _token_request(request: Request, form: dict[str, str]) -> dict[str, Any]:
    verifier: TokenVerifier = request.app.state.token_verifier
    endpoint = str((await verifier.keys.metadata())["token_endpoint"])
    async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
        answer = await client.post(endpoint, data=form)
    if answer.status_code != 200:
        raise Unauthenticated(f"the issuer refused: {answer.text[:200]}")
    tokens = dict(answer.json())
    await verifier.verify(str(tokens.get("access_token", "")))
    return tokens


def _client_id(request: Request) -> str:
    return str(request.app.state.oidc_client_id)


async def login(request: Request, next: str = "/") -> Response:
    target = safe_next(next)
    refresh = request.cookies.get(REFRESH_COOKIE)
    if refresh:
        try:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": refresh,
                "client_id": _client_id(request),
            }
            tokens = await _token_request(request, form)
        except (Unauthenticated, httpx.HTTPError, ValueError):
            pass
        else:
            response = RedirectResponse(target, status_code=303)
            _set_session(request, response, tokens)
            return response
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        metadata = await verifier.keys.metadata()
    except (httpx.HTTPError, ValueError):
        return _failed("the sign-in service cannot be reached; try again shortly", status=503)
    flow = {
        "state": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(48),
        "nonce": secrets.token_urlsafe(16),
        "next": target,
        "at": int(time.time()),
    }
    query = {
        "response_type": "code",
        "client_id": _client_id(request),
        "redirect_uri": str(request.url_for("auth_callback")),
        "scope": "openid profile email",
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": _challenge(str(flow["verifier"])),
        "code_challenge_method": "S256",
    }
    locale = request.headers.get("accept-language", "")
    if locale:
        query["ui_locales"] = "zh-CN" if locale.lower().startswith("zh") else "en"
    response = RedirectResponse(
        f"{metadata['authorization_endpoint']}?{urlencode(query)}", status_code=303
    )
    response.set_cookie(
        FLOW_COOKIE,
        json.dumps(flow),
        max_age=FLOW_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path=AUTH_PATH,
    )
    return response


async def callback(request: Request, code: str = "", state: str = "") -> Response:
    try:
        flow = json.loads(request.cookies.get(FLOW_COOKIE, ""))
    except ValueError:
        flow = {}
    fresh = isinstance(flow, dict) and time.time() - flow.get("at", 0) < FLOW_SECONDS
    if not fresh or not code or not secrets.compare_digest(str(flow.get("state")), state):
        return _failed("the login expired or did not start here; open the page again")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": str(request.url_for("auth_callback")),
        "client_id": _client_id(request),
        "code_verifier": str(flow["verifier"]),
    }
    try:
        tokens = await _token_request(request, form)
    except (Unauthenticated, httpx.HTTPError, ValueError) as exc:
        return _failed(f"login failed: {exc}")
    response = RedirectResponse(safe_next(flow.get("next")), status_code=303)
    response.delete_cookie(FLOW_COOKIE, path=AUTH_PATH)
    _set_session(request, response, tokens)
    return response


async def logout(request: Request, csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or not secrets.compare_digest(csrf_token, csrf_token_for(session)):
        return _failed("sign-out needs the page's CSRF token", status=403)
    refresh = request.cookies.get(REFRESH_COOKIE)
    if refresh:
        await _revoke(request, refresh)
    # to a page of this site: a page's form-action CSP would block the issuer's origin
    response = RedirectResponse(f"{AUTH_PATH}/signed-out", status_code=303)
    _forget(response)
    return response


def auth_router() -> APIRouter:
    """The ``/auth`` routes of a service that serves pages."""
    router = APIRouter(
        prefix=AUTH_PATH,
        tags=["login"],
        route_class=SecuredRoute,
        include_in_schema=False,
        dependencies=[public()],
    )
    router.add_api_route("/login", login, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(
        "/callback", callback, methods=["GET"], name="auth_callback", response_class=HTMLResponse
    )
    router.add_api_route("/logout", logout, methods=["POST"], response_class=HTMLResponse)
    router.add_api_route("/signed-out", signed_out, methods=["GET"], response_class=HTMLResponse)
    return router


async def _revoke(request: Request, refresh: str) -> None:
    verifier: TokenVerifier = request.app.state.token_verifier
    endpoint = (await verifier.keys.metadata()).get("revocation_endpoint")
    if not endpoint:
        return
    form = {"token": refresh, "token_type_hint": "refresh_token", "client_id": _client_id(request)}
    try:
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
            await client.post(str(endpoint), data=form)
    except httpx.HTTPError:
        pass  # the cookies are forgotten anyway; the token expires on its own


async def signed_out() -> HTMLResponse:
    """Where sign-out ends: the session is gone; a link signs in again."""
    return _failed("已退出登录。You have signed out.", status=200)


def _failed(message: str, status: int = 400) -> HTMLResponse:
    body = (
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>登录 Sign in</title><p>{escape(message)}</p>"
        f"<p><a href='{AUTH_PATH}/login'>重新登录 Sign in again</a></p>"
    )
    return HTMLResponse(body, status_code=status)
