"""The generated client against the real service: list, buy, poll to success, and the typed
refusals (already purchased, sold out, rate limited with Retry-After). The tests share one
service and run in file order: each leaves the stock where the next expects it."""

from __future__ import annotations

import time
from http import HTTPStatus

from conftest import DEMO_PRODUCT, DEMO_STOCK, PER_USER_BURST, Service
from flashsale_client import AuthenticatedClient, Client
from flashsale_client.api.purchases import buy_product, get_my_purchase_of_product, get_purchase
from flashsale_client.api.sales import list_sales
from flashsale_client.models import Problem, ProblemType, PurchaseAccepted, PurchaseRequest, PurchaseResult
from flashsale_client.types import Response


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


def test_refuses_a_buyer_once_the_stock_is_gone_as_sold_out(service: Service) -> None:
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
