"""HTTP plumbing every service shares: correlation ids, request metrics, 4xx for bad input,
request size limits and the ``nosniff`` header."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inventory_runtime import metrics
from inventory_runtime.context import message_context
from inventory_runtime.errors import ApiError, api_error_handler, error_response
from inventory_runtime.input_guard import (
    NulCharacterMiddleware,
    database_error_handler,
    scope_header,
)

CORRELATION_HEADER = "X-Correlation-ID"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""The largest request body a service reads unless its settings raise it (1 MiB)."""
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
UNMATCHED_ROUTE = "unmatched"


class CorrelationIdMiddleware:
    """Take ``X-Correlation-ID`` from the request (or make one) and echo it on the response.

    The id is put in the correlation contextvar, so logs and events published while handling
    the request carry it. An id that is too long or has odd characters is replaced, not trusted.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = scope_header(scope, CORRELATION_HEADER.lower().encode())
        correlation_id = incoming if incoming and _SAFE_ID.match(incoming) else str(uuid.uuid4())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((CORRELATION_HEADER.lower().encode(), correlation_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with message_context(correlation_id=correlation_id, causation_id=None):
            await self.app(scope, receive, send_with_id)


class HttpMetricsMiddleware:
    """Count requests and time them, labelled by route template (``/orders/{order_id}``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            method = scope.get("method", "GET")
            metrics.HTTP_REQUESTS.labels(method, template, str(status)).inc()
            metrics.HTTP_REQUEST_DURATION.labels(method, template).observe(
                time.perf_counter() - started
            )


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once a body passes the limit; the middleware answers 413."""


class RequestSizeLimitMiddleware:
    """Answer 413 ``payload_too_large`` to a body over `max_body_bytes`, without reading it.

    A declared ``Content-Length`` over the limit is refused before the app runs. A body that
    does not declare its length (chunked) is counted as it arrives: the chunk that passes the
    limit makes ``receive`` raise, so nothing more is read, and whatever the app would have
    answered (FastAPI turns a failed body read into a 400) is replaced by the 413.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = (scope_header(scope, b"content-length") or "").strip()
        # The server has checked the header is a number; a long one is too large to parse.
        if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_body_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def send_unless_exceeded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to the failed read; the 413 goes out instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, send_unless_exceeded)
        except _BodyTooLarge:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "payload_too_large",
            f"the request body is larger than {self.max_body_bytes} bytes",
        )
        response.headers["Connection"] = "close"  # the rest of the body is never read
        await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """``X-Content-Type-Options: nosniff`` on every answer, unless the app set it already.

    A browser then never runs a JSON answer (or an error echoing input) as script or HTML.
    No Content-Security-Policy here: ``/docs`` loads Swagger UI from its CDN; pages set their own.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(key.lower() == _NOSNIFF[0] for key, _ in headers):
                    headers.append(_NOSNIFF)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_NOSNIFF = (b"x-content-type-options", b"nosniff")


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "request"


def validation_problems(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """FastAPI's validation errors as ``{"field": "body.lines.0.quantity", "problem": ...}``.

    Only strings are kept (no echoed input, no exception objects), so the body always
    serialises and never leaks what the client sent.
    """
    return [
        {"field": _field(tuple(err.get("loc", ()))), "problem": str(err.get("msg", "invalid"))}
        for err in errors
    ]


async def request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 naming each bad field; 400 when the body is not JSON at all."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in errors):
        problems = [
            {"field": "body", "problem": f"malformed JSON: {err.get('ctx', {}).get('error', '')}"}
            for err in errors
            if err.get("type") == "json_invalid"
        ]
        return error_response(400, "malformed_json", problems)
    return error_response(422, "validation_error", validation_problems(errors))


def install_http_plumbing(app: FastAPI, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """Add the correlation-id, metrics, size-limit and security-header middlewares and the
    error handlers; bodies over `max_body_bytes` get a 413 before any route sees them."""
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    # Starlette runs the last added middleware first: correlation id wraps the metrics, which
    # count the 413s, and every answer (413s included) gets the security headers.
    app.add_middleware(NulCharacterMiddleware)
    app.add_middleware(RequestSizeLimitMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(CorrelationIdMiddleware)
