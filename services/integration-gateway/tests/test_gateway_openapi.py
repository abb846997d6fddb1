"""The gateway's OpenAPI document: valid, an example for every body and answer (each valid
against its schema), and the committed document and typed client current with the code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_app
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "scripts" / "gateway_openapi.py"
Located = tuple[str, dict[str, Any]]
"""Where a media type object is (e.g. ``POST /v1/orders 202 application/json``), and it."""


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(IntegrationGatewaySettings()).openapi()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def media_types(document: dict[str, Any]) -> Iterator[Located]:
    """Every request body and answer with content, of every operation."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path} ({operation['operationId']})"
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                yield f"{where} request body {media}", content
            for status, answer in operation["responses"].items():
                for media, content in answer.get("content", {}).items():
                    yield f"{where} answer {status} {media}", content


def _schema_examples(document: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    resolved = _resolve(document, schema)
    if "anyOf" in resolved:  # an optional body: its schema's examples
        return [e for branch in resolved["anyOf"] for e in _schema_examples(document, branch)]
    if resolved.get("type") == "array" and "items" in resolved:
        return [[example] for example in _schema_examples(document, resolved["items"])]
    return list(resolved.get("examples", []))


def examples_of(document: dict[str, Any], content: dict[str, Any]) -> list[Any]:
    """A media type's examples: its own, or else its schema's (an array's: its items')."""
    if "example" in content:
        return [content["example"]]
    if "examples" in content:
        return [example["value"] for example in content["examples"].values()]
    return _schema_examples(document, content.get("schema", {}))


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_operation_has_a_short_unique_id(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]

    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if "_v1_" in i or i.endswith(("_get", "_post"))] == []
    assert {"place_order", "upsert_item", "import_file", "replay_deliveries", "rotate_key"} <= set(
        ids
    )


def test_every_body_and_answer_has_an_example(document: dict[str, Any]) -> None:
    missing = [
        where for where, content in media_types(document) if not examples_of(document, content)
    ]

    assert missing == [], "no example for:\n" + "\n".join(missing)


def test_every_error_answer_is_the_platforms_error_body(document: dict[str, Any]) -> None:
    wrong = [
        where
        for where, content in media_types(document)
        if " answer 4" in where
        and where.endswith("application/json")
        and " /oauth/" not in where  # the issuer answers errors as RFC 6749 says
        and content["schema"] != {"$ref": "#/components/schemas/ErrorBody"}
    ]

    assert wrong == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _problems(document: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    validator = Draft202012Validator({"components": document["components"], "allOf": [schema]})
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)
    ]


def test_every_example_is_valid_against_its_schema(document: dict[str, Any]) -> None:
    invalid = []
    for where, content in media_types(document):
        schema = content.get("schema", {})
        for example in examples_of(document, content):
            invalid += [f"{where}: {p}" for p in _problems(document, schema, example)]
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            invalid += [f"schema {name}: {p}" for p in _problems(document, schema, example)]

    assert invalid == [], "\n".join(invalid)


def test_the_examples_are_checked_against_their_schema(document: dict[str, Any]) -> None:
    item = {"$ref": "#/components/schemas/ItemBody"}

    assert _problems(document, item, {"name": "龙井绿茶"}) != []  # unit_cost etc. missing


def test_the_committed_document_and_client_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )

    assert done.returncode == 0, done.stderr  # it names the command to run: `make openapi`
