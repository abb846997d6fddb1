"""The gateway's published OpenAPI document: stable operation ids, the platform's error body
on every 4xx/5xx answer, and an example for each answer a route does not exemplify itself.

`publish(app)` is called by `create_app`. ``make openapi`` writes the document to the
service's ``openapi.json`` and regenerates the typed client from it
(``scripts/gateway_openapi.py``).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from inventory_runtime.auth.permissions import roles_granting
from pydantic import BaseModel, Field

ERROR_SCHEMA = "ErrorBody"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


class FieldProblem(BaseModel):
    """One bad field of a request: where it is and what is wrong with it."""

    field: str = Field(examples=["body.lines.0.quantity"])
    problem: str = Field(examples=["Input should be greater than 0"])


class ErrorBody(BaseModel):
    """Every error answer of the platform: a stable code, what is wrong (a text, or the bad
    fields of a refused request) and optionally a message for a person."""

    error: str = Field(description="A stable machine code.", examples=["validation_error"])
    detail: str | list[FieldProblem] | None = None
    message: str | None = None


def _field_error(code: str, field: str, problem: str) -> dict[str, Any]:
    return {"error": code, "detail": [{"field": field, "problem": problem}]}


GENERIC_ERRORS: dict[str, dict[str, Any]] = {
    "400": _field_error("malformed_json", "body", "malformed JSON: Expecting value"),
    "401": {"error": "unauthorized", "detail": "unknown or inactive API key"},
    "404": {"error": "not_found", "detail": "no such resource"},
    "409": {"error": "conflict", "detail": "the resource exists already"},
    "413": {"error": "payload_too_large", "detail": "the body is larger than the limit"},
    "422": _field_error("validation_error", "body.name", "Field required"),
    "429": {
        "error": "rate_limited",
        "detail": "API client 'erp-sap' is over its rate limit; retry later",
    },
    "503": {"error": "unavailable", "detail": "the database is not reachable; retry later"},
}
"""The example of an error answer a route declares without one, by status."""


def _forbidden(operation: dict[str, Any]) -> dict[str, Any]:
    permissions = operation.get("x-permissions") or ["integration:write"]
    needed = ", ".join(f"{p} (roles: {', '.join(roles_granting(p))})" for p in permissions)
    return {"error": "forbidden", "detail": f"'wang.fang' lacks the permission {needed}"}


def error_example(status: str, operation: dict[str, Any]) -> dict[str, Any]:
    """A realistic error answer of `operation` with `status` (403 names its permission)."""
    if status == "403":
        return _forbidden(operation)
    return GENERIC_ERRORS.get(status, {"error": "error", "detail": "the request failed"})


def short_operation_id(operation_id: str, path: str, method: str) -> str:
    """``place_order`` for FastAPI's ``place_order_v1_orders_post``: operation ids are the
    route functions' names, which name the typed client's functions (a route that sets its
    own `operation_id` keeps it)."""
    suffix = re.sub(r"\W", "_", path) + f"_{method}"
    return operation_id.removesuffix(suffix) if operation_id.endswith(suffix) else operation_id


def _document_errors(operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        if status[0] not in "45":
            continue
        content = response.setdefault("content", {})
        if content and "application/json" not in content:
            continue  # an HTML page's answer documents its own example
        media = content.setdefault("application/json", {})
        exemplified = "example" in media or "examples" in media
        fastapi_422 = media.get("schema", {}).get("$ref", "").endswith(FASTAPI_VALIDATION_SCHEMAS)
        if fastapi_422 or ("schema" not in media and not exemplified):
            media["schema"] = dict(ERROR_REF)
        if not exemplified:
            media["example"] = error_example(status, operation)


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def restore_nulls(document: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    """Put back in `value` the nulls FastAPI dropped from an example (it writes the document
    without None values): a required property whose schema allows null, at any depth."""
    schema = _resolved(document, schema)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            restore_nulls(document, schema["items"], item)
    if not isinstance(value, dict):
        return
    for branch in schema.get("anyOf", []):
        restore_nulls(document, branch, value)
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value and {"type": "null"} in properties.get(name, {}).get("anyOf", []):
            value[name] = None
    for name, child in properties.items():
        if name in value:
            restore_nulls(document, child, value[name])


def _restore_example_nulls(document: dict[str, Any]) -> None:
    for schema in document["components"]["schemas"].values():
        for example in schema.get("examples", []):
            restore_nulls(document, schema, example)
    for operations in document["paths"].values():
        for operation in operations.values():
            answers = [a.get("content", {}) for a in operation["responses"].values()]
            for content in [operation.get("requestBody", {}).get("content", {}), *answers]:
                for media in content.values():
                    examples = [e["value"] for e in media.get("examples", {}).values()]
                    for example in [media.get("example"), *examples]:
                        restore_nulls(document, media.get("schema", {}), example)


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with short operation ids, the platform's error body on every 4xx/5xx JSON
    answer (FastAPI's own 422 shape is not what the platform answers) and an example wherever
    a route gave none."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation["operationId"] = short_operation_id(operation["operationId"], path, method)
            _document_errors(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    error_schemas = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schemas.pop("$defs", {}))
    schemas[ERROR_SCHEMA] = error_schemas
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    _restore_example_nulls(document)
    return document


def publish(app: FastAPI) -> None:
    """Give `app` the gateway's document (built once, on first request of ``/openapi.json``)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
