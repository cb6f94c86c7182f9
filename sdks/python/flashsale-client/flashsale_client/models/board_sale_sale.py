from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sale_status import SaleStatus, check_sale_status

T = TypeVar("T", bound="BoardSaleSale")


@_attrs_define
class BoardSaleSale:
    """The sale (its `remaining` may lag the gate by the listing's refresh interval).

    Attributes:
        product_id (str): The product on sale.
        name (str): The product's name.
        stock (int): Units on sale in total.
        remaining (int): Units still available.
        starts_at (datetime.datetime): When buying opens.
        ends_at (datetime.datetime): When buying closes.
        per_user_limit (int): Most units one buyer may take.
        payment_window_secs (int): Seconds a buyer has to pay an order of this sale, from its creation.
        rebuy_after_cancel (bool): Whether a buyer whose order was cancelled or expired may buy this sale again.
        status (SaleStatus): Where a sale stands now.
    """

    product_id: str
    name: str
    stock: int
    remaining: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    per_user_limit: int
    payment_window_secs: int
    rebuy_after_cancel: bool
    status: SaleStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        product_id = self.product_id

        name = self.name

        stock = self.stock

        remaining = self.remaining

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        per_user_limit = self.per_user_limit

        payment_window_secs = self.payment_window_secs

        rebuy_after_cancel = self.rebuy_after_cancel

        status: str = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "productId": product_id,
                "name": name,
                "stock": stock,
                "remaining": remaining,
                "startsAt": starts_at,
                "endsAt": ends_at,
                "perUserLimit": per_user_limit,
                "paymentWindowSecs": payment_window_secs,
                "rebuyAfterCancel": rebuy_after_cancel,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        product_id = d.pop("productId")

        name = d.pop("name")

        stock = d.pop("stock")

        remaining = d.pop("remaining")

        starts_at = datetime.datetime.fromisoformat(d.pop("startsAt"))

        ends_at = datetime.datetime.fromisoformat(d.pop("endsAt"))

        per_user_limit = d.pop("perUserLimit")

        payment_window_secs = d.pop("paymentWindowSecs")

        rebuy_after_cancel = d.pop("rebuyAfterCancel")

        status = check_sale_status(d.pop("status"))

        board_sale_sale = cls(
            product_id=product_id,
            name=name,
            stock=stock,
            remaining=remaining,
            starts_at=starts_at,
            ends_at=ends_at,
            per_user_limit=per_user_limit,
            payment_window_secs=payment_window_secs,
            rebuy_after_cancel=rebuy_after_cancel,
            status=status,
        )

        board_sale_sale.additional_properties = d
        return board_sale_sale

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
