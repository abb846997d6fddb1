from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.accepted import Accepted
from ...models.error_body import ErrorBody
from ...models.item_body import ItemBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    sku: str,
    *,
    body: ItemBody,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/items/{sku}".format(
            sku=quote(str(sku), safe=""),
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

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

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
    sku: str,
    *,
    client: AuthenticatedClient,
    body: ItemBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Upsert Item

     Create or replace an item (its full current state).

    Args:
        sku (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ItemBody): An item's full current state (the SKU is in the path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        sku=sku,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sku: str,
    *,
    client: AuthenticatedClient,
    body: ItemBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Upsert Item

     Create or replace an item (its full current state).

    Args:
        sku (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ItemBody): An item's full current state (the SKU is in the path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return sync_detailed(
        sku=sku,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    sku: str,
    *,
    client: AuthenticatedClient,
    body: ItemBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Upsert Item

     Create or replace an item (its full current state).

    Args:
        sku (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ItemBody): An item's full current state (the SKU is in the path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        sku=sku,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sku: str,
    *,
    client: AuthenticatedClient,
    body: ItemBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Upsert Item

     Create or replace an item (its full current state).

    Args:
        sku (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ItemBody): An item's full current state (the SKU is in the path).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return (
        await asyncio_detailed(
            sku=sku,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
