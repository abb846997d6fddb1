"""The request size limit of the gateway: the runtime's, with a larger one for bulk imports
(a company's item master is megabytes; an order is not)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from inventory_runtime.http import RequestSizeLimitMiddleware
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

IMPORTS_PATH = "/v1/imports"


class ImportAwareSizeLimit:
    """`RequestSizeLimitMiddleware` with `import_max_body_bytes` for ``POST /v1/imports``."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, import_max_body_bytes: int) -> None:
        self.default = RequestSizeLimitMiddleware(app, max_body_bytes)
        self.imports = RequestSizeLimitMiddleware(app, import_max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_import = scope["type"] == "http" and scope["path"] == IMPORTS_PATH
        await (self.imports if is_import else self.default)(scope, receive, send)


def allow_large_imports(app: FastAPI, import_max_body_bytes: int) -> None:
    """Replace the app's size limit with one that lets import files up to the given size."""
    for index, middleware in enumerate(app.user_middleware):
        factory: object = middleware.cls
        if factory is RequestSizeLimitMiddleware:
            configured: Any = middleware.kwargs.get("max_body_bytes", import_max_body_bytes)
            limit = int(configured)
            app.user_middleware[index] = Middleware(
                ImportAwareSizeLimit,
                max_body_bytes=limit,
                import_max_body_bytes=max(limit, import_max_body_bytes),
            )
