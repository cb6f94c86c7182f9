from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sale_order_view import SaleOrderView


T = TypeVar("T", bound="SaleOrdersView")


@_attrs_define
class SaleOrdersView:
    """A page of a sale's orders, newest first.

    Attributes:
        orders (list[SaleOrderView]): The orders of this page.
        next_ (str | Unset): Pass it as `after` for the next page; absent on the last page.
    """

    orders: list[SaleOrderView]
    next_: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orders": orders,
            }
        )
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sale_order_view import SaleOrderView  # noqa: PLC0415

        d = dict(src_dict)
        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = SaleOrderView.from_dict(orders_item_data)

            orders.append(orders_item)

        next_ = d.pop("next", UNSET)

        sale_orders_view = cls(
            orders=orders,
            next_=next_,
        )

        sale_orders_view.additional_properties = d
        return sale_orders_view

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
