"""AsyncAPI 3.0 document of the platform's Kafka topics: `contracts/asyncapi.json`.

JSON rather than YAML, because the contracts depend on pydantic only (AsyncAPI tools read
both). One channel per topic (and per dead-letter topic) with the messages published on it;
one `send` and one `receive` operation per service and topic, from `services.SERVICES`; every
message's payload is the whole CloudEvent (`components/schemas/CloudEvent`) with `type` fixed and
`data` referring to the event's schema under `components/schemas`; the Kafka message key is
described in the message's Kafka binding.

    uv run python -m inventory_contracts.asyncapi          # (re)write the file
    uv run python -m inventory_contracts.asyncapi --check  # exit 1 if not current
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from pydantic.json_schema import models_json_schema

from inventory_contracts._generate import CONTRACTS_DIR, run, to_json
from inventory_contracts.envelope import STRUCTURED_CONTENT_TYPE, encode
from inventory_contracts.events.base import Event
from inventory_contracts.examples import example_event
from inventory_contracts.registry import ALL_EVENT_MODELS
from inventory_contracts.schemas_gen import cloudevent_schema
from inventory_contracts.services import SERVICES, Service
from inventory_contracts.topics import PARTITIONS, Topics, dlq

ASYNCAPI_PATH = CONTRACTS_DIR / "asyncapi.json"
KAFKA_BINDING_VERSION = "0.5.0"
_SCHEMAS = "#/components/schemas/"

Action = Literal["send", "receive"]


def channel_id(topic: str) -> str:
    """Channel id of a topic: "inventory.master-data" -> "master-data", DLQs end in "-dlq"."""
    return topic.removeprefix("inventory.").replace(".", "-")


def build_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document as a JSON-ready dict."""
    _, definitions = models_json_schema(
        [(model, "validation") for model in ALL_EVENT_MODELS], ref_template=_SCHEMAS + "{model}"
    )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Inventory platform events",
            "version": version("inventory-contracts"),
            "description": (
                "Kafka topics of the inventory platform. Every message value is a CloudEvents 1.0 "
                "event in structured JSON mode; bad messages go to `<topic>.dlq` with the reason "
                "in a header. Evolution: only optional fields are added; a breaking change is a "
                "new `.vN` event type. Decimals are written as JSON strings and read from "
                "strings or numbers."
            ),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": "Single-node broker of the local stack (scripts/).",
            }
        },
        "channels": _channels(),
        "operations": _operations(),
        "components": {
            "messages": {model.__name__: _message(model) for model in ALL_EVENT_MODELS},
            "schemas": {
                "CloudEvent": cloudevent_schema(),
                **dict(sorted(definitions["$defs"].items())),
            },
        },
    }


def _models_on(topic: str) -> list[type[Event]]:
    return [model for model in ALL_EVENT_MODELS if model.topic == topic]


def _channels() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    for topic in Topics.ALL:
        refs = {
            m.__name__: {"$ref": f"#/components/messages/{m.__name__}"} for m in _models_on(topic)
        }
        channels[channel_id(topic)] = {
            "address": topic,
            "messages": refs,
            "bindings": {"kafka": _topic_binding(topic, PARTITIONS[topic])},
        }
        channels[channel_id(dlq(topic))] = {
            "address": dlq(topic),
            "description": (
                f"Messages of {topic} a consumer could not process, unchanged (they may not even "
                "be valid JSON), with the failure code and reason in headers."
            ),
            "messages": refs,
            "bindings": {"kafka": _topic_binding(dlq(topic), 1)},
        }
    return channels


def _topic_binding(topic: str, partitions: int) -> dict[str, Any]:
    return {"topic": topic, "partitions": partitions, "bindingVersion": KAFKA_BINDING_VERSION}


def _operations() -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for service in SERVICES:
        roles: tuple[tuple[Action, tuple[type[Event], ...]], ...] = (
            ("send", service.publishes),
            ("receive", service.consumes),
        )
        for action, models in roles:
            for topic in Topics.ALL:
                names = [m.__name__ for m in models if m.topic == topic]
                if names:
                    operation_id = f"{service.name}-{action}-{channel_id(topic)}"
                    operations[operation_id] = _operation(service, action, topic, names)
    return operations


def _operation(service: Service, action: Action, topic: str, names: list[str]) -> dict[str, Any]:
    channel = channel_id(topic)
    verb = "publishes" if action == "send" else "consumes"
    operation: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": f"{service.name} {verb} {', '.join(names)} on {topic}.",
        "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names],
    }
    if action == "receive":
        group = {"type": "string", "const": service.name}
        operation["bindings"] = {
            "kafka": {"groupId": group, "bindingVersion": KAFKA_BINDING_VERSION}
        }
    return operation


def _message(model: type[Event]) -> dict[str, Any]:
    summary, _, description = (inspect.getdoc(model) or model.__name__).partition("\n\n")
    example = example_event(model.event_type)
    return {
        "name": model.event_type,
        "title": model.__name__,
        "summary": summary,
        "description": description.replace("\n", " "),
        "contentType": STRUCTURED_CONTENT_TYPE,
        "payload": {
            "allOf": [
                {"$ref": _SCHEMAS + "CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": model.event_type},
                        "data": {"$ref": _SCHEMAS + model.__name__},
                    },
                },
            ]
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"Partition key: {inspect.getdoc(model.key)}",
                    "examples": [example.subject],
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [{"name": "example", "payload": json.loads(encode(example))}],
    }


def render(target: Path) -> Mapping[Path, str]:
    """Text of the AsyncAPI document at `target`."""
    return {target: to_json(build_document())}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the AsyncAPI document, or check it with `--check`."""
    return run(
        command="python -m inventory_contracts.asyncapi",
        description="Generate the AsyncAPI 3.0 document of the event topics.",
        default_target=ASYNCAPI_PATH,
        render=render,
        generated_glob=None,
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
