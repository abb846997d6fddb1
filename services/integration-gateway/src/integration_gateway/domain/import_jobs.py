"""An import job: one file of master data, its progress and its summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

ImportStatus = Literal["queued", "running", "completed", "failed"]


@dataclass(frozen=True)
class ImportJob:
    """A bulk import as the integrator watches it.

    `applied` rows changed something and went out as events, `unchanged` ones matched what was
    already there (a re-import), `rejected` ones are in the job's errors.
    """

    id: str
    kind: str
    file_format: str
    status: ImportStatus
    client_id: str
    total_rows: int = 0
    processed_rows: int = 0
    applied: int = 0
    unchanged: int = 0
    rejected: int = 0
    message: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None

    def summary(self) -> dict[str, Any]:
        """The job as the API shows it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "format": self.file_format,
            "status": self.status,
            "total_rows": self.total_rows,
            "processed_rows": self.processed_rows,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "message": self.message,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
