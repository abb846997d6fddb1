from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.token_body import TokenBody
from ...models.token_response_400 import TokenResponse400
from ...models.token_response_401 import TokenResponse401
from ...types import Response


def _get_kwargs(
    *,
    body: TokenBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | TokenResponse400 | TokenResponse401 | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 400:
        response_400 = TokenResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = TokenResponse401.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | TokenResponse400 | TokenResponse401]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenBody,
) -> Response[Any | TokenResponse400 | TokenResponse401]:
    """Token

     Form-encoded token requests (RFC 6749): authorization_code (PKCE), refresh_token,
    password (when OIDC_PASSWORD_GRANT), client_credentials.

    Args:
        body (TokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | TokenResponse400 | TokenResponse401]
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
    client: AuthenticatedClient | Client,
    body: TokenBody,
) -> Any | TokenResponse400 | TokenResponse401 | None:
    """Token

     Form-encoded token requests (RFC 6749): authorization_code (PKCE), refresh_token,
    password (when OIDC_PASSWORD_GRANT), client_credentials.

    Args:
        body (TokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | TokenResponse400 | TokenResponse401
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenBody,
) -> Response[Any | TokenResponse400 | TokenResponse401]:
    """Token

     Form-encoded token requests (RFC 6749): authorization_code (PKCE), refresh_token,
    password (when OIDC_PASSWORD_GRANT), client_credentials.

    Args:
        body (TokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | TokenResponse400 | TokenResponse401]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TokenBody,
) -> Any | TokenResponse400 | TokenResponse401 | None:
    """Token

     Form-encoded token requests (RFC 6749): authorization_code (PKCE), refresh_token,
    password (when OIDC_PASSWORD_GRANT), client_credentials.

    Args:
        body (TokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | TokenResponse400 | TokenResponse401
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
