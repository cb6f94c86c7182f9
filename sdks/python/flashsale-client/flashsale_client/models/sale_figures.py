from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.sale_figures_buys import SaleFiguresBuys
    from ..models.sale_figures_queue import SaleFiguresQueue
    from ..models.sale_figures_sale import SaleFiguresSale


T = TypeVar("T", bound="SaleFigures")


@_attrs_define
class SaleFigures:
    """A sale's figures at one instant.

    Attributes:
        at (datetime.datetime): When the figures were taken.
        sale (SaleFiguresSale): The sale in the database and the gate, as the audit shows it.
        buys (SaleFiguresBuys): This process's buys.
        queue (SaleFiguresQueue): The order queue, over every sale.
    """

    at: datetime.datetime
    sale: SaleFiguresSale
    buys: SaleFiguresBuys
    queue: SaleFiguresQueue
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
        from ..models.sale_figures_buys import SaleFiguresBuys  # noqa: PLC0415
        from ..models.sale_figures_queue import SaleFiguresQueue  # noqa: PLC0415
        from ..models.sale_figures_sale import SaleFiguresSale  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        sale = SaleFiguresSale.from_dict(d.pop("sale"))

        buys = SaleFiguresBuys.from_dict(d.pop("buys"))

        queue = SaleFiguresQueue.from_dict(d.pop("queue"))

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
