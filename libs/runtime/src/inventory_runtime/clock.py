"""The time source handlers take, so tests can pin it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A function giving the current time (timezone-aware, UTC)."""


def utc_now() -> datetime:
    """The current time in UTC; the default `Clock`."""
    return datetime.now(UTC)
