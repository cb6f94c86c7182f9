from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order_state import OrderState
from ...models.problem import Problem
from ...models.sale_orders_view import SaleOrdersView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    product_id: str,
    *,
    status: OrderState | Unset = UNSET,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params["limit"] = limit

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/sales/{product_id}/orders".format(
            product_id=quote(str(product_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SaleOrdersView | None:
    if response.status_code == 200:
        response_200 = SaleOrdersView.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

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
) -> Response[Problem | SaleOrdersView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    product_id: str,
    *,
    client: AuthenticatedClient,
    status: OrderState | Unset = UNSET,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[Problem | SaleOrdersView]:
    """List a sale's orders

     The sale's orders with their buyers, newest first, `limit` (1 to 500, default 50) at a
    time, only those in `status` when given. The response's `next`, passed back as `after`,
    gives the following page: pages are read by position, so one costs the same however
    deep it is, and orders created meanwhile never shift a page. Needs a token with the
    `admin` claim.

    Args:
        product_id (str):
        status (OrderState | Unset): Where an order stands. `pending_payment` turns into `paid`,
            `cancelled` (by the buyer) or
            `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
            back on sale.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SaleOrdersView]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        status=status,
        limit=limit,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: str,
    *,
    client: AuthenticatedClient,
    status: OrderState | Unset = UNSET,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Problem | SaleOrdersView | None:
    """List a sale's orders

     The sale's orders with their buyers, newest first, `limit` (1 to 500, default 50) at a
    time, only those in `status` when given. The response's `next`, passed back as `after`,
    gives the following page: pages are read by position, so one costs the same however
    deep it is, and orders created meanwhile never shift a page. Needs a token with the
    `admin` claim.

    Args:
        product_id (str):
        status (OrderState | Unset): Where an order stands. `pending_payment` turns into `paid`,
            `cancelled` (by the buyer) or
            `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
            back on sale.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SaleOrdersView
    """

    return sync_detailed(
        product_id=product_id,
        client=client,
        status=status,
        limit=limit,
        after=after,
    ).parsed


async def asyncio_detailed(
    product_id: str,
    *,
    client: AuthenticatedClient,
    status: OrderState | Unset = UNSET,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[Problem | SaleOrdersView]:
    """List a sale's orders

     The sale's orders with their buyers, newest first, `limit` (1 to 500, default 50) at a
    time, only those in `status` when given. The response's `next`, passed back as `after`,
    gives the following page: pages are read by position, so one costs the same however
    deep it is, and orders created meanwhile never shift a page. Needs a token with the
    `admin` claim.

    Args:
        product_id (str):
        status (OrderState | Unset): Where an order stands. `pending_payment` turns into `paid`,
            `cancelled` (by the buyer) or
            `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
            back on sale.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SaleOrdersView]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        status=status,
        limit=limit,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: str,
    *,
    client: AuthenticatedClient,
    status: OrderState | Unset = UNSET,
    limit: int | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Problem | SaleOrdersView | None:
    """List a sale's orders

     The sale's orders with their buyers, newest first, `limit` (1 to 500, default 50) at a
    time, only those in `status` when given. The response's `next`, passed back as `after`,
    gives the following page: pages are read by position, so one costs the same however
    deep it is, and orders created meanwhile never shift a page. Needs a token with the
    `admin` claim.

    Args:
        product_id (str):
        status (OrderState | Unset): Where an order stands. `pending_payment` turns into `paid`,
            `cancelled` (by the buyer) or
            `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
            back on sale.
        limit (int | Unset):
        after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SaleOrdersView
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            client=client,
            status=status,
            limit=limit,
            after=after,
        )
    ).parsed
