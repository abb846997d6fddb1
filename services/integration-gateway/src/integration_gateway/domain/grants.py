"""What the issuer stores of the grants it made: authorization codes and refresh tokens
(only their SHA-256 is kept, as the key of the row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class StoredCode:
    client_id: str
    redirect_uri: str
    person_id: UUID
    code_challenge: str
    scope: str
    nonce: str | None
    expires_at: datetime
    used_at: datetime | None
    family_id: UUID | None


@dataclass(frozen=True)
class StoredRefresh:
    token_hash: str
    family_id: UUID
    person_id: UUID
    client_id: str
    scope: str
    expires_at: datetime
    family_expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
