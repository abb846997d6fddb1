"""The committed JSON Schemas match the models, and accept what the models accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inventory_contracts import EVENT_TYPES, encode, schemas_gen
from inventory_contracts.examples import example_event
from jsonschema import Draft202012Validator, FormatChecker

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas"


def _validator(event_type: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / f"{event_type}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_committed_schemas_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    code = schemas_gen.main(["--check", "--target", str(SCHEMAS_DIR)])

    assert code == 0, (
        f"run `uv run python -m inventory_contracts.schemas_gen`:\n{capsys.readouterr().err}"
    )


def test_check_lists_changed_missing_and_extra_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schemas_gen.main(["--target", str(tmp_path)]) == 0
    (tmp_path / "inventory.order.placed.v1.json").write_text("{}\n")
    (tmp_path / "inventory.order.shipped.v1.json").unlink()
    (tmp_path / "inventory.order.teleported.v1.json").write_text("{}\n")
    capsys.readouterr()

    code = schemas_gen.main(["--check", "--target", str(tmp_path)])

    listed = [line.split(": ")[0] for line in capsys.readouterr().err.splitlines()]
    assert code == 1
    assert listed[:3] == ["differs", "missing", "extra"]
    assert (tmp_path / "inventory.order.teleported.v1.json").exists(), "--check changes nothing"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_example_events_are_valid_against_committed_schema(event_type: str) -> None:
    wire = json.loads(encode(example_event(event_type)))

    errors = [error.message for error in _validator(event_type).iter_errors(wire)]

    assert errors == []


def _order_placed(**data_changes: Any) -> dict[str, Any]:
    wire: dict[str, Any] = json.loads(encode(example_event("inventory.order.placed.v1")))
    wire["data"].update(data_changes)
    return wire


@pytest.mark.parametrize(
    "quantity, valid",
    [
        (5, True),
        (2.5, True),
        ("2.5", True),
        ("1e3", True),
        (0, False),
        (-1, False),
        ("five", False),
    ],
)
def test_schema_agrees_with_model_on_quantities(quantity: object, valid: bool) -> None:
    wire = _order_placed(lines=[{"sku": "A", "location": "L", "quantity": quantity}])

    assert _validator("inventory.order.placed.v1").is_valid(wire) is valid


def test_schema_refuses_unknown_data_fields_and_a_foreign_type() -> None:
    validator = _validator("inventory.order.placed.v1")

    assert not validator.is_valid(_order_placed(allow_partal=True))
    assert not validator.is_valid({**_order_placed(), "type": "inventory.order.shipped.v1"})
    assert validator.is_valid({**_order_placed(), "traceparent": "00-abc-def-01"})
