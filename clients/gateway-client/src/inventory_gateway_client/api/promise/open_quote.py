from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.quote import Quote
from ...models.quote_body import QuoteBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: QuoteBody,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/quotes",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | Quote | None:
    if response.status_code == 201:
        response_201 = Quote.from_dict(response.json())

        return response_201

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
) -> Response[ErrorBody | Quote]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: QuoteBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | Quote]:
    """Open Quote

     Keep a quote (with a soft hold if asked); the same ``quote_id`` again answers the quote
    already kept (200), so a retry never holds twice.

    Args:
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (QuoteBody): A quote to keep; ``hold: true`` soft-reserves what is free now for
            ``hold_seconds``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Quote]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: QuoteBody,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | Quote | None:
    """Open Quote

     Keep a quote (with a soft hold if asked); the same ``quote_id`` again answers the quote
    already kept (200), so a retry never holds twice.

    Args:
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (QuoteBody): A quote to keep; ``hold: true`` soft-reserves what is free now for
            ``hold_seconds``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Quote
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: QuoteBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | Quote]:
    """Open Quote

     Keep a quote (with a soft hold if asked); the same ``quote_id`` again answers the quote
    already kept (200), so a retry never holds twice.

    Args:
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (QuoteBody): A quote to keep; ``hold: true`` soft-reserves what is free now for
            ``hold_seconds``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Quote]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: QuoteBody,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | Quote | None:
    """Open Quote

     Keep a quote (with a soft hold if asked); the same ``quote_id`` again answers the quote
    already kept (200), so a retry never holds twice.

    Args:
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (QuoteBody): A quote to keep; ``hold: true`` soft-reserves what is free now for
            ``hold_seconds``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Quote
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
