"""The built-in OIDC issuer's public endpoints: discovery, JWKS, token (RFC 6749), revocation
(RFC 7009) and userinfo. No API key or session: each request carries its own credentials."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from inventory_runtime.auth.routes import public, secured_router
from inventory_runtime.clock import utc_now

from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.api.examples import answer
from integration_gateway.api.examples_identity import (
    DISCOVERY,
    JWKS,
    REVOKE_FORM,
    TOKEN_FORM,
    TOKENS,
    USERINFO,
    form_body,
    oauth_error_answer,
)
from integration_gateway.api.issuer_support import (
    NO_STORE,
    gateway_settings,
    new_uow,
    oauth_error,
    passwords_of,
    token_answer,
    token_policy,
    verified_claims,
)
from integration_gateway.domain.tokens import (
    CLI_CLIENT_ID,
    PUBLIC_CLIENTS,
    SCOPES_SUPPORTED,
    WEB_CLIENT_ID,
    OAuthError,
    granted_scope,
    invalid_client,
    invalid_grant,
)
from integration_gateway.handlers import tokens

router = secured_router(tags=["oidc issuer"], dependencies=[public()])
"""The issuer's routes answer without an access token: each carries its own credentials."""

GRANT_TYPES = ("authorization_code", "refresh_token", "password", "client_credentials")
CLAIMS = (
    "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "client_id", "scope",
    "preferred_username", "name", "email", "roles", "department", "locale",
)  # fmt: skip


@router.get("/.well-known/openid-configuration", responses={200: answer(DISCOVERY)})
async def discovery(request: Request) -> dict[str, Any]:
    """The OpenID Provider metadata (OIDC Discovery 1.0)."""
    settings = gateway_settings(request)
    base = settings.issuer_url
    grants = [g for g in GRANT_TYPES if g != "password" or settings.oidc_password_grant]
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "jwks_uri": f"{base}/oauth/jwks",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants,
        "subject_types_supported": ["public"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": list(SCOPES_SUPPORTED),
        "claims_supported": list(CLAIMS),
        "ui_locales_supported": ["zh-CN", "en"],
    }


@router.get("/oauth/jwks", responses={200: answer(JWKS)})
async def jwks(request: Request) -> JSONResponse:
    """The public keys that verify this issuer's tokens (active and recently retired)."""
    async with new_uow(request) as uow:
        keys = await uow.signing_keys.jwks()
        await uow.commit()
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})


async def _form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise OAuthError("invalid_request", "send the parameters form-encoded")
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _required(form: dict[str, str], *names: str) -> list[str]:
    missing = [name for name in names if not form.get(name)]
    if missing:
        raise OAuthError("invalid_request", f"missing {', '.join(missing)}")
    return [form[name] for name in names]


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise invalid_client() from None
        client_id, sep, secret = pair.partition(":")
        if not sep:
            raise invalid_client()
        return unquote(client_id), unquote(secret)
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    raise invalid_client()


async def _grant(request: Request, uow: GatewayUnitOfWork, form: dict[str, str]) -> tokens.Issued:
    settings = gateway_settings(request)
    policy, now = token_policy(settings), utc_now()
    grant = form.get("grant_type", "")
    if grant == "authorization_code":
        code, redirect_uri, verifier, client_id = _required(
            form, "code", "redirect_uri", "code_verifier", "client_id"
        )
        if client_id != WEB_CLIENT_ID:
            raise invalid_client()
        signer = await uow.signing_keys.signer()
        return await tokens.exchange_code(
            uow, signer, policy, code=code, client_id=client_id, redirect_uri=redirect_uri,
            verifier=verifier, now=now,
        )  # fmt: skip
    if grant == "refresh_token":
        [token] = _required(form, "refresh_token")
        signer = await uow.signing_keys.signer()
        client = form.get("client_id") or None
        return await tokens.refresh(uow, signer, policy, token=token, client_id=client, now=now)
    if grant == "password" and settings.oidc_password_grant:
        return await _password(request, uow, form)
    if grant == "client_credentials":
        client_id, secret = _client_credentials(request, form)
        signer = await uow.signing_keys.signer()
        scope = form.get("scope", "") or ""
        return await tokens.client_credentials(
            uow, signer, policy, passwords_of(request), client_id=client_id, secret=secret,
            scope=scope, now=now,
        )  # fmt: skip
    raise tokens.unsupported(grant)


async def _password(
    request: Request, uow: GatewayUnitOfWork, form: dict[str, str]
) -> tokens.Issued:
    username, password = _required(form, "username", "password")
    client_id = form.get("client_id") or CLI_CLIENT_ID
    if client_id not in PUBLIC_CLIENTS:
        raise invalid_client()
    now = utc_now()
    person = await tokens.sign_in(uow, passwords_of(request), username, password, now)
    if person is None:
        raise invalid_grant("wrong login or password")
    signer = await uow.signing_keys.signer()
    policy = token_policy(gateway_settings(request))
    scope = granted_scope(form.get("scope"))
    issued = await tokens.issue_for_person(
        uow, signer, policy, person, client_id=client_id, scope=scope, now=now
    )
    await uow.commit()
    return issued


@router.post(
    "/oauth/token",
    responses={
        200: answer(TOKENS),
        400: oauth_error_answer(
            "invalid_grant", "the code has expired", "a refused grant or request"
        ),
        401: oauth_error_answer(
            "invalid_client", "unknown client or wrong secret", "client not known"
        ),
    },
    openapi_extra=form_body(TOKEN_FORM),
)
async def token(request: Request) -> JSONResponse:
    """Form-encoded token requests (RFC 6749): authorization_code (PKCE), refresh_token,
    password (when OIDC_PASSWORD_GRANT), client_credentials."""
    try:
        form = await _form(request)
        async with new_uow(request) as uow:
            return token_answer(await _grant(request, uow, form))
    except OAuthError as exc:
        return oauth_error(exc)


@router.post(
    "/oauth/revoke",
    response_class=Response,
    responses={
        200: {"description": "revoked (or unknown, RFC 7009 2.2)"},
        400: oauth_error_answer(
            "invalid_request", "send the parameters form-encoded", "not a form"
        ),
    },
    openapi_extra=form_body(REVOKE_FORM),
)
async def revoke(request: Request) -> Response:
    """RFC 7009: revoke a refresh token (and its family); unknown tokens are answered 200 too."""
    try:
        form = await _form(request)
    except OAuthError as exc:
        return oauth_error(exc)
    if form.get("token"):
        async with new_uow(request) as uow:
            await tokens.revoke(uow, form["token"], form.get("client_id") or None)
    return Response(status_code=200, headers=NO_STORE)


@router.get(
    "/oauth/userinfo",
    responses={
        200: answer(USERINFO),
        401: oauth_error_answer(
            "invalid_token", "a valid access token is required", "no valid token"
        ),
    },
)
async def userinfo(request: Request) -> JSONResponse:
    """The claims about the bearer of a valid access token (OIDC Core 5.3)."""
    claims = await verified_claims(request)
    if claims is None:
        return JSONResponse(
            {"error": "invalid_token", "error_description": "a valid access token is required"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    keep = ("sub", "preferred_username", "name", "email", "roles", "department", "locale")
    return JSONResponse({k: claims[k] for k in keep if k in claims}, headers=NO_STORE)
