"""`/oauth/authorize`: the sign-in page of the authorization-code flow (GET shows it, POST
signs in and redirects to the client with a code).

The client and redirect URI are checked first: an unknown one gets an error page and is never
redirected to. Other faults of the request go back to the (registered) redirect URI as
``error=invalid_request``. The form carries a CSRF token: an HMAC, under a key derived from
DATA_ENCRYPTION_KEY, of the authorization request and a random value held in a SameSite=Strict,
HttpOnly cookie, so a form posted from elsewhere (or with changed parameters) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from inventory_runtime.auth.routes import public, secured_router
from inventory_runtime.clock import utc_now

from integration_gateway.api.examples import answer
from integration_gateway.api.examples_identity import (
    ERROR_PAGE,
    FORM,
    HTML,
    SIGN_IN_FORM,
    SIGN_IN_PAGE,
)
from integration_gateway.api.issuer_support import gateway_settings, new_uow, passwords_of
from integration_gateway.api.login_html import (
    content_security_policy,
    error_page,
    language,
    login_page,
)
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.domain.grants import StoredCode
from integration_gateway.domain.tokens import WEB_CLIENT_ID, granted_scope, valid_code_challenge
from integration_gateway.handlers import tokens

router = secured_router(tags=["oidc issuer"], dependencies=[public()])
"""The issuer's routes answer without an access token: each carries its own credentials."""

PARAMS = (
    "client_id", "redirect_uri", "response_type", "state", "scope", "nonce",
    "code_challenge", "code_challenge_method", "ui_locales",
)  # fmt: skip
CSRF_COOKIE = "igw_login_csrf"
MAX_PARAM_LENGTH = 2048


def _headers(settings: IntegrationGatewaySettings) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings.web_redirect_uris),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _html(settings: IntegrationGatewaySettings, html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=_headers(settings))


def _params(source: dict[str, str]) -> dict[str, str]:
    return {name: source[name][:MAX_PARAM_LENGTH] for name in PARAMS if source.get(name)}


def _redirect(uri: str, query: dict[str, str]) -> RedirectResponse:
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(uri + separator + urlencode(query), status_code=303)


def _request_problem(params: dict[str, str]) -> str | None:
    if params.get("response_type") != "code":
        return "response_type must be code"
    if params.get("code_challenge_method") != "S256":
        return "PKCE with code_challenge_method S256 is required"
    if not valid_code_challenge(params.get("code_challenge", "")):
        return "code_challenge must be a base64url SHA-256 (43 characters)"
    return None


def _csrf_key(settings: IntegrationGatewaySettings) -> bytes:
    return hashlib.sha256(b"login form csrf:" + settings.data_encryption_key.encode()).digest()


def _csrf(settings: IntegrationGatewaySettings, nonce: str, params: dict[str, str]) -> str:
    bound = "\n".join([nonce, *(f"{k}={params.get(k, '')}" for k in PARAMS if k != "ui_locales")])
    return hmac.new(_csrf_key(settings), bound.encode(), hashlib.sha256).hexdigest()


def _checked(request: Request, params: dict[str, str]) -> tuple[str, Response | None]:
    """The page's language and, for a bad request, the answer to give instead."""
    settings = gateway_settings(request)
    lang = language(params.get("ui_locales"), request.headers.get("accept-language"))
    params["ui_locales"] = lang
    redirect_uri = params.get("redirect_uri", "")
    if params.get("client_id") != WEB_CLIENT_ID or redirect_uri not in settings.web_redirect_uris:
        return lang, _html(settings, error_page(lang, "bad_request"), 400)
    if problem := _request_problem(params):
        query = {"error": "invalid_request", "error_description": problem}
        return lang, _redirect(redirect_uri, {**query, **_state(params)})
    return lang, None


def _state(params: dict[str, str]) -> dict[str, str]:
    return {"state": params["state"]} if "state" in params else {}


def _form_page(
    request: Request,
    params: dict[str, str],
    lang: str,
    *,
    login: str = "",
    error: str | None = None,
) -> HTMLResponse:
    settings = gateway_settings(request)
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    html = login_page(lang, params, _csrf(settings, nonce, params), login=login, error=error)
    response = _html(settings, html, 200 if error is None else 401)
    response.set_cookie(
        CSRF_COOKIE, nonce, max_age=1800, path="/oauth/authorize", httponly=True,
        samesite="strict", secure=settings.issuer_url.startswith("https://"),
    )  # fmt: skip
    return response


@router.get(
    "/oauth/authorize",
    response_class=HTMLResponse,
    responses={
        200: answer(SIGN_IN_PAGE, "the sign-in page", HTML),
        303: {"description": "a bad request, sent back to the redirect URI with its error"},
        400: answer(ERROR_PAGE, "an unknown client or redirect URI", HTML),
    },
)
async def show_sign_in(request: Request) -> Response:
    """The sign-in page (language from `ui_locales`, then Accept-Language)."""
    params = _params(dict(request.query_params))
    lang, refused = _checked(request, params)
    return refused or _form_page(request, params, lang)


@router.post(
    "/oauth/authorize",
    response_class=HTMLResponse,
    responses={
        200: answer(SIGN_IN_PAGE, "not signed in: the page again", HTML),
        303: {"description": "signed in: to ``redirect_uri?code=...&state=...``"},
        400: answer(ERROR_PAGE, "an expired form or unknown client", HTML),
        401: answer(SIGN_IN_PAGE, "a wrong login or password: the page with the error", HTML),
    },
    openapi_extra={"requestBody": {"content": {FORM: SIGN_IN_FORM}, "required": True}},
)
async def sign_in(request: Request) -> Response:
    """Sign in; on success 303 to ``redirect_uri?code=...&state=...``."""
    settings = gateway_settings(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    params = _params(form)
    lang, refused = _checked(request, params)
    if refused is not None:
        return refused
    nonce = request.cookies.get(CSRF_COOKIE, "")
    expected = _csrf(settings, nonce, params)
    if not nonce or not hmac.compare_digest(expected, form.get("csrf", "")):
        return _html(settings, error_page(lang, "expired"), 400)
    login = form.get("login", "")[:64]
    now = utc_now()
    async with new_uow(request) as uow:
        person = await tokens.sign_in(
            uow, passwords_of(request), login, form.get("password", ""), now
        )
        if person is None:
            return _form_page(request, params, lang, login=login, error="wrong")
        code = await tokens.new_code(
            uow,
            StoredCode(
                client_id=params["client_id"], redirect_uri=params["redirect_uri"],
                person_id=person.id, code_challenge=params["code_challenge"],
                scope=granted_scope(params.get("scope")), nonce=params.get("nonce"),
                expires_at=tokens.code_expiry(now), used_at=None, family_id=None,
            ),
        )  # fmt: skip
    return _redirect(params["redirect_uri"], {"code": code, **_state(params)})
