"""Every route declares the permission it needs; `SecuredRoute` checks it before the body.

::

    router = secured_router(prefix="/v1/documents", tags=["documents"])

    @router.post("", dependencies=[require("stock:write")])
    async def create(...): ...

    @router.post("/{id}/approve")
    async def approve(actor: Annotated[Principal, require("approval:decide")], ...):
        ...  # `actor` is who the token says is calling; never read it from the body

A `SecuredRoute` without any `require(...)` (on the route or its router) and without
`public()` cannot even be built, so a forgotten check fails at import time, not in
production. The caller is authenticated and authorised before FastAPI reads or validates the
body: someone without a valid token learns nothing about their request. Credentials are a
bearer token, or the session cookie of the web pages (`inventory_runtime.auth.web`), for which
state-changing requests must also carry the CSRF token of the session.
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from inventory_runtime.auth.permissions import Permission, roles_granting
from inventory_runtime.auth.principal import Principal, Unauthenticated
from inventory_runtime.auth.tokens import TokenVerifier
from inventory_runtime.errors import error_response

SESSION_COOKIE = "inv_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = "/auth/login"


class RouteWithoutPermission(TypeError):
    """A route that declares neither a permission nor that it is public."""


class _Requires:
    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, request: Request) -> Principal:
        principal: Principal = request.state.principal
        return principal


class _Public:
    def __call__(self) -> None:
        return None


def require(permission: Permission) -> Any:
    """Dependency declaring that a route needs `permission`; gives the calling `Principal`."""
    return Depends(_Requires(permission))


def public() -> Any:
    """Dependency declaring that a route answers without credentials (login, discovery)."""
    return Depends(_Public())


def current_principal(request: Request) -> Principal:
    """The authenticated caller of a secured route (for code below the route function)."""
    principal: Principal = request.state.principal
    return principal


def csrf_token_for(session_token: str) -> str:
    """The CSRF token of a session: derived from the session's token, which only the server
    and the browser's HttpOnly cookie jar know, so another site can neither read nor forge it."""
    digest = hashlib.sha256(b"csrf:" + session_token.encode()).digest()
    return urlsafe_b64encode(digest[:24]).decode()


def _declared(dependant: Dependant) -> tuple[list[Permission], bool]:
    permissions: list[Permission] = []
    public_route = False
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, _Requires):
            permissions.append(dependency.call.permission)
        elif isinstance(dependency.call, _Public):
            public_route = True
        more, more_public = _declared(dependency)
        permissions += more
        public_route = public_route or more_public
    return sorted(set(permissions)), public_route


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def authenticate(request: Request) -> Principal:
    """The caller, from a bearer token or (pages) the session cookie; `Unauthenticated` when
    neither is valid. A cookie-authenticated state change also needs the CSRF token."""
    verifier: TokenVerifier = request.app.state.token_verifier
    token = bearer_token(request)
    if token is not None:
        return await verifier.verify(token)
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        raise Unauthenticated("missing credentials: send 'Authorization: Bearer <access token>'")
    principal = await verifier.verify(session)
    request.state.csrf_token = csrf_token_for(session)
    if request.method not in SAFE_METHODS:
        presented = request.headers.get(CSRF_HEADER, "")
        if not _same_origin(request) or not hmac.compare_digest(
            presented, request.state.csrf_token
        ):
            raise CsrfRefused("missing or wrong CSRF token (header X-CSRF-Token)")
    return principal


class CsrfRefused(Exception):
    """A cookie-authenticated state change without the session's CSRF token (403)."""


def unauthorized(message: str) -> Response:
    """401 with the ``WWW-Authenticate`` challenge RFC 6750 asks for."""
    response = error_response(401, "unauthorized", message)
    description = message.replace('"', "'")
    response.headers["WWW-Authenticate"] = (
        f'Bearer error="invalid_token", error_description="{description}"'
    )
    return response


def forbidden(principal: Principal, missing: list[Permission]) -> Response:
    """403 naming the permission and the roles that would grant it."""
    needed = ", ".join(f"{p} (roles: {', '.join(roles_granting(p))})" for p in missing)
    return error_response(403, "forbidden", f"{principal.id!r} lacks the permission {needed}")


class SecuredRoute(APIRoute):
    """An `APIRoute` that authenticates and authorises before the handler reads the body."""

    permissions: list[Permission]
    public: bool

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        self.permissions, self.public = _declared(self.dependant)
        if not self.permissions and not self.public:
            methods = ",".join(sorted(self.methods or ()))
            raise RouteWithoutPermission(
                f"{methods} {self.path} declares no permission: add require(...) or public()"
            )
        handle = super().get_route_handler()
        if self.public:
            return handle

        async def secured(request: Request) -> Response:
            refused = await self.admit(request)
            return refused if refused is not None else await handle(request)

        return secured

    @property
    def is_page(self) -> bool:
        """A route answering HTML: a signed-out browser is sent to the login instead of 401."""
        response_class = self.response_class
        return isinstance(response_class, type) and issubclass(response_class, HTMLResponse)

    async def admit(self, request: Request) -> Response | None:
        """Authenticate and authorise the caller (``request.state.principal``); the answer
        refusing them, or None. A subclass may accept other credentials (the gateway's API
        keys) and call this for tokens."""
        try:
            principal = await authenticate(request)
        except Unauthenticated as exc:
            if self.is_page and request.method in SAFE_METHODS:
                return _to_login(request)
            return unauthorized(str(exc))
        except CsrfRefused as exc:
            return error_response(403, "csrf", str(exc))
        missing = [p for p in self.permissions if not principal.may(p)]
        if missing:
            return forbidden(principal, missing)
        request.state.principal = principal
        return None


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='')}", status_code=303)


def secured_router(**kwargs: Any) -> APIRouter:
    """An `APIRouter` whose routes are `SecuredRoute`s (every service router is one)."""
    return APIRouter(route_class=SecuredRoute, **kwargs)
