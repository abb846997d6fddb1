from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.accepted import Accepted
from ...models.convert_body import ConvertBody
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    quote_id: str,
    *,
    body: ConvertBody,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/quotes/{quote_id}/convert".format(
            quote_id=quote(str(quote_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Accepted | ErrorBody | None:
    if response.status_code == 202:
        response_202 = Accepted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Accepted | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    quote_id: str,
    *,
    client: AuthenticatedClient,
    body: ConvertBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Convert Quote

     Place the quote's order: it takes over what the quote holds, atomically; the outcome
    comes as for any order (``StockReserved`` or ``ReservationRejected``).

    Args:
        quote_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ConvertBody): The order the quote becomes (its lines are the quote's).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        quote_id=quote_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    quote_id: str,
    *,
    client: AuthenticatedClient,
    body: ConvertBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Convert Quote

     Place the quote's order: it takes over what the quote holds, atomically; the outcome
    comes as for any order (``StockReserved`` or ``ReservationRejected``).

    Args:
        quote_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ConvertBody): The order the quote becomes (its lines are the quote's).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return sync_detailed(
        quote_id=quote_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    quote_id: str,
    *,
    client: AuthenticatedClient,
    body: ConvertBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Convert Quote

     Place the quote's order: it takes over what the quote holds, atomically; the outcome
    comes as for any order (``StockReserved`` or ``ReservationRejected``).

    Args:
        quote_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ConvertBody): The order the quote becomes (its lines are the quote's).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        quote_id=quote_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    quote_id: str,
    *,
    client: AuthenticatedClient,
    body: ConvertBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Convert Quote

     Place the quote's order: it takes over what the quote holds, atomically; the outcome
    comes as for any order (``StockReserved`` or ``ReservationRejected``).

    Args:
        quote_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ConvertBody): The order the quote becomes (its lines are the quote's).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return (
        await asyncio_detailed(
            quote_id=quote_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
