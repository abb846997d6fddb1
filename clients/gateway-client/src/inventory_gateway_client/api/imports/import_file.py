from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.import_file_files_body import ImportFileFilesBody
from ...models.import_file_format_type_0 import (
    ImportFileFormatType0,
)
from ...models.import_file_kind import ImportFileKind
from ...models.import_job_view import ImportJobView
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    body: File | ImportFileFilesBody | Unset = UNSET,
    kind: ImportFileKind,
    format_: ImportFileFormatType0 | None | Unset = UNSET,
    delimiter: str | Unset = ",",
    wait: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_kind: str = kind
    params["kind"] = json_kind

    json_format_: None | str | Unset
    if isinstance(format_, Unset):
        json_format_ = UNSET
    elif isinstance(format_, str):
        json_format_ = format_
    else:
        json_format_ = format_
    params["format"] = json_format_

    params["delimiter"] = delimiter

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/imports",
        "params": params,
    }

    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "text/csv"
    if isinstance(body, ImportFileFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ImportJobView | None:
    if response.status_code == 200:
        response_200 = ImportJobView.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = ImportJobView.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | ImportJobView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: File | ImportFileFilesBody | Unset = UNSET,
    kind: ImportFileKind,
    format_: ImportFileFormatType0 | None | Unset = UNSET,
    delimiter: str | Unset = ",",
    wait: bool | Unset = False,
) -> Response[ErrorBody | ImportJobView]:
    """Import File

     Import a file of master data: valid rows land (as events), bad rows are reported in
    the job's errors (row, field, message), an unchanged row changes nothing.

    Args:
        kind (ImportFileKind): What the file's rows are.
        format_ (ImportFileFormatType0 | None | Unset): csv or jsonl; default from the content
            type.
        delimiter (str | Unset): CSV column separator. Default: ','.
        wait (bool | Unset): Answer when the job has finished. Default: False.
        body (File):
        body (ImportFileFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImportJobView]
    """

    kwargs = _get_kwargs(
        body=body,
        kind=kind,
        format_=format_,
        delimiter=delimiter,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: File | ImportFileFilesBody | Unset = UNSET,
    kind: ImportFileKind,
    format_: ImportFileFormatType0 | None | Unset = UNSET,
    delimiter: str | Unset = ",",
    wait: bool | Unset = False,
) -> ErrorBody | ImportJobView | None:
    """Import File

     Import a file of master data: valid rows land (as events), bad rows are reported in
    the job's errors (row, field, message), an unchanged row changes nothing.

    Args:
        kind (ImportFileKind): What the file's rows are.
        format_ (ImportFileFormatType0 | None | Unset): csv or jsonl; default from the content
            type.
        delimiter (str | Unset): CSV column separator. Default: ','.
        wait (bool | Unset): Answer when the job has finished. Default: False.
        body (File):
        body (ImportFileFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImportJobView
    """

    return sync_detailed(
        client=client,
        body=body,
        kind=kind,
        format_=format_,
        delimiter=delimiter,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: File | ImportFileFilesBody | Unset = UNSET,
    kind: ImportFileKind,
    format_: ImportFileFormatType0 | None | Unset = UNSET,
    delimiter: str | Unset = ",",
    wait: bool | Unset = False,
) -> Response[ErrorBody | ImportJobView]:
    """Import File

     Import a file of master data: valid rows land (as events), bad rows are reported in
    the job's errors (row, field, message), an unchanged row changes nothing.

    Args:
        kind (ImportFileKind): What the file's rows are.
        format_ (ImportFileFormatType0 | None | Unset): csv or jsonl; default from the content
            type.
        delimiter (str | Unset): CSV column separator. Default: ','.
        wait (bool | Unset): Answer when the job has finished. Default: False.
        body (File):
        body (ImportFileFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImportJobView]
    """

    kwargs = _get_kwargs(
        body=body,
        kind=kind,
        format_=format_,
        delimiter=delimiter,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: File | ImportFileFilesBody | Unset = UNSET,
    kind: ImportFileKind,
    format_: ImportFileFormatType0 | None | Unset = UNSET,
    delimiter: str | Unset = ",",
    wait: bool | Unset = False,
) -> ErrorBody | ImportJobView | None:
    """Import File

     Import a file of master data: valid rows land (as events), bad rows are reported in
    the job's errors (row, field, message), an unchanged row changes nothing.

    Args:
        kind (ImportFileKind): What the file's rows are.
        format_ (ImportFileFormatType0 | None | Unset): csv or jsonl; default from the content
            type.
        delimiter (str | Unset): CSV column separator. Default: ','.
        wait (bool | Unset): Answer when the job has finished. Default: False.
        body (File):
        body (ImportFileFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImportJobView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            kind=kind,
            format_=format_,
            delimiter=delimiter,
            wait=wait,
        )
    ).parsed
