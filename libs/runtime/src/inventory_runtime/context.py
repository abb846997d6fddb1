"""Correlation and causation ids of the message or request being handled.

The consumer loop and the HTTP middleware set them; `UnitOfWork.publish` and the JSON log
formatter read them, so handlers never pass ids around by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


Origin = tuple[str | None, str | None]
"""(correlation id, causation id) of the message some work answers."""


class _BatchOrigins:
    """The batch's origins by key, built on the first look-up: a batch whose handler publishes
    nothing (most availability runs) never pays for the map."""

    def __init__(self, build: Callable[[], dict[str, Origin]]) -> None:
        self._build = build
        self._origins: dict[str, Origin] | None = None

    def get(self, key: str) -> Origin:
        if self._origins is None:
            self._origins = self._build()
        return self._origins.get(key, (None, None))


batch_origins_var: ContextVar[_BatchOrigins | None] = ContextVar("batch_origins", default=None)


@contextmanager
def batch_context(origins: Callable[[], dict[str, Origin]]) -> Iterator[None]:
    """While a batch of messages is applied together: the origin of each message by its keys
    (`origins` builds that map, once, when an event first needs it).

    An event published in the block without a message context of its own takes the ids of the
    message that shares its key (the order an outcome answers, the stock point a movement
    changed), so a set-based handler never carries ids around by hand.
    """
    token = batch_origins_var.set(_BatchOrigins(origins))
    try:
        yield
    finally:
        batch_origins_var.reset(token)


def origin_of(key: str | None) -> Origin:
    """The ids to stamp on an event with Kafka key `key`: the message or request context's,
    else those of the batch message with the same key, else none."""
    correlation_id = correlation_id_var.get()
    if correlation_id is not None:
        return correlation_id, causation_id_var.get()
    origins = batch_origins_var.get()
    if origins is not None and key is not None:
        return origins.get(key)
    return None, None
