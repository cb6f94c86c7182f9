from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.purchase_accepted import PurchaseAccepted
from ...models.purchase_request import PurchaseRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    product_id: str,
    *,
    body: PurchaseRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/sales/{product_id}/purchases".format(
            product_id=quote(str(product_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | PurchaseAccepted | None:
    if response.status_code == 202:
        response_202 = PurchaseAccepted.from_dict(response.json())

        return response_202

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

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
) -> Response[Problem | PurchaseAccepted]:
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
    body: PurchaseRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | PurchaseAccepted]:
    """Buy a product

     Reserves units of the product for the caller (identified by the token's `sub`) and queues
    the order. Answers `202` as soon as the order is queued; poll the `Location` for the
    result. A buyer gets one order per product; rate limits apply per client address and
    per buyer.

    Retries are safe with an `Idempotency-Key` header (IETF httpapi draft "The
    Idempotency-Key HTTP Header Field"): a key of your choosing, 1 to 64 ASCII letters,
    digits, `-`, `_` or `.`, optionally as a quoted string, e.g. a UUID. Retried with the same
    key, product and body, the buy is answered as its first attempt was: a `202` with the
    same `requestId` and `Location`, or the same refusal; nothing more is bought. The same key
    with another product or body gets `422` `idempotency-key-reused`; a retry while the first
    attempt is still being processed gets `409` `idempotency-key-in-use`. Keys are scoped to
    the buyer and remembered for a configured time (24 hours by default), then forgotten.
    Rate limits (`429`) and unavailable dependencies (`503`) are not remembered: retry with
    the same key.

    Args:
        product_id (str):
        idempotency_key (str | Unset):
        body (PurchaseRequest): What to buy. Example: {'quantity': 1}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseAccepted]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: str,
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | PurchaseAccepted | None:
    """Buy a product

     Reserves units of the product for the caller (identified by the token's `sub`) and queues
    the order. Answers `202` as soon as the order is queued; poll the `Location` for the
    result. A buyer gets one order per product; rate limits apply per client address and
    per buyer.

    Retries are safe with an `Idempotency-Key` header (IETF httpapi draft "The
    Idempotency-Key HTTP Header Field"): a key of your choosing, 1 to 64 ASCII letters,
    digits, `-`, `_` or `.`, optionally as a quoted string, e.g. a UUID. Retried with the same
    key, product and body, the buy is answered as its first attempt was: a `202` with the
    same `requestId` and `Location`, or the same refusal; nothing more is bought. The same key
    with another product or body gets `422` `idempotency-key-reused`; a retry while the first
    attempt is still being processed gets `409` `idempotency-key-in-use`. Keys are scoped to
    the buyer and remembered for a configured time (24 hours by default), then forgotten.
    Rate limits (`429`) and unavailable dependencies (`503`) are not remembered: retry with
    the same key.

    Args:
        product_id (str):
        idempotency_key (str | Unset):
        body (PurchaseRequest): What to buy. Example: {'quantity': 1}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseAccepted
    """

    return sync_detailed(
        product_id=product_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    product_id: str,
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | PurchaseAccepted]:
    """Buy a product

     Reserves units of the product for the caller (identified by the token's `sub`) and queues
    the order. Answers `202` as soon as the order is queued; poll the `Location` for the
    result. A buyer gets one order per product; rate limits apply per client address and
    per buyer.

    Retries are safe with an `Idempotency-Key` header (IETF httpapi draft "The
    Idempotency-Key HTTP Header Field"): a key of your choosing, 1 to 64 ASCII letters,
    digits, `-`, `_` or `.`, optionally as a quoted string, e.g. a UUID. Retried with the same
    key, product and body, the buy is answered as its first attempt was: a `202` with the
    same `requestId` and `Location`, or the same refusal; nothing more is bought. The same key
    with another product or body gets `422` `idempotency-key-reused`; a retry while the first
    attempt is still being processed gets `409` `idempotency-key-in-use`. Keys are scoped to
    the buyer and remembered for a configured time (24 hours by default), then forgotten.
    Rate limits (`429`) and unavailable dependencies (`503`) are not remembered: retry with
    the same key.

    Args:
        product_id (str):
        idempotency_key (str | Unset):
        body (PurchaseRequest): What to buy. Example: {'quantity': 1}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseAccepted]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: str,
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | PurchaseAccepted | None:
    """Buy a product

     Reserves units of the product for the caller (identified by the token's `sub`) and queues
    the order. Answers `202` as soon as the order is queued; poll the `Location` for the
    result. A buyer gets one order per product; rate limits apply per client address and
    per buyer.

    Retries are safe with an `Idempotency-Key` header (IETF httpapi draft "The
    Idempotency-Key HTTP Header Field"): a key of your choosing, 1 to 64 ASCII letters,
    digits, `-`, `_` or `.`, optionally as a quoted string, e.g. a UUID. Retried with the same
    key, product and body, the buy is answered as its first attempt was: a `202` with the
    same `requestId` and `Location`, or the same refusal; nothing more is bought. The same key
    with another product or body gets `422` `idempotency-key-reused`; a retry while the first
    attempt is still being processed gets `409` `idempotency-key-in-use`. Keys are scoped to
    the buyer and remembered for a configured time (24 hours by default), then forgotten.
    Rate limits (`429`) and unavailable dependencies (`503`) are not remembered: retry with
    the same key.

    Args:
        product_id (str):
        idempotency_key (str | Unset):
        body (PurchaseRequest): What to buy. Example: {'quantity': 1}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseAccepted
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
