"""The import side's tables: jobs, their rows' errors, and the imported records' hashes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.adapters.tables import import_errors, import_jobs, master_records
from integration_gateway.domain.import_jobs import ImportJob, ImportStatus
from integration_gateway.domain.imports import RowError

_SAVE_RECORDS = text(
    """
    INSERT INTO master_records (kind, key, content_hash, record)
    SELECT :kind, key, content_hash, CAST(record AS jsonb)
    FROM unnest(CAST(:keys AS text[]), CAST(:hashes AS text[]), CAST(:records AS text[]))
        AS r(key, content_hash, record)
    ON CONFLICT (kind, key) DO UPDATE
    SET content_hash = excluded.content_hash, record = excluded.record, updated_at = now()
    """
)
_SAVE_ERRORS = text(
    """
    INSERT INTO import_errors (job_id, seq, row, field, message)
    SELECT :job_id, seq, row, field, message
    FROM unnest(CAST(:seqs AS int[]), CAST(:rows AS int[]), CAST(:fields AS text[]),
                CAST(:messages AS text[])) AS e(seq, row, field, message)
    """
)


class ImportJobRepository:
    """Import jobs and their errors."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: ImportJob) -> ImportJob:
        values = {
            "id": job.id,
            "kind": job.kind,
            "file_format": job.file_format,
            "status": job.status,
            "client_id": job.client_id,
        }
        row = (
            await self._session.execute(insert(import_jobs).values(values).returning(import_jobs))
        ).one()
        return _job(row)

    async def get(self, job_id: str) -> ImportJob | None:
        row = (
            await self._session.execute(select(import_jobs).where(import_jobs.c.id == job_id))
        ).one_or_none()
        return None if row is None else _job(row)

    async def recent(self, limit: int) -> list[ImportJob]:
        query = select(import_jobs).order_by(import_jobs.c.created_at.desc()).limit(limit)
        return [_job(row) for row in (await self._session.execute(query)).all()]

    async def progress(
        self, job_id: str, status: ImportStatus, *, message: str | None = None, **counts: int
    ) -> None:
        """Set the job's status and counters (`processed_rows`, `applied`, ... added to)."""
        values: dict[str, Any] = {"status": status}
        for name, amount in counts.items():
            values[name] = import_jobs.c[name] + amount
        if message is not None:
            values["message"] = message
        if status in ("completed", "failed"):
            values["finished_at"] = func.now()
        await self._session.execute(
            update(import_jobs).where(import_jobs.c.id == job_id).values(values)
        )

    async def add_errors(self, job_id: str, errors: Sequence[RowError], first_seq: int) -> None:
        if not errors:
            return
        await self._session.execute(
            _SAVE_ERRORS,
            {
                "job_id": job_id,
                "seqs": list(range(first_seq, first_seq + len(errors))),
                "rows": [error.row for error in errors],
                "fields": [error.field for error in errors],
                "messages": [error.message for error in errors],
            },
        )

    async def errors(self, job_id: str, offset: int, limit: int) -> list[RowError]:
        query = (
            select(import_errors.c.row, import_errors.c.field, import_errors.c.message)
            .where(import_errors.c.job_id == job_id)
            .order_by(import_errors.c.seq)
            .offset(offset)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return [RowError(row.row, row.field, row.message) for row in rows]


class MasterRecordRepository:
    """Each imported record's content hash (and content, for the unit conversions)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def hashes(self, kind: str, keys: Sequence[str]) -> dict[str, str]:
        query = select(master_records.c.key, master_records.c.content_hash).where(
            master_records.c.kind == kind, master_records.c.key.in_(keys)
        )
        return {row.key: row.content_hash for row in (await self._session.execute(query)).all()}

    async def save(self, kind: str, records: Mapping[str, tuple[str, str]]) -> None:
        """Store `key -> (hash, record as JSON text)`, replacing what was there."""
        if not records:
            return
        await self._session.execute(
            _SAVE_RECORDS,
            {
                "kind": kind,
                "keys": list(records),
                "hashes": [content_hash for content_hash, _ in records.values()],
                "records": [record for _, record in records.values()],
            },
        )

    async def records(self, kind: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The imported records of `kind` with these keys, as their event data."""
        query = select(master_records.c.key, master_records.c.record).where(
            master_records.c.kind == kind, master_records.c.key.in_(keys)
        )
        return {row.key: dict(row.record) for row in (await self._session.execute(query)).all()}

    async def conversions(self) -> dict[tuple[str, str], Decimal]:
        """The imported units' conversions: (unit, base unit) -> factor."""
        query = select(master_records.c.record).where(master_records.c.kind == "units")
        rows = (await self._session.execute(query)).scalars().all()
        return {(r["unit"], r["base_unit"]): Decimal(str(r["factor"])) for r in rows}


def _job(row: Any) -> ImportJob:
    return ImportJob(
        id=row.id,
        kind=row.kind,
        file_format=row.file_format,
        status=row.status,
        client_id=row.client_id,
        total_rows=row.total_rows,
        processed_rows=row.processed_rows,
        applied=row.applied,
        unchanged=row.unchanged,
        rejected=row.rejected,
        message=row.message,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )
