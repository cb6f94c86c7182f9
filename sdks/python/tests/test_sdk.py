"""The generated client against the real service: list, buy, poll to success, pay an order through
the signed payment webhook, cancel another, and the typed refusals (already purchased, sold out,
rate limited with Retry-After). The tests share one service and run in file order: each leaves
the stock where the next expects it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from http import HTTPStatus

import httpx
from conftest import DEMO_PRODUCT, DEMO_STOCK, PER_USER_BURST, Service
from flashsale_client import AuthenticatedClient, Client
from flashsale_client.api.orders import cancel_my_order, get_my_order, list_my_orders
from flashsale_client.api.payments import confirm_payment
from flashsale_client.api.purchases import buy_product, get_my_purchase_of_product, get_purchase
from flashsale_client.api.sales import list_sales
from flashsale_client.models import (
    OrderPageView,
    OrderView,
    PaymentNotification,
    Problem,
    ProblemType,
    PurchaseAccepted,
    PurchaseRequest,
    PurchaseResult,
)
from flashsale_client.types import Response

# The built-in development secret (config/default.toml), which the test service does not use.
DEVELOPMENT_WEBHOOK_SECRET = "flashsale-development-webhook-secret-do-not-use-in-production"


def buyer(service: Service, sub: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=service.base_url, token=service.mint(sub), raise_on_unexpected_status=True)


def buy(client: AuthenticatedClient) -> Response[Problem | PurchaseAccepted]:
    return buy_product.sync_detailed(DEMO_PRODUCT, client=client, body=PurchaseRequest(quantity=1))


def assert_problem(response: Response[object], status: HTTPStatus, kind: ProblemType) -> Problem:
    problem = response.parsed
    assert isinstance(problem, Problem), f"a typed problem, got {response.content!r}"
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert (problem.status, problem.type_) == (status, kind)
    assert problem.title and problem.detail
    return problem


def poll_until_settled(client: AuthenticatedClient, request_id: str) -> PurchaseResult:
    for _ in range(200):
        result = get_purchase.sync(request_id, client=client)
        assert isinstance(result, PurchaseResult), result
        if result.status != "pending":
            return result
        time.sleep(0.025)
    raise AssertionError(f"purchase {request_id} still pending")


def buy_and_settle(client: AuthenticatedClient) -> str:
    """Buys one demo unit as `client` and polls it to success: the order it created."""
    accepted = buy(client).parsed
    assert isinstance(accepted, PurchaseAccepted), accepted
    result = poll_until_settled(client, accepted.request_id)
    assert result.status == "succeeded", result
    assert isinstance(result.order_id, str) and result.order_id, "a succeeded purchase has an order id"
    return result.order_id


def signature(notification: PaymentNotification, secret: str) -> str:
    """What the payment provider sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
    keyed with the shared webhook secret, over the body bytes exactly as sent: the generated client
    sends `json=body.to_dict()` through httpx, whose encoding is taken here."""
    raw = httpx.Request("POST", "http://provider", json=notification.to_dict()).content
    t = int(time.time())
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def new_payment_id() -> str:
    return f"pi_py_{secrets.token_hex(8)}"


def test_lists_the_open_demo_sale_without_a_token(service: Service) -> None:
    sales = list_sales.sync(client=Client(base_url=service.base_url))
    assert isinstance(sales, list)
    demo = next(sale for sale in sales if sale.product_id == DEMO_PRODUCT)
    assert (demo.status, demo.remaining) == ("open", DEMO_STOCK)


def test_buys_polls_to_success_and_refuses_a_second_buy(service: Service) -> None:
    alice = buyer(service, "alice")
    response = buy(alice)
    accepted = response.parsed
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(accepted, PurchaseAccepted), response.content
    assert accepted.status == "pending"
    assert response.headers["location"] == accepted.result_url

    result = poll_until_settled(alice, accepted.request_id)
    assert result.status == "succeeded"
    assert result.order_id, "a succeeded purchase has an order id"

    mine = get_my_purchase_of_product.sync(DEMO_PRODUCT, client=alice)
    assert isinstance(mine, PurchaseResult) and mine.request_id == accepted.request_id

    refused = assert_problem(buy(alice), HTTPStatus.CONFLICT, "urn:flashsale:problem:already-purchased")
    assert (refused.request_id, refused.result_url) == (accepted.request_id, accepted.result_url)


def test_pays_an_order_through_the_signed_webhook_and_cancels_another(service: Service) -> None:
    # Erin buys and pays: the provider's webhook (no bearer token) with a signature made here.
    erin = buyer(service, "erin")
    order_id = buy_and_settle(erin)
    pending = get_my_order.sync(order_id, client=erin)
    assert isinstance(pending, OrderView), pending
    assert (pending.order_id, pending.product_id, pending.status) == (order_id, DEMO_PRODUCT, "pending_payment")

    provider = Client(base_url=service.base_url, raise_on_unexpected_status=True)
    payment = PaymentNotification(order_id=order_id, payment_id=new_payment_id())
    forged = confirm_payment.sync_detailed(
        client=provider, body=payment, flashsale_signature=signature(payment, DEVELOPMENT_WEBHOOK_SECRET)
    )
    assert_problem(forged, HTTPStatus.UNAUTHORIZED, "urn:flashsale:problem:webhook-signature-invalid")

    signed = signature(payment, service.webhook_secret)
    paid = confirm_payment.sync_detailed(client=provider, body=payment, flashsale_signature=signed)
    assert paid.status_code == HTTPStatus.OK, paid.content
    assert isinstance(paid.parsed, OrderView)
    assert (paid.parsed.status, paid.parsed.payment_id) == ("paid", payment.payment_id)

    read = get_my_order.sync(order_id, client=erin)
    assert isinstance(read, OrderView), read
    assert (read.status, read.payment_id) == ("paid", payment.payment_id)

    replay = confirm_payment.sync_detailed(client=provider, body=payment, flashsale_signature=signed)
    assert replay.status_code == HTTPStatus.OK, replay.content
    assert replay.parsed == paid.parsed, "a redelivery of the same payment is answered the same"

    assert_problem(
        cancel_my_order.sync_detailed(order_id, client=erin),
        HTTPStatus.CONFLICT,
        "urn:flashsale:problem:order-not-cancellable",
    )

    # Frank buys and cancels: the unit goes back on sale (the next test sells it to Bob);
    # cancelling again answers the same.
    frank = buyer(service, "frank")
    franks = buy_and_settle(frank)
    cancelled = cancel_my_order.sync_detailed(franks, client=frank)
    assert cancelled.status_code == HTTPStatus.OK, cancelled.content
    assert isinstance(cancelled.parsed, OrderView) and cancelled.parsed.status == "cancelled"
    again = cancel_my_order.sync_detailed(franks, client=frank)
    assert again.status_code == HTTPStatus.OK, again.content
    assert again.parsed == cancelled.parsed, "cancelling again is idempotent"

    page = list_my_orders.sync(client=frank)
    assert isinstance(page, OrderPageView), page
    assert [order.status for order in page.orders if order.order_id == franks] == ["cancelled"]

    # A cancelled order cannot be paid: the provider must refund.
    late = PaymentNotification(order_id=franks, payment_id=new_payment_id())
    refused = assert_problem(
        confirm_payment.sync_detailed(
            client=provider, body=late, flashsale_signature=signature(late, service.webhook_secret)
        ),
        HTTPStatus.CONFLICT,
        "urn:flashsale:problem:order-not-payable",
    )
    assert (refused.order_status, refused.order_id) == ("cancelled", franks)


def test_refuses_a_buyer_once_the_stock_is_gone_as_sold_out(service: Service) -> None:
    # Bob takes the last unit, the one Frank's cancel put back (once: none is left for Carol).
    assert buy(buyer(service, "bob")).status_code == HTTPStatus.ACCEPTED
    assert_problem(buy(buyer(service, "carol")), HTTPStatus.CONFLICT, "urn:flashsale:problem:sold-out")


def test_rate_limits_a_buyer_who_keeps_trying_with_retry_after(service: Service) -> None:
    dave = buyer(service, "dave")
    for _ in range(PER_USER_BURST):
        assert_problem(buy(dave), HTTPStatus.CONFLICT, "urn:flashsale:problem:sold-out")
    limited = buy(dave)
    assert_problem(limited, HTTPStatus.TOO_MANY_REQUESTS, "urn:flashsale:problem:rate-limited")
    assert int(limited.headers["retry-after"]) >= 1


def test_answers_an_invalid_token_with_a_typed_401(service: Service) -> None:
    anonymous = AuthenticatedClient(base_url=service.base_url, token="not-a-jwt")
    assert_problem(buy(anonymous), HTTPStatus.UNAUTHORIZED, "urn:flashsale:problem:unauthorized")
