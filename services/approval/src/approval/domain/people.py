"""People of the directory, as approval needs them: who manages whom (from `PersonChanged`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Person:
    """A person's login, manager and department; an inactive person is nobody's escalation."""

    login: str
    manager_login: str | None
    department: str | None
    active: bool
    changed_at: datetime
