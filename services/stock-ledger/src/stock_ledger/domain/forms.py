"""Form engine: configurable extra fields per document type, validated field by field.

A definition is versioned: saving one for a document type makes a new version, and a document
keeps the version it was made with, so old documents still read and validate as they were.

A field's `pattern` comes from whoever defines the form and runs on every document request, so
it is compiled and matched by RE2, whose matching time is linear in the input: no pattern can
make a request backtrack for ever (ReDoS). What RE2 cannot compile (backreferences, lookaround)
is refused when the form is defined. A value matches when the whole of it matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

import re2
from biip import ParseError, parse

from stock_ledger.domain.errors import Problem

FieldType = Literal["text", "number", "date", "choice", "barcode"]
FIELD_TYPES: tuple[FieldType, ...] = ("text", "number", "date", "choice", "barcode")


class UnsupportedPattern(ValueError):
    """A pattern RE2 cannot compile: bad syntax, or a backreference or lookaround."""


@lru_cache(maxsize=512)
def compiled_pattern(pattern: str) -> re2._Regexp[str]:
    """`pattern` compiled by RE2 (linear-time matching); raises `UnsupportedPattern`."""
    options = re2.Options()
    options.log_errors = False  # a refused pattern is the caller's 422, not a log line
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise UnsupportedPattern(str(reason)) from None


def matches(pattern: str, value: str) -> bool:
    """Whether the whole of `value` matches `pattern` (RE2)."""
    return compiled_pattern(pattern).fullmatch(value) is not None


@dataclass(frozen=True)
class FieldDefinition:
    """One extra field of a form; `minimum`/`maximum` bound a number's value or a text's length."""

    name: str
    type: FieldType
    label_en: str
    label_zh: str
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormDefinition:
    document_type: str
    version: int
    fields: tuple[FieldDefinition, ...] = field(default_factory=tuple)


def definition_problems(fields: list[FieldDefinition]) -> list[Problem]:
    """What is wrong with a definition itself (duplicate names, bad patterns, empty choices)."""
    problems = []
    seen: set[str] = set()
    for index, definition in enumerate(fields):
        at = f"fields.{index}"
        if definition.name in seen:
            problems.append(Problem(f"{at}.name", f"{definition.name!r} is defined twice"))
        seen.add(definition.name)
        if definition.pattern is not None:
            try:
                compiled_pattern(definition.pattern)
            except UnsupportedPattern as exc:
                problems.append(
                    Problem(
                        f"{at}.pattern",
                        f"the pattern of {definition.name!r} is not one RE2 accepts ({exc}): "
                        "backreferences and lookaround are not supported (正则表达式不受支持)",
                    )
                )
        if definition.type == "choice" and not definition.choices:
            problems.append(Problem(f"{at}.choices", "a choice field needs choices"))
        low, high = definition.minimum, definition.maximum
        if low is not None and high is not None and low > high:
            problems.append(Problem(f"{at}.minimum", "greater than maximum"))
    return problems


def validate(form: FormDefinition, values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The values as stored (JSON-ready) and a problem per bad, missing or unknown field."""
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {}
    known = {f.name for f in form.fields}
    for name in sorted(set(values) - known):
        problems.append(Problem(f"fields.{name}", "not a field of this form (表单无此字段)"))
    for definition in form.fields:
        raw = values.get(definition.name)
        at = f"fields.{definition.name}"
        if raw is None or raw == "":
            if definition.required:
                problems.append(Problem(at, "is required (必填)"))
            continue
        value, problem = _check(definition, raw)
        if problem:
            problems.append(Problem(at, problem))
        else:
            cleaned[definition.name] = value
    return cleaned, problems


def _check(definition: FieldDefinition, raw: Any) -> tuple[Any, str | None]:
    kind = definition.type
    if kind == "number":
        if isinstance(raw, bool):
            return None, "must be a number (须为数字)"
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None, "must be a number (须为数字)"
        if not number.is_finite():
            return None, "must be a number (须为数字)"
        return str(number), _bounds(definition, number, "")
    if not isinstance(raw, str):
        return None, f"must be {'a date' if kind == 'date' else 'text'} (须为文本)"
    if kind == "date":
        try:
            return date.fromisoformat(raw).isoformat(), None
        except ValueError:
            return None, "must be a date YYYY-MM-DD (日期格式应为 YYYY-MM-DD)"
    if kind == "choice" and raw not in definition.choices:
        return None, f"must be one of: {', '.join(definition.choices)}"
    if kind == "barcode":
        try:
            parse(raw)
        except ParseError:
            return None, "not a valid barcode (条码无效)"
    problem = _bounds(definition, Decimal(len(raw)), " characters")
    if problem is None and definition.pattern:
        problem = _pattern_problem(definition.pattern, raw)
    return raw, problem


def _pattern_problem(pattern: str, raw: str) -> str | None:
    try:
        if matches(pattern, raw):
            return None
    except UnsupportedPattern:  # saved before patterns were checked by RE2
        return f"the form's pattern {pattern} is not supported: save the form again (表单格式无效)"
    return f"does not match the pattern {pattern} (格式不符)"


def _bounds(definition: FieldDefinition, amount: Decimal, unit: str) -> str | None:
    if definition.minimum is not None and amount < definition.minimum:
        return f"must be at least {definition.minimum}{unit} (不得小于 {definition.minimum})"
    if definition.maximum is not None and amount > definition.maximum:
        return f"must be at most {definition.maximum}{unit} (不得大于 {definition.maximum})"
    return None
