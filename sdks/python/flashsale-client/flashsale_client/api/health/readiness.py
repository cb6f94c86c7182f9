from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/readyz",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | str]:
    """Readiness

     Answers `200` when every dependency this process uses can serve (in production the
    Kafka producer has its idempotence id, and a worker's consumer its assignment), the
    process is not stopping, and the last listing of the sales (catalog and stock gate,
    refreshed every `http.catalog_refresh_ms`) succeeded and is at most four intervals old;
    `503` otherwise, saying why. Queries nothing itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | str | None:
    """Readiness

     Answers `200` when every dependency this process uses can serve (in production the
    Kafka producer has its idempotence id, and a worker's consumer its assignment), the
    process is not stopping, and the last listing of the sales (catalog and stock gate,
    refreshed every `http.catalog_refresh_ms`) succeeded and is at most four intervals old;
    `503` otherwise, saying why. Queries nothing itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | str]:
    """Readiness

     Answers `200` when every dependency this process uses can serve (in production the
    Kafka producer has its idempotence id, and a worker's consumer its assignment), the
    process is not stopping, and the last listing of the sales (catalog and stock gate,
    refreshed every `http.catalog_refresh_ms`) succeeded and is at most four intervals old;
    `503` otherwise, saying why. Queries nothing itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | str | None:
    """Readiness

     Answers `200` when every dependency this process uses can serve (in production the
    Kafka producer has its idempotence id, and a worker's consumer its assignment), the
    process is not stopping, and the last listing of the sales (catalog and stock gate,
    refreshed every `http.catalog_refresh_ms`) succeeded and is at most four intervals old;
    `503` otherwise, saying why. Queries nothing itself.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
