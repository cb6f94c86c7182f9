from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QueueFigures")


@_attrs_define
class QueueFigures:
    """The order queue over every sale: how far the workers are behind and what they set aside.

    Attributes:
        waiting (int | Unset): Orders queued and not yet stored by a worker (for Kafka: the consumer group's lag);
            absent when the queue cannot tell now.
        dead_lettered (int | Unset): Messages the workers set aside as unprocessable (for Kafka: on the dead-letter
            topic;
            read their `x-dead-letter-reason` header); absent when the queue cannot tell now.
    """

    waiting: int | Unset = UNSET
    dead_lettered: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        waiting = self.waiting

        dead_lettered = self.dead_lettered

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if waiting is not UNSET:
            field_dict["waiting"] = waiting
        if dead_lettered is not UNSET:
            field_dict["deadLettered"] = dead_lettered

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        waiting = d.pop("waiting", UNSET)

        dead_lettered = d.pop("deadLettered", UNSET)

        queue_figures = cls(
            waiting=waiting,
            dead_lettered=dead_lettered,
        )

        queue_figures.additional_properties = d
        return queue_figures

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
