"""The one shape of an API error, for every service.

::

    {"error": "not_found", "detail": "no reservation for order o-1", "message": "..."}

`error` is a stable machine code, `detail` says what is wrong (a text, or for a bad request a
list of ``{"field": "body.lines.0.quantity", "problem": "..."}``), `message` is optional text
for a person. A route either returns `error_response(...)` or raises `ApiError`; the app
factory answers an `ApiError` with the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """Raise from a route to answer with `error_response(status, code, detail, message)`."""

    def __init__(
        self, status: int, code: str, detail: Any = None, message: str | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.message = message


def error_response(
    status: int, code: str, detail: Any = None, message: str | None = None
) -> JSONResponse:
    """A JSON error answer in the platform's shape."""
    body: dict[str, Any] = {"error": code, "detail": detail}
    if message:
        body["message"] = message
    return JSONResponse(status_code=status, content=body)


def field_problems(
    problems: Iterable[tuple[str, str]], prefix: str = "body."
) -> list[dict[str, str]]:
    """``(field, problem)`` pairs as the ``detail`` of a validation error."""
    return [{"field": f"{prefix}{field}", "problem": problem} for field, problem in problems]


def validation_error(problems: Iterable[tuple[str, str]], prefix: str = "body.") -> JSONResponse:
    """422 naming each bad field, as FastAPI's own validation errors do here."""
    return error_response(422, "validation_error", field_problems(problems, prefix))


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer an `ApiError` raised by a route."""
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.detail, exc.message)
