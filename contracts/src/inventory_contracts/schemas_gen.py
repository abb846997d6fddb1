"""JSON Schemas of the events, one file per event type: `contracts/schemas/<type>.json`.

Each file is the JSON Schema (draft 2020-12) of a *whole* CloudEvent of that type: the envelope
attributes, `type` fixed to the event type, and `data` referring to the event's own schema in
`$defs` (with its nested models next to it). So one file validates exactly what goes on the
wire, e.g. a message typed by hand for kcat. The schemas are those of *reading*: decimals are a
JSON number or a numeric string (we always write strings), optional fields may be absent or null.

    uv run python -m inventory_contracts.schemas_gen          # (re)write the files
    uv run python -m inventory_contracts.schemas_gen --check  # exit 1 if not current

The files are committed; a test fails when they drift from the models.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from inventory_contracts._generate import CONTRACTS_DIR, run, to_json
from inventory_contracts.envelope import REQUIRED_ATTRIBUTES, CloudEvent
from inventory_contracts.events.base import Event
from inventory_contracts.registry import ALL_EVENT_MODELS

SCHEMAS_DIR = CONTRACTS_DIR / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(event_type: str) -> str:
    """`$id` of the schema of `event_type`."""
    return f"urn:inventory-platform:schema:{event_type}"


def cloudevent_schema() -> dict[str, Any]:
    """Schema of any CloudEvent as we read it: the required attributes, `data` an object."""
    envelope = CloudEvent.model_json_schema(mode="validation")
    envelope.pop("$defs", None)
    envelope["properties"]["data"] = {"type": "object", "title": "Data"}
    envelope["required"] = list(REQUIRED_ATTRIBUTES)
    return envelope


def envelope_schema(model: type[Event], data_ref: str) -> dict[str, Any]:
    """Schema of a CloudEvent of `model`'s type whose `data` is `{"$ref": data_ref}`."""
    properties = cloudevent_schema()["properties"]
    properties["type"] = {"const": model.event_type, "title": "Type", "type": "string"}
    properties["data"] = {"$ref": data_ref}
    return {
        "title": f"{model.__name__} CloudEvent",
        "description": (
            f"CloudEvents 1.0 structured JSON event of type {model.event_type} on Kafka topic "
            f"{model.topic}. Unknown extension attributes are allowed (and ignored)."
        ),
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED_ATTRIBUTES),
    }


def event_schema(model: type[Event]) -> dict[str, Any]:
    """Self-contained JSON Schema of a whole CloudEvent carrying `model` as its data."""
    data = model.model_json_schema(mode="validation")
    definitions = data.pop("$defs", {})
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(model.event_type),
        **envelope_schema(model, f"#/$defs/{model.__name__}"),
        "$defs": {model.__name__: data, **dict(sorted(definitions.items()))},
    }


def render(target: Path) -> Mapping[Path, str]:
    """Text of every schema file, by its path under `target`."""
    return {
        target / f"{model.event_type}.json": to_json(event_schema(model))
        for model in ALL_EVENT_MODELS
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schema files, or check them with `--check`."""
    return run(
        command="python -m inventory_contracts.schemas_gen",
        description="Generate the JSON Schema of every event type.",
        default_target=SCHEMAS_DIR,
        render=render,
        generated_glob="*.json",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
