from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.buy_rates import BuyRates
    from ..models.sale_summary import SaleSummary


T = TypeVar("T", bound="BoardSale")


@_attrs_define
class BoardSale:
    """One sale on the board: as the public listing shows it, with this process's buys.

    Attributes:
        sale (SaleSummary): A sale as buyers see it. Example: {'endsAt': '2026-12-01T11:00:00+00:00', 'name': 'Phone X,
            launch edition', 'paymentWindowSecs': 900, 'perUserLimit': 1, 'productId': 'phone-x', 'rebuyAfterCancel': False,
            'remaining': 37, 'startsAt': '2026-12-01T10:00:00+00:00', 'status': 'open', 'stock': 100}.
        buys (BuyRates): This API process's buys of the sale over the last `windowSecs` full seconds. Each API
            process counts its own: with several, add up their figures (or use the Prometheus metrics).
    """

    sale: SaleSummary
    buys: BuyRates
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sale = self.sale.to_dict()

        buys = self.buys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sale": sale,
                "buys": buys,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.buy_rates import BuyRates  # noqa: PLC0415
        from ..models.sale_summary import SaleSummary  # noqa: PLC0415

        d = dict(src_dict)
        sale = SaleSummary.from_dict(d.pop("sale"))

        buys = BuyRates.from_dict(d.pop("buys"))

        board_sale = cls(
            sale=sale,
            buys=buys,
        )

        board_sale.additional_properties = d
        return board_sale

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
