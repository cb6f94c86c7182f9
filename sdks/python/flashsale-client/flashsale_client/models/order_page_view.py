from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_view import OrderView


T = TypeVar("T", bound="OrderPageView")


@_attrs_define
class OrderPageView:
    """A page of the caller's orders, newest first.

    Example:
        {'limit': 20, 'offset': 0, 'orders': [{'createdAt': '2026-12-01T10:00:00.040+00:00', 'orderId':
            'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', 'paymentDeadline': '2026-12-01T10:15:00.040+00:00', 'productId': 'phone-x',
            'quantity': 1, 'requestId': 'phone-x.4f9c2b7e1a8d4c3b9e6f0a1b2c3d4e5f', 'status': 'pending_payment'}]}

    Attributes:
        orders (list[OrderView]): The orders of this page.
        offset (int): Orders skipped before this page.
        limit (int): Most orders per page.
        next_offset (int | Unset): The `offset` of the next page; absent on the last page.
    """

    orders: list[OrderView]
    offset: int
    limit: int
    next_offset: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        offset = self.offset

        limit = self.limit

        next_offset = self.next_offset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orders": orders,
                "offset": offset,
                "limit": limit,
            }
        )
        if next_offset is not UNSET:
            field_dict["nextOffset"] = next_offset

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_view import OrderView  # noqa: PLC0415

        d = dict(src_dict)
        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = OrderView.from_dict(orders_item_data)

            orders.append(orders_item)

        offset = d.pop("offset")

        limit = d.pop("limit")

        next_offset = d.pop("nextOffset", UNSET)

        order_page_view = cls(
            orders=orders,
            offset=offset,
            limit=limit,
            next_offset=next_offset,
        )

        order_page_view.additional_properties = d
        return order_page_view

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
