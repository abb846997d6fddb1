"""Approvers: who holds which role, for which department."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ALL_DEPARTMENTS: Final = "*"


@dataclass(frozen=True)
class Assignment:
    """An approver holding a role, for one department or all of them (``"*"``)."""

    approver_id: str
    display_name: str
    role: str
    department: str = ALL_DEPARTMENTS

    def covers(self, role: str, department: str) -> bool:
        return self.role == role and self.department in (ALL_DEPARTMENTS, department)
