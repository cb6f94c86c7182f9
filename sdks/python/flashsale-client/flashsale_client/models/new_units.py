from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NewUnits")


@_attrs_define
class NewUnits:
    """Units to add to a sale.

    Example:
        {'restockId': 'restock-2f1c9a', 'units': 50}

    Attributes:
        units (int): Units to put on sale on top of the stock, at least 1; the stock may not exceed
            100000000.
        restock_id (str): The operator's id for this addition (e.g. a UUID made once per click): 1 to 64 of
            `A-Z a-z 0-9 . _ -`. The units are added once per id, however often it is sent.
    """

    units: int
    restock_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        units = self.units

        restock_id = self.restock_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "units": units,
                "restockId": restock_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        units = d.pop("units")

        restock_id = d.pop("restockId")

        new_units = cls(
            units=units,
            restock_id=restock_id,
        )

        new_units.additional_properties = d
        return new_units

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
