from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_state import OrderState, check_order_state
from ..types import UNSET, Unset

T = TypeVar("T", bound="SaleOrderView")


@_attrs_define
class SaleOrderView:
    """One order of a sale, as its operators see it: the order and its buyer.

    Attributes:
        user_id (str): The buyer.
        order_id (str): The order's id.
        request_id (str): The purchase request it was created for.
        product_id (str): The product.
        quantity (int): Units ordered.
        status (OrderState): Where an order stands. `pending_payment` turns into `paid`, `cancelled` (by the buyer) or
            `expired` (unpaid at its deadline), never back; a cancelled or expired order's units went
            back on sale.
        created_at (datetime.datetime): When it was created.
        payment_deadline (datetime.datetime): Until when it may be paid; unpaid then, it expires and its units go back
            on sale.
        payment_id (str | Unset): The payment provider's id of the payment that paid it, once `paid`.
    """

    user_id: str
    order_id: str
    request_id: str
    product_id: str
    quantity: int
    status: OrderState
    created_at: datetime.datetime
    payment_deadline: datetime.datetime
    payment_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        order_id = self.order_id

        request_id = self.request_id

        product_id = self.product_id

        quantity = self.quantity

        status: str = self.status

        created_at = self.created_at.isoformat()

        payment_deadline = self.payment_deadline.isoformat()

        payment_id = self.payment_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "orderId": order_id,
                "requestId": request_id,
                "productId": product_id,
                "quantity": quantity,
                "status": status,
                "createdAt": created_at,
                "paymentDeadline": payment_deadline,
            }
        )
        if payment_id is not UNSET:
            field_dict["paymentId"] = payment_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        order_id = d.pop("orderId")

        request_id = d.pop("requestId")

        product_id = d.pop("productId")

        quantity = d.pop("quantity")

        status = check_order_state(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        payment_deadline = datetime.datetime.fromisoformat(d.pop("paymentDeadline"))

        payment_id = d.pop("paymentId", UNSET)

        sale_order_view = cls(
            user_id=user_id,
            order_id=order_id,
            request_id=request_id,
            product_id=product_id,
            quantity=quantity,
            status=status,
            created_at=created_at,
            payment_deadline=payment_deadline,
            payment_id=payment_id,
        )

        sale_order_view.additional_properties = d
        return sale_order_view

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
