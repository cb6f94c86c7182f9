from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order_view import OrderView
from ...models.payment_notification import PaymentNotification
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PaymentNotification,
    flashsale_signature: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(flashsale_signature, Unset):
        headers["Flashsale-Signature"] = flashsale_signature

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/webhook",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OrderView | Problem | None:
    if response.status_code == 200:
        response_200 = OrderView.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[OrderView | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentNotification,
    flashsale_signature: str | Unset = UNSET,
) -> Response[OrderView | Problem]:
    """Confirm a payment (payment provider's webhook)

     The payment provider tells that a payment paid an order: `pending_payment -> paid`, if
    the order is still pending payment and before its payment deadline. No bearer token: the
    request is signed. `Flashsale-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the
    HMAC-SHA256, keyed with the webhook secret shared with the provider, of `<t>.<body>`:
    the timestamp, a dot and the body's raw bytes exactly as sent. `t` must be within the
    server's tolerance (5 minutes by default) of its clock, so a captured request cannot be
    replayed later; several `v1` may be sent (secret rotation). Idempotent by `paymentId`:
    the same payment delivered again is answered `200` with the same order. Any other
    answer means the payment was not taken: `409` and `404` call for a refund, `503` for a
    later delivery.

    Args:
        flashsale_signature (str | Unset):
        body (PaymentNotification): A payment the provider confirms: the order it pays and the
            provider's payment id. Fields
            this service does not know are ignored (providers add fields over time); the signature
            covers the whole body either way. Example: {'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
            'paymentId': 'pi_3QxFlashsale0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderView | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        flashsale_signature=flashsale_signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentNotification,
    flashsale_signature: str | Unset = UNSET,
) -> OrderView | Problem | None:
    """Confirm a payment (payment provider's webhook)

     The payment provider tells that a payment paid an order: `pending_payment -> paid`, if
    the order is still pending payment and before its payment deadline. No bearer token: the
    request is signed. `Flashsale-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the
    HMAC-SHA256, keyed with the webhook secret shared with the provider, of `<t>.<body>`:
    the timestamp, a dot and the body's raw bytes exactly as sent. `t` must be within the
    server's tolerance (5 minutes by default) of its clock, so a captured request cannot be
    replayed later; several `v1` may be sent (secret rotation). Idempotent by `paymentId`:
    the same payment delivered again is answered `200` with the same order. Any other
    answer means the payment was not taken: `409` and `404` call for a refund, `503` for a
    later delivery.

    Args:
        flashsale_signature (str | Unset):
        body (PaymentNotification): A payment the provider confirms: the order it pays and the
            provider's payment id. Fields
            this service does not know are ignored (providers add fields over time); the signature
            covers the whole body either way. Example: {'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
            'paymentId': 'pi_3QxFlashsale0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderView | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        flashsale_signature=flashsale_signature,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentNotification,
    flashsale_signature: str | Unset = UNSET,
) -> Response[OrderView | Problem]:
    """Confirm a payment (payment provider's webhook)

     The payment provider tells that a payment paid an order: `pending_payment -> paid`, if
    the order is still pending payment and before its payment deadline. No bearer token: the
    request is signed. `Flashsale-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the
    HMAC-SHA256, keyed with the webhook secret shared with the provider, of `<t>.<body>`:
    the timestamp, a dot and the body's raw bytes exactly as sent. `t` must be within the
    server's tolerance (5 minutes by default) of its clock, so a captured request cannot be
    replayed later; several `v1` may be sent (secret rotation). Idempotent by `paymentId`:
    the same payment delivered again is answered `200` with the same order. Any other
    answer means the payment was not taken: `409` and `404` call for a refund, `503` for a
    later delivery.

    Args:
        flashsale_signature (str | Unset):
        body (PaymentNotification): A payment the provider confirms: the order it pays and the
            provider's payment id. Fields
            this service does not know are ignored (providers add fields over time); the signature
            covers the whole body either way. Example: {'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
            'paymentId': 'pi_3QxFlashsale0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderView | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        flashsale_signature=flashsale_signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PaymentNotification,
    flashsale_signature: str | Unset = UNSET,
) -> OrderView | Problem | None:
    """Confirm a payment (payment provider's webhook)

     The payment provider tells that a payment paid an order: `pending_payment -> paid`, if
    the order is still pending payment and before its payment deadline. No bearer token: the
    request is signed. `Flashsale-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the
    HMAC-SHA256, keyed with the webhook secret shared with the provider, of `<t>.<body>`:
    the timestamp, a dot and the body's raw bytes exactly as sent. `t` must be within the
    server's tolerance (5 minutes by default) of its clock, so a captured request cannot be
    replayed later; several `v1` may be sent (secret rotation). Idempotent by `paymentId`:
    the same payment delivered again is answered `200` with the same order. Any other
    answer means the payment was not taken: `409` and `404` call for a refund, `503` for a
    later delivery.

    Args:
        flashsale_signature (str | Unset):
        body (PaymentNotification): A payment the provider confirms: the order it pays and the
            provider's payment id. Fields
            this service does not know are ignored (providers add fields over time); the signature
            covers the whole body either way. Example: {'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6',
            'paymentId': 'pi_3QxFlashsale0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderView | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            flashsale_signature=flashsale_signature,
        )
    ).parsed
