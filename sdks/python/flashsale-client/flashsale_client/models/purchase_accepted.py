from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purchase_status import PurchaseStatus, check_purchase_status

T = TypeVar("T", bound="PurchaseAccepted")


@_attrs_define
class PurchaseAccepted:
    """A purchase that took stock and is queued.

    Example:
        {'productId': 'phone-x', 'quantity': 1, 'requestId': 'phone-x.4f9c2b7e1a8d4c3b9e6f0a1b2c3d4e5f', 'resultUrl':
            '/api/v1/purchases/phone-x.4f9c2b7e1a8d4c3b9e6f0a1b2c3d4e5f', 'status': 'pending'}

    Attributes:
        request_id (str): The id to poll the result with: `<productId>.<32 hex digits>`, up to 128 characters.
            Treat it as opaque.
        product_id (str): The product bought.
        quantity (int): Units reserved.
        status (PurchaseStatus): Where an accepted purchase stands: `pending` turns into `succeeded` or `failed`, never
            back.
        result_url (str): Where to poll the result.
    """

    request_id: str
    product_id: str
    quantity: int
    status: PurchaseStatus
    result_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        product_id = self.product_id

        quantity = self.quantity

        status: str = self.status

        result_url = self.result_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requestId": request_id,
                "productId": product_id,
                "quantity": quantity,
                "status": status,
                "resultUrl": result_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_id = d.pop("requestId")

        product_id = d.pop("productId")

        quantity = d.pop("quantity")

        status = check_purchase_status(d.pop("status"))

        result_url = d.pop("resultUrl")

        purchase_accepted = cls(
            request_id=request_id,
            product_id=product_id,
            quantity=quantity,
            status=status,
            result_url=result_url,
        )

        purchase_accepted.additional_properties = d
        return purchase_accepted

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
