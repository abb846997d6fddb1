"""API keys as the administrator manages them: listing, rotation with an overlap window in
which the old and the new key both work, revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

MAX_OVERLAP: Final = timedelta(days=7)
DEFAULT_OVERLAP: Final = timedelta(hours=24)
LAST_USED_EVERY_SECONDS: Final = 60.0
"""A key's last-used time is written at most this often per process (not once per request)."""


def key_hint(key: str) -> str:
    """The last four characters of a key, shown to tell keys apart (never the key)."""
    return key[-4:]


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API client's key as listed: never the key nor its hash."""

    id: str
    name: str
    scopes: tuple[str, ...]
    active: bool
    created_at: datetime
    key_hint: str | None
    last_used_at: datetime | None
    previous_key_valid_until: datetime | None
    rate_per_second: float | None
    burst: int | None

    def previous_key_valid(self, now: datetime) -> bool:
        """True while a rotated-out key still works."""
        until = self.previous_key_valid_until
        return self.active and until is not None and until > now


class UnknownApiClient(LookupError):
    """No API client of that name."""


class ApiClientExists(ValueError):
    """An API client of that name exists already."""
