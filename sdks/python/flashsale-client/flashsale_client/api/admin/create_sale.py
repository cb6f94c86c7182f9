from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.new_sale import NewSale
from ...models.problem import Problem
from ...models.sale_summary import SaleSummary
from ...types import Response


def _get_kwargs(
    *,
    body: NewSale,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/admin/sales",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SaleSummary | None:
    if response.status_code == 201:
        response_201 = SaleSummary.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SaleSummary]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NewSale,
) -> Response[Problem | SaleSummary]:
    """Create a sale

     Defines a sale of a product with its stock, window, per-user limit, payment window (how
    long a buyer has to pay an order; the server's default when absent) and whether a buyer
    whose order was cancelled or expired may buy again (not by default), and loads its
    stock for buyers. The public listing shows the new sale as soon as this answers. Needs a
    token with the `admin` claim.

    Args:
        body (NewSale): A sale to create. Example: {'endsAt': '2026-12-01T11:00:00+00:00', 'name':
            'Phone X, launch edition', 'paymentWindowSecs': 900, 'perUserLimit': 1, 'productId':
            'phone-x', 'rebuyAfterCancel': False, 'startsAt': '2026-12-01T10:00:00+00:00', 'stock':
            100}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SaleSummary]
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
    body: NewSale,
) -> Problem | SaleSummary | None:
    """Create a sale

     Defines a sale of a product with its stock, window, per-user limit, payment window (how
    long a buyer has to pay an order; the server's default when absent) and whether a buyer
    whose order was cancelled or expired may buy again (not by default), and loads its
    stock for buyers. The public listing shows the new sale as soon as this answers. Needs a
    token with the `admin` claim.

    Args:
        body (NewSale): A sale to create. Example: {'endsAt': '2026-12-01T11:00:00+00:00', 'name':
            'Phone X, launch edition', 'paymentWindowSecs': 900, 'perUserLimit': 1, 'productId':
            'phone-x', 'rebuyAfterCancel': False, 'startsAt': '2026-12-01T10:00:00+00:00', 'stock':
            100}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SaleSummary
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NewSale,
) -> Response[Problem | SaleSummary]:
    """Create a sale

     Defines a sale of a product with its stock, window, per-user limit, payment window (how
    long a buyer has to pay an order; the server's default when absent) and whether a buyer
    whose order was cancelled or expired may buy again (not by default), and loads its
    stock for buyers. The public listing shows the new sale as soon as this answers. Needs a
    token with the `admin` claim.

    Args:
        body (NewSale): A sale to create. Example: {'endsAt': '2026-12-01T11:00:00+00:00', 'name':
            'Phone X, launch edition', 'paymentWindowSecs': 900, 'perUserLimit': 1, 'productId':
            'phone-x', 'rebuyAfterCancel': False, 'startsAt': '2026-12-01T10:00:00+00:00', 'stock':
            100}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SaleSummary]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NewSale,
) -> Problem | SaleSummary | None:
    """Create a sale

     Defines a sale of a product with its stock, window, per-user limit, payment window (how
    long a buyer has to pay an order; the server's default when absent) and whether a buyer
    whose order was cancelled or expired may buy again (not by default), and loads its
    stock for buyers. The public listing shows the new sale as soon as this answers. Needs a
    token with the `admin` claim.

    Args:
        body (NewSale): A sale to create. Example: {'endsAt': '2026-12-01T11:00:00+00:00', 'name':
            'Phone X, launch edition', 'paymentWindowSecs': 900, 'perUserLimit': 1, 'productId':
            'phone-x', 'rebuyAfterCancel': False, 'startsAt': '2026-12-01T10:00:00+00:00', 'stock':
            100}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SaleSummary
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
