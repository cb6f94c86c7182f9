from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_state import OrderState, check_order_state
from ..models.problem_type import ProblemType, check_problem_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """Problem details (RFC 9457). `instance` names the HTTP request that met the problem:
    `urn:flashsale:request:<id>`, where `<id>` is the response's `X-Request-Id` (the request's
    own `X-Request-Id` when it is 1 to 128 of `A-Z a-z 0-9 . _ : -`, else one the server made);
    the server's log lines about the request carry the same id as `request_id`.

        Example:
            {'detail': 'No unit is left.', 'instance': 'urn:flashsale:request:0192f3a4b5c67d8e9f0a1b2c3d4e5f60', 'status':
                409, 'title': 'Sold out', 'type': 'urn:flashsale:problem:sold-out'}

        Attributes:
            type_ (ProblemType): What went wrong, as a stable URI that clients branch on.
            title (str): A short human summary of the problem type.
            status (int): The HTTP status code.
            detail (str): A human explanation of this occurrence.
            errors (list[FieldError] | Unset): Fields that broke a rule, for `validation-failed`; absent otherwise.
            request_id (str | Unset): For `already-purchased`: the request that holds your units, to poll at `resultUrl`
                (e.g. when the `202` of that request was lost); for `outcome-unknown`: your request,
                whose outcome `resultUrl` tells; absent otherwise.
            result_url (str | Unset): For `already-purchased` and `outcome-unknown`: where to poll that request.
            order_id (str | Unset): For `order-not-payable`: the order; for `payment-id-used`: the order the payment paid.
            order_status (OrderState | Unset): Where an order stands. `pending_payment` turns into `paid`, `cancelled` (by
                the buyer) or
                `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
                back on sale.
            instance (str | Unset): The HTTP request that met the problem: `urn:flashsale:request:<X-Request-Id>`.
    """

    type_: ProblemType
    title: str
    status: int
    detail: str
    errors: list[FieldError] | Unset = UNSET
    request_id: str | Unset = UNSET
    result_url: str | Unset = UNSET
    order_id: str | Unset = UNSET
    order_status: OrderState | Unset = UNSET
    instance: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        request_id = self.request_id

        result_url = self.result_url

        order_id = self.order_id

        order_status: str | Unset = UNSET
        if not isinstance(self.order_status, Unset):
            order_status = self.order_status

        instance = self.instance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if result_url is not UNSET:
            field_dict["resultUrl"] = result_url
        if order_id is not UNSET:
            field_dict["orderId"] = order_id
        if order_status is not UNSET:
            field_dict["orderStatus"] = order_status
        if instance is not UNSET:
            field_dict["instance"] = instance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415

        d = dict(src_dict)
        type_ = check_problem_type(d.pop("type"))

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        request_id = d.pop("requestId", UNSET)

        result_url = d.pop("resultUrl", UNSET)

        order_id = d.pop("orderId", UNSET)

        _order_status = d.pop("orderStatus", UNSET)
        order_status: OrderState | Unset
        if isinstance(_order_status, Unset):
            order_status = UNSET
        else:
            order_status = check_order_state(_order_status)

        instance = d.pop("instance", UNSET)

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            errors=errors,
            request_id=request_id,
            result_url=result_url,
            order_id=order_id,
            order_status=order_status,
            instance=instance,
        )

        problem.additional_properties = d
        return problem

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
