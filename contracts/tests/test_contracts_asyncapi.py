"""The committed AsyncAPI document is current and describes every topic and event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inventory_contracts import ALL_EVENT_MODELS, EVENT_TYPES, Topics, asyncapi, dlq
from inventory_contracts.services import SERVICES
from jsonschema import Draft7Validator

ASYNCAPI_PATH = Path(__file__).resolve().parents[1] / "asyncapi.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    return loaded


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_committed_asyncapi_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    code = asyncapi.main(["--check", "--target", str(ASYNCAPI_PATH)])

    assert code == 0, (
        f"run `uv run python -m inventory_contracts.asyncapi`:\n{capsys.readouterr().err}"
    )


def test_every_event_type_is_a_message_on_its_topic(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    assert {m["name"] for m in messages.values()} == set(EVENT_TYPES)
    for model in ALL_EVENT_MODELS:
        channel = document["channels"][asyncapi.channel_id(model.topic)]
        assert channel["address"] == model.topic
        assert model.__name__ in channel["messages"]


def test_every_topic_and_its_dead_letter_topic_is_a_channel(document: dict[str, Any]) -> None:
    addresses = {channel["address"] for channel in document["channels"].values()}

    assert addresses == set(Topics.ALL) | {dlq(topic) for topic in Topics.ALL}
    for channel in document["channels"].values():
        assert channel["messages"], channel["address"]
        for ref in channel["messages"].values():
            assert _resolve(document, ref["$ref"])["name"] in EVENT_TYPES


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    found = refs(document)

    assert found
    for ref in found:
        _resolve(document, ref)


def test_operations_follow_the_services_table(document: dict[str, Any]) -> None:
    operations = document["operations"]
    for service in SERVICES:
        for action, models in (("send", service.publishes), ("receive", service.consumes)):
            for model in models:
                operation = operations[
                    f"{service.name}-{action}-{asyncapi.channel_id(model.topic)}"
                ]
                assert operation["action"] == action
                channel_ref = operation["channel"]["$ref"]
                expected = f"{channel_ref}/messages/{model.__name__}"
                assert {"$ref": expected} in operation["messages"]


def test_message_examples_match_their_payload_schemas(document: dict[str, Any]) -> None:
    # Payload schemas are JSON Schema draft-07 compatible (the AsyncAPI 3.0 default format);
    # resolve the component references by validating against the whole document.
    for name, message in document["components"]["messages"].items():
        schema = {**message["payload"], "components": document["components"]}
        validator = Draft7Validator(schema)
        for example in message["examples"]:
            errors = [e.message for e in validator.iter_errors(example["payload"])]
            assert not errors, (name, errors)
