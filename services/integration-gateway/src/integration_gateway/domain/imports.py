"""Bulk import of master data: reading a CSV or JSON-lines file into rows, the kinds of record
and their row models (the master-data events themselves), and the per-row checks.

Pure: no I/O. A file is read whole (`read_rows`); a problem with the file itself (not UTF-8,
a wrong delimiter, a missing or unknown column) stops the import before any row lands, a
problem with a row (a field, a duplicate key, a unit without a conversion) rejects that row
only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from pydantic import ValidationError

FileFormat = Literal["csv", "jsonl"]
FILE_FIELD: Final = "file"
"""The `field` of a problem with the file as a whole."""
OTHER_DELIMITERS: Final = (";", "\t", "|", ",")


@dataclass(frozen=True)
class RowError:
    """Why a row (1-based line of the file; 0 for the file itself) was not applied."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class Kind:
    """A kind of master-data record: its event (the row model) and the key of a record."""

    name: str
    model: type[Event]
    key: Callable[[Any], str]
    key_field: str

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    @property
    def required(self) -> tuple[str, ...]:
        fields = self.model.model_fields
        return tuple(name for name, info in fields.items() if info.is_required())


KINDS: Final[Mapping[str, Kind]] = {
    kind.name: kind
    for kind in (
        Kind("items", ItemUpserted, lambda e: e.sku, "sku"),
        Kind("locations", LocationUpserted, lambda e: e.location, "location"),
        Kind("suppliers", SupplierUpserted, lambda e: e.supplier_id, "supplier_id"),
        Kind("categories", CategoryUpserted, lambda e: e.category, "category"),
        Kind("units", UnitOfMeasureUpserted, lambda e: e.unit, "unit"),
        Kind(
            "supplier-terms",
            SupplierTermsUpserted,
            lambda e: f"{e.supplier_id}/{e.sku}",
            "sku",
        ),
    )
}
"""The kinds `POST /v1/imports?kind=` takes."""


class FileRefused(Exception):
    """The file cannot be read as the kind's rows; nothing of it is applied."""

    def __init__(self, problems: list[RowError]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ParsedFile:
    """The rows of a file: each valid one's event by row number, and the rejected rows."""

    valid: list[tuple[int, Event]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.valid) + len({error.row for error in self.errors})


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # a byte-order mark is dropped
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.start}); export the file as UTF-8"
        raise FileRefused([RowError(0, FILE_FIELD, message)]) from None


def _check_header(kind: Kind, header: list[str], delimiter: str) -> None:
    problems: list[RowError] = []
    if len(header) == 1:
        for other in OTHER_DELIMITERS:
            if other != delimiter and other in header[0]:
                message = (
                    f"the columns are separated by {other!r}, not {delimiter!r}: send "
                    f"delimiter={other!r} or export the file with {delimiter!r}"
                )
                raise FileRefused([RowError(1, FILE_FIELD, message)])
    seen: set[str] = set()
    for column in header:
        if column not in kind.columns:
            problems.append(RowError(1, column, f"unknown column for {kind.name}"))
        elif column in seen:
            problems.append(RowError(1, column, "column given twice"))
        seen.add(column)
    for column in kind.required:
        if column not in seen:
            problems.append(RowError(1, column, "required column missing"))
    if problems:
        raise FileRefused(problems)


def _csv_rows(kind: Kind, text: str, delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise FileRefused([RowError(1, FILE_FIELD, "the file is empty")]) from None
    _check_header(kind, header, delimiter)
    row = 1
    try:
        for values in reader:
            row = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                message = f"{len(values)} values where the header has {len(header)} columns"
                yield row, {"": RowError(row, "row", message)}
                continue
            yield row, {c: v.strip() for c, v in zip(header, values, strict=True) if v.strip()}
    except csv.Error as exc:
        raise FileRefused([RowError(row + 1, FILE_FIELD, f"unreadable CSV: {exc}")]) from None


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for row, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            yield row, {"": RowError(row, "line", f"not JSON: {exc.msg}")}
            continue
        if not isinstance(values, dict):
            yield row, {"": RowError(row, "line", "not a JSON object")}
            continue
        yield row, values


def _validated(kind: Kind, row: int, values: dict[str, Any]) -> Event | list[RowError]:
    problem = values.get("")
    if isinstance(problem, RowError):
        return [problem]
    try:
        return kind.model(**values)
    except ValidationError as exc:
        return [
            RowError(row, ".".join(str(part) for part in error["loc"]) or "row", error["msg"])
            for error in exc.errors()
        ]
    except TypeError as exc:  # a JSON key that is not a string cannot happen; keep it a row error
        return [RowError(row, "row", str(exc))]


Conversions = Mapping[tuple[str, str], Decimal]
"""Known unit conversions: (unit, base unit) -> how many base units one unit holds."""


def with_conversion(item: ItemUpserted, row: int, known: Conversions) -> Event | RowError:
    """The item with its purchase unit's factor, taken from the known conversions when the row
    gives none; an error when the purchase unit has no conversion to the item's unit."""
    unit, purchase = item.unit_of_measure, item.purchase_unit
    if purchase is None or item.purchase_unit_factor is not None:
        return item
    if purchase == unit:
        return item.model_copy(update={"purchase_unit_factor": Decimal(1)})
    factor = known.get((purchase, unit))
    if factor is None:
        message = (
            f"no conversion from {purchase!r} to {unit!r}: give purchase_unit_factor "
            f"or import the unit {purchase!r} with base_unit {unit!r} first"
        )
        return RowError(row, "purchase_unit", message)
    return item.model_copy(update={"purchase_unit_factor": factor})


def read_rows(
    kind: Kind,
    content: bytes,
    file_format: FileFormat,
    *,
    delimiter: str = ",",
    conversions: Conversions | None = None,
) -> ParsedFile:
    """Every row of the file, valid (as its event) or rejected (with its errors); a duplicate
    key is rejected after its first row. Raises `FileRefused` for a problem with the file."""
    text = _text(content)
    rows = _csv_rows(kind, text, delimiter) if file_format == "csv" else _jsonl_rows(text)
    parsed = ParsedFile()
    first_row: dict[str, int] = {}
    for row, values in rows:
        outcome = _validated(kind, row, values)
        if isinstance(outcome, list):
            parsed.errors.extend(outcome)
            continue
        if isinstance(outcome, ItemUpserted):
            checked = with_conversion(outcome, row, conversions or {})
            if isinstance(checked, RowError):
                parsed.errors.append(checked)
                continue
            outcome = checked
        key = kind.key(outcome)
        if key in first_row:
            message = f"duplicate key {key!r} (first in row {first_row[key]})"
            parsed.errors.append(RowError(row, kind.key_field, message))
            continue
        first_row[key] = row
        parsed.valid.append((row, outcome))
    return parsed


def kind_of(event: Event) -> Kind | None:
    """The import kind whose rows are events like this one (a master-data upsert), or None."""
    return next((kind for kind in KINDS.values() if isinstance(event, kind.model)), None)


def content_hash(event: Event) -> str:
    """A hash of the record's content: a re-import of the same content changes nothing."""
    return hashlib.sha256(event.model_dump_json().encode()).hexdigest()  # fields in model order
