"""Errors raised by the contracts package.

Every decoding failure is an `EventDecodeError` with a short machine `code` (stable, used as a
metric label and a DLQ header) and a human `reason` (one line, bounded length, naming the
field(s) at fault). Catch `EventDecodeError` to route any bad message to the DLQ; catch a
subclass when one outcome deserves different handling (e.g. skip `UnknownEventType`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import ValidationError

MAX_REASON_LENGTH = 300
"""Upper bound of `EventDecodeError.reason`, so it fits a Kafka header and a log line."""

_MAX_ERRORS_LISTED = 5
_MAX_LOC_PART_LENGTH = 40
_MAX_PATH_LENGTH = 100
# pydantic speaks Python; the sender wrote JSON.
_JSON_TERMS = {"Tuple": "Array", "List": "Array", "tuple": "array", "list": "array"}
_JSON_TERMS |= {"dictionary": "object", "Dictionary": "Object"}
_PYTHON_TERM = re.compile(rf"\b({'|'.join(_JSON_TERMS)})\b")


class ContractError(Exception):
    """Base of every error raised by `inventory_contracts`."""


class EventDecodeError(ContractError):
    """A message could not be turned into a CloudEvent or into a known event model."""

    code: ClassVar[str] = "decode_error"

    def __init__(self, reason: str) -> None:
        self.reason = bounded(reason)
        super().__init__(self.reason)

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class InvalidJson(EventDecodeError):
    """The bytes are not UTF-8 encoded JSON."""

    code = "invalid_json"


class NotACloudEvent(EventDecodeError):
    """Valid JSON, but not a CloudEvents 1.0 structured-mode event we can read."""

    code = "not_a_cloudevent"


class UnsupportedSpecVersion(EventDecodeError):
    """A CloudEvent whose `specversion` is not "1.0"."""

    code = "unsupported_specversion"


class UnknownEventType(EventDecodeError, LookupError):
    """The event `type` is not in the registry (a newer producer, or a typo)."""

    code = "unknown_type"


class InvalidEventData(EventDecodeError):
    """The event `data` does not validate against the model of its `type`."""

    code = "invalid_data"


def bounded(text: str, limit: int = MAX_REASON_LENGTH) -> str:
    """Return `text` on one printable line, cut to at most `limit` characters."""
    line = "".join(ch if ch.isprintable() else " " for ch in text)
    return line if len(line) <= limit else line[: limit - 3] + "..."


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """Summarise a pydantic error as "lines.0.quantity: Input should be greater than 0; ...".

    `prefix` is put before every location (e.g. "data."), so the reason reads as a path in the
    JSON message as a person sees it.
    """
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    # A sequence whose only item failed also reports "too short": noise next to the real cause.
    errors = [err for err in errors if not _is_echo_of_item_error(err["type"], err["loc"], errors)]
    parts = [_describe_one(prefix, err["loc"], err["msg"]) for err in errors[:_MAX_ERRORS_LISTED]]
    if len(errors) > _MAX_ERRORS_LISTED:
        parts.append(f"and {len(errors) - _MAX_ERRORS_LISTED} more")
    return bounded("; ".join(parts))


def _is_echo_of_item_error(kind: str, loc: tuple[int | str, ...], errors: list[Any]) -> bool:
    if kind != "too_short":
        return False
    return any(len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors)


def _describe_one(prefix: str, loc: Iterable[int | str], msg: str) -> str:
    # A location part can be a key chosen by the sender (an unexpected field): keep it short.
    path = ".".join(_short(str(part)) for part in loc)
    if len(path) > _MAX_PATH_LENGTH:  # deep nesting: keep the start, the end and the message
        path = f"{path[: _MAX_PATH_LENGTH - 25]}...{path[-22:]}"
    where = f"{prefix}{path}" if path else prefix.rstrip(".") or "message"
    return f"{where}: {_PYTHON_TERM.sub(lambda m: _JSON_TERMS[m.group()], msg)}"


def _short(part: str) -> str:
    return part if len(part) <= _MAX_LOC_PART_LENGTH else part[: _MAX_LOC_PART_LENGTH - 3] + "..."
