from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.person_patch import PersonPatch
from ...models.person_view import PersonView
from ...types import Response


def _get_kwargs(
    login: str,
    *,
    body: PersonPatch,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/people/{login}".format(
            login=quote(str(login), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PersonView | None:
    if response.status_code == 200:
        response_200 = PersonView.from_dict(response.json())

        return response_200

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | PersonView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    login: str,
    *,
    client: AuthenticatedClient,
    body: PersonPatch,
) -> Response[ErrorBody | PersonView]:
    """Update Person

     Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked).

    Args:
        login (str):
        body (PersonPatch): The fields to change; a field sent as null is cleared (display name,
            roles, locale and
            active cannot be null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PersonView]
    """

    kwargs = _get_kwargs(
        login=login,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    login: str,
    *,
    client: AuthenticatedClient,
    body: PersonPatch,
) -> ErrorBody | PersonView | None:
    """Update Person

     Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked).

    Args:
        login (str):
        body (PersonPatch): The fields to change; a field sent as null is cleared (display name,
            roles, locale and
            active cannot be null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PersonView
    """

    return sync_detailed(
        login=login,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    login: str,
    *,
    client: AuthenticatedClient,
    body: PersonPatch,
) -> Response[ErrorBody | PersonView]:
    """Update Person

     Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked).

    Args:
        login (str):
        body (PersonPatch): The fields to change; a field sent as null is cleared (display name,
            roles, locale and
            active cannot be null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PersonView]
    """

    kwargs = _get_kwargs(
        login=login,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    login: str,
    *,
    client: AuthenticatedClient,
    body: PersonPatch,
) -> ErrorBody | PersonView | None:
    """Update Person

     Change fields of a person; `"active": false` deactivates (their refresh tokens are
    revoked).

    Args:
        login (str):
        body (PersonPatch): The fields to change; a field sent as null is cleared (display name,
            roles, locale and
            active cannot be null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PersonView
    """

    return (
        await asyncio_detailed(
            login=login,
            client=client,
            body=body,
        )
    ).parsed
