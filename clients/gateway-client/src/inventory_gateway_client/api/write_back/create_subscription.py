from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.subscription_body import SubscriptionBody
from ...models.subscription_view import SubscriptionView
from ...types import Response


def _get_kwargs(
    *,
    body: SubscriptionBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/subscriptions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | SubscriptionView | None:
    if response.status_code == 201:
        response_201 = SubscriptionView.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | SubscriptionView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionBody,
) -> Response[ErrorBody | SubscriptionView]:
    """Create Subscription

     Subscribe a URL to event types; each event is POSTed there, signed with `secret`. A URL
    into the internal network is refused unless allow-listed (OUTBOUND_ALLOWLIST).

    Args:
        body (SubscriptionBody): Where to POST which events, and the secret they are signed with.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SubscriptionView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SubscriptionBody,
) -> ErrorBody | SubscriptionView | None:
    """Create Subscription

     Subscribe a URL to event types; each event is POSTed there, signed with `secret`. A URL
    into the internal network is refused unless allow-listed (OUTBOUND_ALLOWLIST).

    Args:
        body (SubscriptionBody): Where to POST which events, and the secret they are signed with.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SubscriptionView
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionBody,
) -> Response[ErrorBody | SubscriptionView]:
    """Create Subscription

     Subscribe a URL to event types; each event is POSTed there, signed with `secret`. A URL
    into the internal network is refused unless allow-listed (OUTBOUND_ALLOWLIST).

    Args:
        body (SubscriptionBody): Where to POST which events, and the secret they are signed with.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SubscriptionView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SubscriptionBody,
) -> ErrorBody | SubscriptionView | None:
    """Create Subscription

     Subscribe a URL to event types; each event is POSTed there, signed with `secret`. A URL
    into the internal network is refused unless allow-listed (OUTBOUND_ALLOWLIST).

    Args:
        body (SubscriptionBody): Where to POST which events, and the secret they are signed with.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SubscriptionView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
