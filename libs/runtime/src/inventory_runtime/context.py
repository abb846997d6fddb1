"""Correlation and causation ids of the message or request being handled.

The consumer loop and the HTTP middleware set them; `UnitOfWork.publish` and the JSON log
formatter read them, so handlers never pass ids around by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id_var: ContextVar[str | None] = ContextVar("causation_id", default=None)


def current_correlation_id() -> str | None:
    """Return the correlation id of the message or request being handled, if any."""
    return correlation_id_var.get()


def current_causation_id() -> str | None:
    """Return the id of the event that caused the current work, if any."""
    return causation_id_var.get()


@contextmanager
def message_context(*, correlation_id: str | None, causation_id: str | None) -> Iterator[None]:
    """Set both ids for the duration of the block and restore the previous values after it."""
    correlation_token = correlation_id_var.set(correlation_id)
    causation_token = causation_id_var.set(causation_id)
    try:
        yield
    finally:
        causation_id_var.reset(causation_token)
        correlation_id_var.reset(correlation_token)
