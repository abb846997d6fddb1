"""Wiring identity into a service app (called by `create_service_app`).

It gives the app its token verifier, adds the login routes when the service serves pages,
refuses an app with a route that is not a `SecuredRoute` (outside the operations routes),
and documents each operation's permission in the OpenAPI schema (``security`` and
``x-permissions``), from which the access tests are generated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from inventory_runtime.auth.routes import BEARER_SCHEME, RouteWithoutPermission, SecuredRoute
from inventory_runtime.auth.web import auth_router

if TYPE_CHECKING:
    from inventory_runtime.settings import ServiceSettings

ENFORCE_SECURED_ROUTES = True
"""Off only while the services move onto `SecuredRoute`; switched on once all have."""
OPERATIONS_PATHS = frozenset({"/health", "/ready", "/metrics"})


PLATFORM_ERROR: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "The platform's error shape (inventory_runtime.errors): a stable code, what "
    "is wrong (a text, or a list of {field, problem}) and an optional message for a person.",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "detail": {},
        "message": {"type": "string"},
    },
}


def install_identity(app: FastAPI, settings: ServiceSettings, *, pages: bool) -> None:
    """Give `app` its verifier (and login routes when it serves `pages`)."""
    app.state.token_verifier = settings.token_verifier()
    app.state.oidc_client_id = settings.oidc_client_id
    if pages:
        app.include_router(auth_router())


def check_and_document_routes(app: FastAPI) -> None:
    """Refuse routes that skip the permission check; add the bearer scheme to the OpenAPI."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or route.path in OPERATIONS_PATHS:
            continue
        if not isinstance(route, SecuredRoute):
            if not ENFORCE_SECURED_ROUTES:
                continue
            raise RouteWithoutPermission(
                f"{route.path} is a plain APIRoute: build its router with secured_router()"
            )
    _add_security_scheme(app)


def _add_security_scheme(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {})
            components.setdefault("securitySchemes", {})[BEARER_SCHEME] = {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An OIDC access token from the platform's issuer "
                "(docs/security.md); web pages use the session cookie instead.",
            }
            schemas = components.setdefault("schemas", {})
            if "HTTPValidationError" in schemas:  # FastAPI's shape; the platform answers its own
                schemas["HTTPValidationError"] = PLATFORM_ERROR
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
