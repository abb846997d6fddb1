"""Input the database cannot hold, answered at the door: NUL characters (PostgreSQL text
cannot store U+0000) and values out of a column's range, as 4xx instead of a failure deep in a
transaction (a 500) or, carried in an event, in a consumer."""

from __future__ import annotations

import logging
import re

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inventory_runtime.errors import error_response


def scope_header(scope: Scope, name: bytes) -> str | None:
    """The value of header `name` (lower-case bytes) of an ASGI request `scope`, if any."""
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


log = logging.getLogger(__name__)
NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""A JSON ``\u0000`` escape (not an escaped backslash followed by ``u0000``)."""
NUL_IN_URL = re.compile(rb"%00|\x00", re.IGNORECASE)


class NulCharacterMiddleware:
    """Refuse text holding NUL (U+0000) at the door: PostgreSQL cannot store it, so it would
    otherwise fail deep inside a transaction (a 500) or, carried in an event, in a consumer.
    A URL with ``%00`` gets a 400 and a JSON body with ``\u0000`` a 422, before any route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if NUL_IN_URL.search(url):
            await self._refuse(scope, receive, send, 400, "url", "the URL holds a NUL (%00)")
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False) and message["type"] == "http.request"
        body = b"".join(chunks)
        form = (scope_header(scope, b"content-type") or "").startswith("application/x-www-form")
        if (NUL_IN_URL if form else NUL_ESCAPE).search(body):
            await self._refuse(scope, receive, send, 422, "body", "text may not hold NUL (\\u0000)")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, status: int, field: str, problem: str
    ) -> None:
        code = "bad_request" if status == 400 else "validation_error"
        response = error_response(status, code, [{"field": field, "problem": problem}])
        await response(scope, receive, send)


_INPUT_ERRORS = (asyncpg.exceptions.DataError, asyncpg.exceptions._base.DataError)


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (out of range, bad text) is the caller's mistake, so
    422 saying so; any other database failure is ours: 500, logged, without internals."""
    orig = getattr(exc, "orig", None)
    causes = (orig, getattr(orig, "__cause__", None))
    if any(isinstance(cause, _INPUT_ERRORS) for cause in causes):
        problem = str(next(c for c in causes if isinstance(c, _INPUT_ERRORS))).splitlines()[0]
        detail = [{"field": "request", "problem": f"a value the database cannot hold: {problem}"}]
        return error_response(422, "validation_error", detail)
    log.error("database error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "the request failed; it was logged")
