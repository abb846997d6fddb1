"""Conditions of a flow's branches over a request's attributes (pure): parse, check, evaluate.

A condition is a comparison ``{"field": "amount", "op": "gt", "value": 50000}`` or a
combination ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``. The fields are the
request's `amount`, `item_category`, `abc_class`, `supplier`, `location`, `department` and
`requester`. A request's attribute may have several values (a stock count's lines at several
locations): `eq`, `in` and the amount comparisons hold when one value matches, `ne` and
`not_in` when none does. A missing attribute makes every comparison false (so ``not`` of it
true), never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

Value = Decimal | str
Attributes = Mapping[str, tuple[Value, ...]]
Problems = list[tuple[str, str]]

NUMBER_FIELDS: Final = frozenset({"amount"})
TEXT_FIELDS: Final = frozenset(
    {"item_category", "abc_class", "supplier", "location", "department", "requester"}
)
NUMBER_OPS: Final = frozenset({"eq", "ne", "gt", "ge", "lt", "le", "between", "in", "not_in"})
TEXT_OPS: Final = frozenset({"eq", "ne", "in", "not_in"})
ABC_CLASSES: Final = frozenset({"A", "B", "C"})
MAX_DEPTH: Final = 6
LIST_OPS: Final = frozenset({"in", "not_in", "between"})


@dataclass(frozen=True)
class Compare:
    """`field` `op` `value`; `value` is a tuple for `in`, `not_in` and `between` (low, high)."""

    field: str
    op: str
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Compare | AllOf | AnyOf | Not


def holds(condition: Condition, attributes: Attributes) -> bool:
    """Whether `condition` holds for a request with `attributes`."""
    if isinstance(condition, AllOf):
        return all(holds(part, attributes) for part in condition.parts)
    if isinstance(condition, AnyOf):
        return any(holds(part, attributes) for part in condition.parts)
    if isinstance(condition, Not):
        return not holds(condition.part, attributes)
    values = attributes.get(condition.field, ())
    if not values:
        return False
    if condition.op in ("ne", "not_in"):
        positive = "eq" if condition.op == "ne" else "in"
        return not any(_matches(v, positive, condition.value) for v in values)
    return any(_matches(v, condition.op, condition.value) for v in values)


def _matches(value: Value, op: str, wanted: Value | tuple[Value, ...]) -> bool:
    if isinstance(wanted, tuple):
        if op == "between":
            low, high = wanted
            return _ordered(low, value) and _ordered(value, high)
        return value in wanted
    if op == "eq":
        return value == wanted
    if not isinstance(value, Decimal) or not isinstance(wanted, Decimal):
        return False
    return {
        "gt": value > wanted,
        "ge": value >= wanted,
        "lt": value < wanted,
        "le": value <= wanted,
    }.get(op, False)


def _ordered(low: Value, high: Value) -> bool:
    return isinstance(low, Decimal) and isinstance(high, Decimal) and low <= high


def request_attributes(
    amount: Decimal, department: str, requester: str, details: Mapping[str, Any]
) -> dict[str, tuple[Value, ...]]:
    """The attributes conditions read, from a request and its `details` as replenishment and
    stock-ledger send them (`supplier_id`, `location`, `item_category`, `abc_class`, and those
    of each of `lines`); anything missing or of an unusable type is left out."""
    sources: list[Mapping[str, Any]] = [details]
    lines = details.get("lines")
    if isinstance(lines, list):
        sources += [line for line in lines if isinstance(line, Mapping)]
    keys = {
        "supplier": ("supplier_id", "supplier"),
        "location": ("location",),
        "item_category": ("item_category", "category"),
        "abc_class": ("abc_class",),
    }
    found: dict[str, tuple[Value, ...]] = {
        "amount": (amount,),
        "department": (department,),
        "requester": (requester,),
    }
    for name, aliases in keys.items():
        values = [_text(source.get(alias)) for source in sources for alias in aliases]
        kept = tuple(dict.fromkeys(v for v in values if v is not None))
        if kept:
            found[name] = kept
    return found


def _text(raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = str(raw).strip()
    return text or None


def parse_condition(raw: Any, path: str, depth: int = 0) -> tuple[Condition | None, Problems]:
    """`raw` (the API's or the stored JSON) as a condition, or the problems naming the field
    path (e.g. ``branches.0.condition.all.1.op``)."""
    if not isinstance(raw, Mapping):
        return None, [(path, "a condition is an object: field/op/value, all, any or not")]
    if depth >= MAX_DEPTH:
        return None, [(path, f"conditions nest at most {MAX_DEPTH} deep")]
    combinators = [key for key in ("all", "any", "not") if key in raw]
    if len(combinators) > 1 or (combinators and len(raw) != 1):
        return None, [(path, "give one of field/op/value, all, any or not")]
    if combinators == ["not"]:
        part, problems = parse_condition(raw["not"], f"{path}.not", depth + 1)
        return (Not(part) if part is not None else None), problems
    if combinators:
        return _parse_group(combinators[0], raw[combinators[0]], path, depth)
    return _parse_compare(raw, path)


def _parse_group(key: str, raw: Any, path: str, depth: int) -> tuple[Condition | None, Problems]:
    if not isinstance(raw, list) or not raw:
        return None, [(f"{path}.{key}", "a non-empty list of conditions")]
    parts: list[Condition] = []
    problems: Problems = []
    for index, item in enumerate(raw):
        part, found = parse_condition(item, f"{path}.{key}.{index}", depth + 1)
        problems += found
        if part is not None:
            parts.append(part)
    if problems:
        return None, problems
    return (AllOf(tuple(parts)) if key == "all" else AnyOf(tuple(parts))), []


def _parse_compare(raw: Mapping[str, Any], path: str) -> tuple[Condition | None, Problems]:
    unknown = set(raw) - {"field", "op", "value"}
    if unknown:
        return None, [(f"{path}.{sorted(unknown)[0]}", "unknown key of a condition")]
    name = raw.get("field")
    if name not in NUMBER_FIELDS | TEXT_FIELDS:
        known = ", ".join(sorted(NUMBER_FIELDS | TEXT_FIELDS))
        return None, [(f"{path}.field", f"unknown condition field {name!r}; one of {known}")]
    ops = NUMBER_OPS if name in NUMBER_FIELDS else TEXT_OPS
    op = raw.get("op")
    if op not in ops:
        return None, [(f"{path}.op", f"operator {op!r} does not apply to {name}: {sorted(ops)}")]
    value, problem = _parse_value(str(name), str(op), raw.get("value"))
    if problem is not None:
        return None, [(f"{path}.value", problem)]
    assert value is not None
    return Compare(str(name), str(op), value), []


def _parse_value(
    name: str, op: str, raw: Any
) -> tuple[Value | tuple[Value, ...] | None, str | None]:
    one = _number if name in NUMBER_FIELDS else _label
    if op not in LIST_OPS:
        single = one(name, raw)
        return (single, None) if single is not None else (None, _expected(name))
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        return None, f"{op} takes a non-empty list"
    values = [one(name, item) for item in raw]
    if any(v is None for v in values):
        return None, f"each value: {_expected(name)}"
    kept = tuple(v for v in values if v is not None)
    if op == "between" and (len(kept) != 2 or not _ordered(kept[0], kept[1])):
        return None, "between takes [low, high] with low <= high (both included)"
    return kept, None


def _number(_: str, raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _label(name: str, raw: Any) -> str | None:
    text = raw.strip() if isinstance(raw, str) else None
    if not text or len(text) > 100 or (name == "abc_class" and text not in ABC_CLASSES):
        return None
    return text


def _expected(name: str) -> str:
    if name in NUMBER_FIELDS:
        return "a number"
    return "A, B or C" if name == "abc_class" else "a non-empty text (at most 100 characters)"


def condition_record(condition: Condition) -> dict[str, Any]:
    """`condition` as JSON, the shape `parse_condition` reads."""
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        return {key: [condition_record(part) for part in condition.parts]}
    if isinstance(condition, Not):
        return {"not": condition_record(condition.part)}
    value = condition.value
    shown = [_json(v) for v in value] if isinstance(value, tuple) else _json(value)
    return {"field": condition.field, "op": condition.op, "value": shown}


def _json(value: Value) -> int | str:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value
