from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.accepted import Accepted
from ...models.error_body import ErrorBody
from ...models.shipment_body import ShipmentBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: ShipmentBody,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders/{order_id}/shipments".format(
            order_id=quote(str(order_id), safe=""),
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
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: ShipmentBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Ship Order

     Goods of the order shipped; stock-ledger issues them and the reservation is fulfilled.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ShipmentBody): Goods of the order left the warehouse.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: ShipmentBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Ship Order

     Goods of the order shipped; stock-ledger issues them and the reservation is fulfilled.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ShipmentBody): Goods of the order left the warehouse.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: ShipmentBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Accepted | ErrorBody]:
    """Ship Order

     Goods of the order shipped; stock-ledger issues them and the reservation is fulfilled.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ShipmentBody): Goods of the order left the warehouse.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Accepted | ErrorBody]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: ShipmentBody,
    idempotency_key: None | str | Unset = UNSET,
) -> Accepted | ErrorBody | None:
    """Ship Order

     Goods of the order shipped; stock-ledger issues them and the reservation is fulfilled.

    Args:
        order_id (str):
        idempotency_key (None | str | Unset): Makes retries safe: a repeat of the same request is
            answered, not redone.
        body (ShipmentBody): Goods of the order left the warehouse.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Accepted | ErrorBody
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
