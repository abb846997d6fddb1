"""What the issuer's routes share: settings, the token policy, the password hasher, verifying
a bearer access token, and answers in the shapes of RFC 6749 / RFC 6750."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from inventory_runtime.app import runtime_of
from inventory_runtime.auth.routes import bearer_token

from integration_gateway.adapters.signing_keys import verify_access_token
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.domain.passwords import Passwords
from integration_gateway.domain.tokens import OAuthError, TokenPolicy
from integration_gateway.handlers.tokens import Issued

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def gateway_settings(request: Request) -> IntegrationGatewaySettings:
    settings = runtime_of(request).settings
    assert isinstance(settings, IntegrationGatewaySettings)
    return settings


def token_policy(settings: IntegrationGatewaySettings) -> TokenPolicy:
    return TokenPolicy(
        issuer=settings.issuer_url,
        audience=settings.oidc_audience,
        access_lifetime=timedelta(seconds=settings.oidc_access_token_seconds),
        refresh_idle=timedelta(seconds=settings.oidc_refresh_idle_seconds),
        refresh_absolute=timedelta(seconds=settings.oidc_refresh_absolute_seconds),
    )


def passwords_of(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def new_uow(request: Request) -> GatewayUnitOfWork:
    uow = runtime_of(request).uow_factory()
    assert isinstance(uow, GatewayUnitOfWork)
    return uow


def oauth_error(exc: OAuthError) -> JSONResponse:
    """``{"error", "error_description"}`` with no-store; 401 asks for Basic client auth."""
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="inventory", charset="UTF-8"'
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def token_answer(issued: Issued) -> JSONResponse:
    body: dict[str, Any] = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": issued.scope,
    }
    if issued.refresh_token:
        body["refresh_token"] = issued.refresh_token
    if issued.id_token:
        body["id_token"] = issued.id_token
    return JSONResponse(body, headers=NO_STORE)


async def verified_claims(request: Request) -> dict[str, Any] | None:
    """The claims of the request's bearer access token when this issuer signed it and it is
    valid now, else None."""
    token = bearer_token(request)
    if token is None or token.count(".") != 2 or len(token) > 8192:
        return None
    settings = gateway_settings(request)
    async with new_uow(request) as uow:
        jwks = await uow.signing_keys.jwks()
    return verify_access_token(
        token, jwks, issuer=settings.issuer_url, audience=settings.oidc_audience
    )
