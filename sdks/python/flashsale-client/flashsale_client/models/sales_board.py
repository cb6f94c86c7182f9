from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.board_sale import BoardSale


T = TypeVar("T", bound="SalesBoard")


@_attrs_define
class SalesBoard:
    """Every sale at one instant.

    Attributes:
        at (datetime.datetime): When the board was taken.
        sales (list[BoardSale]): The sales, by start time then product id.
    """

    at: datetime.datetime
    sales: list[BoardSale]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        sales = []
        for sales_item_data in self.sales:
            sales_item = sales_item_data.to_dict()
            sales.append(sales_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "sales": sales,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.board_sale import BoardSale  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        sales = []
        _sales = d.pop("sales")
        for sales_item_data in _sales:
            sales_item = BoardSale.from_dict(sales_item_data)

            sales.append(sales_item)

        sales_board = cls(
            at=at,
            sales=sales,
        )

        sales_board.additional_properties = d
        return sales_board

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
