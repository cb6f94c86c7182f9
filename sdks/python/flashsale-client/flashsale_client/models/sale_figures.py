from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.buy_rates import BuyRates
    from ..models.queue_figures import QueueFigures
    from ..models.sale_audit import SaleAudit


T = TypeVar("T", bound="SaleFigures")


@_attrs_define
class SaleFigures:
    """A sale's figures at one instant.

    Attributes:
        at (datetime.datetime): When the figures were taken.
        sale (SaleAudit): One sale audited: the system of record's counts next to the stock gate's. Once no
            reservation is in flight, `gateRemaining` equals `remaining`, `remaining + unitsOrdered`
            equals `stock`, and `maxOrdersPerBuyer` is at most 1. Example: {'distinctBuyers': 63, 'gateRemaining': 37,
            'inFlight': 0, 'maxOrdersPerBuyer': 1, 'orders': 63, 'productId': 'phone-x', 'remaining': 37, 'stock': 100,
            'unitsOrdered': 63, 'unitsPaid': 50, 'unitsPendingPayment': 13}.
        buys (BuyRates): This API process's buys of the sale over the last `windowSecs` full seconds. Each API
            process counts its own: with several, add up their figures (or use the Prometheus metrics).
        queue (QueueFigures): The order queue over every sale: how far the workers are behind and what they set aside.
    """

    at: datetime.datetime
    sale: SaleAudit
    buys: BuyRates
    queue: QueueFigures
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        sale = self.sale.to_dict()

        buys = self.buys.to_dict()

        queue = self.queue.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "sale": sale,
                "buys": buys,
                "queue": queue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.buy_rates import BuyRates  # noqa: PLC0415
        from ..models.queue_figures import QueueFigures  # noqa: PLC0415
        from ..models.sale_audit import SaleAudit  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        sale = SaleAudit.from_dict(d.pop("sale"))

        buys = BuyRates.from_dict(d.pop("buys"))

        queue = QueueFigures.from_dict(d.pop("queue"))

        sale_figures = cls(
            at=at,
            sale=sale,
            buys=buys,
            queue=queue,
        )

        sale_figures.additional_properties = d
        return sale_figures

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
