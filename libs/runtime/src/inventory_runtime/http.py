"""HTTP plumbing every service shares: correlation ids, request metrics, 4xx for bad input."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inventory_runtime import metrics
from inventory_runtime.context import message_context
from inventory_runtime.errors import ApiError, api_error_handler, error_response

CORRELATION_HEADER = "X-Correlation-ID"
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
        incoming = _header(scope, CORRELATION_HEADER.lower().encode())
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


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


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


def install_http_plumbing(app: FastAPI) -> None:
    """Add the correlation-id and metrics middlewares and the error handlers."""
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(ApiError, api_error_handler)
    # Starlette runs the last added middleware first: correlation id wraps the metrics.
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(CorrelationIdMiddleware)
