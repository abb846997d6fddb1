"""Bulk import of master data: a job is made, then its file is read, checked row by row and
applied in chunks, each chunk in one transaction with its rows' events (through the outbox),
their content hashes and the job's progress. A row lands whole or not at all; a row whose
content matches what was imported before changes nothing and publishes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Final

from inventory_contracts.events.base import Event
from inventory_runtime.auth.principal import Principal

from integration_gateway.domain import AcceptedMessage, new_id
from integration_gateway.domain.import_jobs import ImportJob
from integration_gateway.domain.imports import (
    KINDS,
    FileFormat,
    FileRefused,
    Kind,
    content_hash,
    read_rows,
)
from integration_gateway.ports import ImportUoW

CHUNK_ROWS: Final = 2000
"""Rows applied per transaction."""
_log = logging.getLogger(__name__)


async def start_import(
    kind: str, file_format: FileFormat, client_id: str, uow: ImportUoW, actor: Principal | str
) -> ImportJob:
    """A queued import job of `kind` (audited)."""
    job = ImportJob(new_id("imp"), kind, file_format, "queued", client_id)
    async with uow:
        stored = await uow.imports.add(job)
        uow.audit(
            actor, "create", "import_job", job.id, after={"kind": kind, "format": file_format}
        )
        await uow.commit()
    return stored


async def run_import(
    job: ImportJob,
    content: bytes,
    new_uow: Callable[[], ImportUoW],
    *,
    delimiter: str = ",",
) -> None:
    """Read, check and apply the job's file; the job ends `completed` (with its rejected rows
    in its errors) or `failed` (the file itself refused, or an unexpected error)."""
    kind = KINDS[job.kind]
    try:
        async with new_uow() as uow:
            conversions = await uow.master_records.conversions() if kind.name == "items" else {}
        file_format: FileFormat = "jsonl" if job.file_format == "jsonl" else "csv"
        parsed = read_rows(kind, content, file_format, delimiter=delimiter, conversions=conversions)
    except FileRefused as refused:
        async with new_uow() as uow:
            await uow.imports.add_errors(job.id, refused.problems, 0)
            await uow.imports.progress(job.id, "failed", message=str(refused)[:1000])
            await uow.commit()
        return
    rejected = len({error.row for error in parsed.errors})
    try:
        async with new_uow() as uow:
            await uow.imports.add_errors(job.id, parsed.errors, 0)
            await uow.imports.progress(
                job.id, "running", total_rows=parsed.total, processed_rows=rejected,
                rejected=rejected,
            )  # fmt: skip
            await uow.commit()
        for start in range(0, len(parsed.valid), CHUNK_ROWS):
            chunk = [event for _, event in parsed.valid[start : start + CHUNK_ROWS]]
            async with new_uow() as uow:
                await _apply(job.id, kind, chunk, uow)
        async with new_uow() as uow:
            await uow.imports.progress(job.id, "completed")
            await uow.commit()
    except Exception as exc:  # the job must not stay "running" for ever
        _log.exception("import %s stopped", job.id)
        async with new_uow() as uow:
            await uow.imports.progress(job.id, "failed", message=f"import stopped: {exc}"[:1000])
            await uow.commit()


async def _apply(job_id: str, kind: Kind, events: Sequence[Event], uow: ImportUoW) -> None:
    """One chunk: publish and record the rows whose content changed, count the others."""
    keyed = {kind.key(event): (event, content_hash(event)) for event in events}
    stored = await uow.master_records.hashes(kind.name, list(keyed))
    changed = {key: pair for key, pair in keyed.items() if stored.get(key) != pair[1]}
    for key, (event, _) in changed.items():
        uow.accepted.add(AcceptedMessage.accept(event, key))
    records = {key: (digest, event.model_dump_json()) for key, (event, digest) in changed.items()}
    await uow.master_records.save(kind.name, records)
    await uow.imports.progress(
        job_id,
        "running",
        processed_rows=len(events),
        applied=len(changed),
        unchanged=len(events) - len(changed),
    )
    await uow.commit()
