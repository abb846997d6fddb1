"""Who is calling: the `Principal` a verified token stands for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from inventory_runtime.auth.permissions import Permission, permissions_of

PrincipalKind = Literal["person", "service"]
SERVICE_SUBJECT_PREFIX = "service:"


class Unauthenticated(Exception):
    """No usable credentials: missing, malformed, expired or wrongly signed (answered 401)."""


@dataclass(frozen=True)
class Principal:
    """A person or a service account, as its access token says.

    `id` is the login (``preferred_username``, or the service account's client id): the name
    approvers, requesters and audit entries are recorded under. `subject` is the token's
    ``sub``, stable even when a login is renamed.
    """

    id: str
    subject: str
    roles: frozenset[str]
    name: str = ""
    email: str | None = None
    department: str | None = None
    locale: str | None = None
    kind: PrincipalKind = "person"
    token_id: str | None = None
    expires_at: int | None = None
    permissions: frozenset[Permission] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", permissions_of(self.roles))

    def may(self, permission: Permission) -> bool:
        """True when one of the principal's roles grants `permission`."""
        return permission in self.permissions

    @property
    def display_name(self) -> str:
        """The name to show people (the login when the token has no name)."""
        return self.name or self.id
