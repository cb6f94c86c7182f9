from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purchase_failure import PurchaseFailure, check_purchase_failure
from ..models.purchase_status import PurchaseStatus, check_purchase_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="PurchaseResult")


@_attrs_define
class PurchaseResult:
    """What became of an accepted purchase.

    Example:
        {'acceptedAt': '2026-12-01T10:00:00.012+00:00', 'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', 'orderUrl':
            '/api/v1/orders/b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', 'paymentDeadline': '2026-12-01T10:15:00.040+00:00',
            'productId': 'phone-x', 'quantity': 1, 'requestId': 'phone-x.4f9c2b7e1a8d4c3b9e6f0a1b2c3d4e5f', 'status':
            'succeeded'}

    Attributes:
        request_id (str): The purchase request's id.
        product_id (str): The product bought.
        quantity (int): Units reserved.
        accepted_at (datetime.datetime): When it was accepted.
        status (PurchaseStatus): Where an accepted purchase stands: `pending` turns into `succeeded` or `failed`, never
            back.
        order_id (str | Unset): The order's id, once `succeeded`.
        order_url (str | Unset): Where the order, its status and its payment deadline are read, once `succeeded`:
            `/api/v1/orders/{orderId}`.
        payment_deadline (datetime.datetime | Unset): Until when the order may be paid, once `succeeded`; unpaid then,
            it expires and its units
            go back on sale. The order (`orderUrl`) says where it stands now.
        failure (PurchaseFailure | Unset): Why an accepted purchase `failed`.
    """

    request_id: str
    product_id: str
    quantity: int
    accepted_at: datetime.datetime
    status: PurchaseStatus
    order_id: str | Unset = UNSET
    order_url: str | Unset = UNSET
    payment_deadline: datetime.datetime | Unset = UNSET
    failure: PurchaseFailure | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        product_id = self.product_id

        quantity = self.quantity

        accepted_at = self.accepted_at.isoformat()

        status: str = self.status

        order_id = self.order_id

        order_url = self.order_url

        payment_deadline: str | Unset = UNSET
        if not isinstance(self.payment_deadline, Unset):
            payment_deadline = self.payment_deadline.isoformat()

        failure: str | Unset = UNSET
        if not isinstance(self.failure, Unset):
            failure = self.failure

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestId": request_id,
                "productId": product_id,
                "quantity": quantity,
                "acceptedAt": accepted_at,
                "status": status,
            }
        )
        if order_id is not UNSET:
            field_dict["orderId"] = order_id
        if order_url is not UNSET:
            field_dict["orderUrl"] = order_url
        if payment_deadline is not UNSET:
            field_dict["paymentDeadline"] = payment_deadline
        if failure is not UNSET:
            field_dict["failure"] = failure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_id = d.pop("requestId")

        product_id = d.pop("productId")

        quantity = d.pop("quantity")

        accepted_at = datetime.datetime.fromisoformat(d.pop("acceptedAt"))

        status = check_purchase_status(d.pop("status"))

        order_id = d.pop("orderId", UNSET)

        order_url = d.pop("orderUrl", UNSET)

        _payment_deadline = d.pop("paymentDeadline", UNSET)
        payment_deadline: datetime.datetime | Unset
        if isinstance(_payment_deadline, Unset):
            payment_deadline = UNSET
        else:
            payment_deadline = datetime.datetime.fromisoformat(_payment_deadline)

        _failure = d.pop("failure", UNSET)
        failure: PurchaseFailure | Unset
        if isinstance(_failure, Unset):
            failure = UNSET
        else:
            failure = check_purchase_failure(_failure)

        purchase_result = cls(
            request_id=request_id,
            product_id=product_id,
            quantity=quantity,
            accepted_at=accepted_at,
            status=status,
            order_id=order_id,
            order_url=order_url,
            payment_deadline=payment_deadline,
            failure=failure,
        )

        purchase_result.additional_properties = d
        return purchase_result

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
