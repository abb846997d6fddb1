"""Bulk import API: a whole file of master data in one call, then watch the job apply it.

``POST /v1/imports?kind=items`` takes the file as the request body (CSV or JSON lines) or as
the ``file`` part of a multipart form, and answers 202 with the queued job; the file is applied
in the background. ``?wait=true`` answers when the job has finished instead.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from inventory_runtime.app import runtime_of
from inventory_runtime.auth.routes import current_principal
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import UploadFile

from integration_gateway.api import Uow
from integration_gateway.api.auth import AuthenticatedRoute, requires
from integration_gateway.api.examples import (
    IMPORT_FILE,
    IMPORT_JOB,
    QUEUED_IMPORT,
    ROW_ERROR,
    answer,
    examples_of,
    not_found,
)
from integration_gateway.domain import ApiClient
from integration_gateway.domain.import_jobs import ImportJob
from integration_gateway.domain.imports import FileFormat
from integration_gateway.handlers.imports import run_import, start_import
from integration_gateway.ports import ImportUoW

ImportKind = Literal["items", "locations", "suppliers", "categories", "units", "supplier-terms"]
MasterDataClient = Annotated[ApiClient, requires("master-data:write")]
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")

router = APIRouter(prefix="/v1", tags=["imports"], route_class=AuthenticatedRoute)


class ImportJobView(BaseModel):
    """An import job: its progress and summary."""

    model_config = ConfigDict(json_schema_extra=examples_of(IMPORT_JOB))
    id: str
    kind: str
    format: str
    status: Literal["queued", "running", "completed", "failed"]
    total_rows: int
    processed_rows: int
    applied: int
    unchanged: int
    rejected: int
    message: str | None
    created_at: str | None
    finished_at: str | None


class RowErrorView(BaseModel):
    """Why a row was not applied (row 0: the file as a whole; row 1 is a CSV's header)."""

    model_config = ConfigDict(json_schema_extra=examples_of(ROW_ERROR))
    row: int
    field: str
    message: str


async def _file_of(request: Request) -> tuple[bytes, str, str]:
    """The file's bytes, content type and name (multipart ``file`` part, or the raw body)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            problem = field_problems([("file", "a multipart import needs a 'file' part")])
            raise ApiError(422, "validation_error", problem)
        return await upload.read(), upload.content_type or "", upload.filename or ""
    return await request.body(), content_type, ""


def _format_of(asked: str | None, content_type: str, filename: str) -> FileFormat:
    if asked is not None:
        return "jsonl" if asked == "jsonl" else "csv"
    jsonl = content_type.split(";")[0].strip() in JSONL_TYPES
    return "jsonl" if jsonl or filename.endswith((".jsonl", ".ndjson")) else "csv"


def _keep_running(request: Request, task: asyncio.Task[None]) -> None:
    tasks: set[asyncio.Task[None]] = request.app.state.import_tasks
    tasks.add(task)
    task.add_done_callback(tasks.discard)


IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ImportJobView} | answer(IMPORT_JOB, "with `wait=true`: the finished job"),
    202: answer(QUEUED_IMPORT, "the job is queued; follow it at the Location"),
    413: {"description": "the file is larger than IMPORT_MAX_BODY_BYTES"},
    422: {"description": "a bad query parameter, or a multipart form without a `file` part"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: not_found("no import job 'imp_5c1f0e2a9d8b4c7e8f6a1b2c3d4e5f60'")
}


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportJobView,
    responses=IMPORT_RESPONSES,
    openapi_extra={"requestBody": IMPORT_FILE},
)
async def import_file(
    request: Request,
    uow: Uow,
    client: MasterDataClient,
    kind: Annotated[ImportKind, Query(description="What the file's rows are.")],
    file_format: Annotated[
        Literal["csv", "jsonl"] | None,
        Query(alias="format", description="csv or jsonl; default from the content type."),
    ] = None,
    delimiter: Annotated[
        str, Query(min_length=1, max_length=1, description="CSV column separator.")
    ] = ",",
    wait: Annotated[bool, Query(description="Answer when the job has finished.")] = False,
) -> JSONResponse:
    """Import a file of master data: valid rows land (as events), bad rows are reported in
    the job's errors (row, field, message), an unchanged row changes nothing."""
    content, content_type, filename = await _file_of(request)
    chosen = _format_of(file_format, content_type, filename)
    job = await start_import(kind, chosen, client.id, uow, current_principal(request))
    new_uow = cast("type[ImportUoW]", runtime_of(request).uow_factory)
    work = run_import(job, content, new_uow, delimiter=delimiter)
    if wait:
        await work
        return JSONResponse(status_code=200, content=await _summary(request, job.id))
    _keep_running(request, asyncio.create_task(work, name=f"import-{job.id}"))
    headers = {"Location": f"/v1/imports/{job.id}"}
    return JSONResponse(status_code=202, content=job.summary(), headers=headers)


async def _summary(request: Request, job_id: str) -> dict[str, Any]:
    uow = cast(ImportUoW, runtime_of(request).uow_factory())
    async with uow:
        found = await uow.imports.get(job_id)
    if found is None:
        raise ApiError(404, "not_found", f"no import job {job_id!r}")
    return found.summary()


@router.get("/imports", response_model=list[ImportJobView])
async def list_imports(
    uow: Uow, client: MasterDataClient, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[dict[str, Any]]:
    """The latest import jobs, newest first."""
    async with uow:
        jobs: list[ImportJob] = await uow.imports.recent(limit)
    return [job.summary() for job in jobs]


@router.get("/imports/{job_id}", response_model=ImportJobView, responses=NOT_FOUND)
async def get_import(job_id: str, request: Request, client: MasterDataClient) -> dict[str, Any]:
    """An import job's progress and summary."""
    return await _summary(request, job_id)


@router.get("/imports/{job_id}/errors", response_model=list[RowErrorView], responses=NOT_FOUND)
async def import_errors(
    job_id: str,
    uow: Uow,
    client: MasterDataClient,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[RowErrorView]:
    """The job's rejected rows, in file order: row, field and message."""
    async with uow:
        if await uow.imports.get(job_id) is None:
            raise ApiError(404, "not_found", f"no import job {job_id!r}")
        errors = await uow.imports.errors(job_id, offset, limit)
    return [RowErrorView(row=e.row, field=e.field, message=e.message) for e in errors]
