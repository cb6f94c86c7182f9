from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PaymentNotification")


@_attrs_define
class PaymentNotification:
    """A payment the provider confirms: the order it pays and the provider's payment id. Fields
    this service does not know are ignored (providers add fields over time); the signature
    covers the whole body either way.

        Example:
            {'orderId': 'b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', 'paymentId': 'pi_3QxFlashsale0001'}

        Attributes:
            order_id (str): The order paid (`orderId` of a succeeded purchase).
            payment_id (str): The provider's id of the payment: the same payment confirmed again is answered the same.
    """

    order_id: str
    payment_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        payment_id = self.payment_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "orderId": order_id,
                "paymentId": payment_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("orderId")

        payment_id = d.pop("paymentId")

        payment_notification = cls(
            order_id=order_id,
            payment_id=payment_id,
        )

        payment_notification.additional_properties = d
        return payment_notification

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
