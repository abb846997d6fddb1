"""Password hashing (argon2id, argon2-cffi) and the login throttle rule.

A wrong login and a wrong password take the same time: an unknown login is checked against a
dummy hash, so the answer's timing does not tell which logins exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


class Passwords:
    """Hashes and checks passwords; `needs_rehash` tells when the parameters changed."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches `password_hash`; None (no password) never matches."""
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def login_locked(failures: Sequence[datetime], now: datetime) -> bool:
    """True while a login is refused: `FAILURE_LIMIT` failed passwords within
    `FAILURE_WINDOW`, the last of them less than `LOCK_DURATION` ago. `failures` are the
    login's recent failures, newest first."""
    if len(failures) < FAILURE_LIMIT:
        return False
    newest, oldest = failures[0], failures[FAILURE_LIMIT - 1]
    return newest - oldest <= FAILURE_WINDOW and now - newest < LOCK_DURATION


def generate_secret() -> str:
    """A new client secret for a service account (shown once, stored hashed)."""
    return "igs_" + secrets.token_urlsafe(32)
