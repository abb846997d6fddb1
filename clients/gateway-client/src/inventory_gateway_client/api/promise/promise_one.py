from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.promise import Promise
from ...types import UNSET, Response


def _get_kwargs(
    *,
    sku: str,
    location: str,
    quantity: float | str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["sku"] = sku

    params["location"] = location

    json_quantity: float | str
    json_quantity = quantity
    params["quantity"] = json_quantity

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/promise",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | Promise | None:
    if response.status_code == 200:
        response_200 = Promise.from_dict(response.json())

        return response_200

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
) -> Response[ErrorBody | Promise]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    sku: str,
    location: str,
    quantity: float | str,
) -> Response[ErrorBody | Promise]:
    """Promise One

     How many are available now, and on which dates the rest arrives from open purchase
    orders after the backorders ahead in the queue.

    Args:
        sku (str):
        location (str):
        quantity (float | str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Promise]
    """

    kwargs = _get_kwargs(
        sku=sku,
        location=location,
        quantity=quantity,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    sku: str,
    location: str,
    quantity: float | str,
) -> ErrorBody | Promise | None:
    """Promise One

     How many are available now, and on which dates the rest arrives from open purchase
    orders after the backorders ahead in the queue.

    Args:
        sku (str):
        location (str):
        quantity (float | str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Promise
    """

    return sync_detailed(
        client=client,
        sku=sku,
        location=location,
        quantity=quantity,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    sku: str,
    location: str,
    quantity: float | str,
) -> Response[ErrorBody | Promise]:
    """Promise One

     How many are available now, and on which dates the rest arrives from open purchase
    orders after the backorders ahead in the queue.

    Args:
        sku (str):
        location (str):
        quantity (float | str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Promise]
    """

    kwargs = _get_kwargs(
        sku=sku,
        location=location,
        quantity=quantity,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    sku: str,
    location: str,
    quantity: float | str,
) -> ErrorBody | Promise | None:
    """Promise One

     How many are available now, and on which dates the rest arrives from open purchase
    orders after the backorders ahead in the queue.

    Args:
        sku (str):
        location (str):
        quantity (float | str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Promise
    """

    return (
        await asyncio_detailed(
            client=client,
            sku=sku,
            location=location,
            quantity=quantity,
        )
    ).parsed
