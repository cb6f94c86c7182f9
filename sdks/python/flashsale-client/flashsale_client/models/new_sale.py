from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewSale")


@_attrs_define
class NewSale:
    """A sale to create.

    Example:
        {'endsAt': '2026-12-01T11:00:00+00:00', 'name': 'Phone X, launch edition', 'paymentWindowSecs': 900,
            'perUserLimit': 1, 'productId': 'phone-x', 'rebuyAfterCancel': False, 'startsAt': '2026-12-01T10:00:00+00:00',
            'stock': 100}

    Attributes:
        product_id (str): The product's id: 1 to 64 of `A-Z a-z 0-9 . _ -`, not `.` or `..`.
        name (str): The product's name.
        stock (int): Units on sale.
        starts_at (datetime.datetime): When buying opens.
        ends_at (datetime.datetime): When buying closes; after `startsAt`.
        per_user_limit (int | Unset): Most units one buyer may take. Defaults to 1; `null` is refused. Default: 1.
        payment_window_secs (int | Unset): Seconds a buyer has to pay an order, from its creation: 1 to 604800 (7 days).
            Absent:
            the server's default (`orders.payment_window_secs`, 900 unless configured). An unpaid
            order expires at its deadline and its units go back on sale.
        rebuy_after_cancel (bool | Unset): Whether a buyer whose order was cancelled or expired may buy this sale again.
            Absent:
            `false` (one order per buyer, live or closed).
    """

    product_id: str
    name: str
    stock: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    per_user_limit: int | Unset = 1
    payment_window_secs: int | Unset = UNSET
    rebuy_after_cancel: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        product_id = self.product_id

        name = self.name

        stock = self.stock

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        per_user_limit = self.per_user_limit

        payment_window_secs = self.payment_window_secs

        rebuy_after_cancel = self.rebuy_after_cancel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "productId": product_id,
                "name": name,
                "stock": stock,
                "startsAt": starts_at,
                "endsAt": ends_at,
            }
        )
        if per_user_limit is not UNSET:
            field_dict["perUserLimit"] = per_user_limit
        if payment_window_secs is not UNSET:
            field_dict["paymentWindowSecs"] = payment_window_secs
        if rebuy_after_cancel is not UNSET:
            field_dict["rebuyAfterCancel"] = rebuy_after_cancel

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        product_id = d.pop("productId")

        name = d.pop("name")

        stock = d.pop("stock")

        starts_at = datetime.datetime.fromisoformat(d.pop("startsAt"))

        ends_at = datetime.datetime.fromisoformat(d.pop("endsAt"))

        per_user_limit = d.pop("perUserLimit", UNSET)

        payment_window_secs = d.pop("paymentWindowSecs", UNSET)

        rebuy_after_cancel = d.pop("rebuyAfterCancel", UNSET)

        new_sale = cls(
            product_id=product_id,
            name=name,
            stock=stock,
            starts_at=starts_at,
            ends_at=ends_at,
            per_user_limit=per_user_limit,
            payment_window_secs=payment_window_secs,
            rebuy_after_cancel=rebuy_after_cancel,
        )

        new_sale.additional_properties = d
        return new_sale

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
