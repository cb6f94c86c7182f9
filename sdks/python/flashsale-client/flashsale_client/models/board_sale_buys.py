from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BoardSaleBuys")


@_attrs_define
class BoardSaleBuys:
    """This process's buys of it.

    Attributes:
        window_secs (int): Seconds the rates and percentiles look back on.
        accepted_per_sec (float): Buys answered `202` per second.
        sold_out_per_sec (float): Buys refused `409 sold-out` per second.
        refused_per_sec (float): Other refusals (`4xx` but `429`) per second.
        rate_limited_per_sec (float): Buys refused `429` per second.
        failed_per_sec (float): Buys answered `5xx` per second.
        p_50_ms (float | Unset): Median time to answer a buy, milliseconds; absent without buys.
        p_99_ms (float | Unset): 99th percentile, milliseconds; absent without buys.
    """

    window_secs: int
    accepted_per_sec: float
    sold_out_per_sec: float
    refused_per_sec: float
    rate_limited_per_sec: float
    failed_per_sec: float
    p_50_ms: float | Unset = UNSET
    p_99_ms: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        window_secs = self.window_secs

        accepted_per_sec = self.accepted_per_sec

        sold_out_per_sec = self.sold_out_per_sec

        refused_per_sec = self.refused_per_sec

        rate_limited_per_sec = self.rate_limited_per_sec

        failed_per_sec = self.failed_per_sec

        p_50_ms = self.p_50_ms

        p_99_ms = self.p_99_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "windowSecs": window_secs,
                "acceptedPerSec": accepted_per_sec,
                "soldOutPerSec": sold_out_per_sec,
                "refusedPerSec": refused_per_sec,
                "rateLimitedPerSec": rate_limited_per_sec,
                "failedPerSec": failed_per_sec,
            }
        )
        if p_50_ms is not UNSET:
            field_dict["p50Ms"] = p_50_ms
        if p_99_ms is not UNSET:
            field_dict["p99Ms"] = p_99_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        window_secs = d.pop("windowSecs")

        accepted_per_sec = d.pop("acceptedPerSec")

        sold_out_per_sec = d.pop("soldOutPerSec")

        refused_per_sec = d.pop("refusedPerSec")

        rate_limited_per_sec = d.pop("rateLimitedPerSec")

        failed_per_sec = d.pop("failedPerSec")

        p_50_ms = d.pop("p50Ms", UNSET)

        p_99_ms = d.pop("p99Ms", UNSET)

        board_sale_buys = cls(
            window_secs=window_secs,
            accepted_per_sec=accepted_per_sec,
            sold_out_per_sec=sold_out_per_sec,
            refused_per_sec=refused_per_sec,
            rate_limited_per_sec=rate_limited_per_sec,
            failed_per_sec=failed_per_sec,
            p_50_ms=p_50_ms,
            p_99_ms=p_99_ms,
        )

        board_sale_buys.additional_properties = d
        return board_sale_buys

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
