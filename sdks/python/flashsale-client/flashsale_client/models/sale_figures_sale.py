from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SaleFiguresSale")


@_attrs_define
class SaleFiguresSale:
    """The sale in the database and the gate, as the audit shows it.

    Attributes:
        product_id (str): The product audited.
        stock (int): Units the sale started with.
        remaining (int): Units the system of record has not turned into orders.
        orders (int): Live orders in the system of record: pending payment or paid (cancelled and expired
            orders gave their units back).
        units_ordered (int): Units those orders hold: `unitsPendingPayment + unitsPaid`.
        units_pending_payment (int): Units of orders waiting for payment.
        units_paid (int): Units of paid orders.
        distinct_buyers (int): Distinct buyers among those orders.
        max_orders_per_buyer (int): Most orders any one buyer holds for the product.
        in_flight (int): Reservations taken at the gate and not yet persisted or released.
        gate_remaining (int | Unset): Units the stock gate still offers; absent when the gate does not hold the sale.
    """

    product_id: str
    stock: int
    remaining: int
    orders: int
    units_ordered: int
    units_pending_payment: int
    units_paid: int
    distinct_buyers: int
    max_orders_per_buyer: int
    in_flight: int
    gate_remaining: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        product_id = self.product_id

        stock = self.stock

        remaining = self.remaining

        orders = self.orders

        units_ordered = self.units_ordered

        units_pending_payment = self.units_pending_payment

        units_paid = self.units_paid

        distinct_buyers = self.distinct_buyers

        max_orders_per_buyer = self.max_orders_per_buyer

        in_flight = self.in_flight

        gate_remaining = self.gate_remaining

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "productId": product_id,
                "stock": stock,
                "remaining": remaining,
                "orders": orders,
                "unitsOrdered": units_ordered,
                "unitsPendingPayment": units_pending_payment,
                "unitsPaid": units_paid,
                "distinctBuyers": distinct_buyers,
                "maxOrdersPerBuyer": max_orders_per_buyer,
                "inFlight": in_flight,
            }
        )
        if gate_remaining is not UNSET:
            field_dict["gateRemaining"] = gate_remaining

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        product_id = d.pop("productId")

        stock = d.pop("stock")

        remaining = d.pop("remaining")

        orders = d.pop("orders")

        units_ordered = d.pop("unitsOrdered")

        units_pending_payment = d.pop("unitsPendingPayment")

        units_paid = d.pop("unitsPaid")

        distinct_buyers = d.pop("distinctBuyers")

        max_orders_per_buyer = d.pop("maxOrdersPerBuyer")

        in_flight = d.pop("inFlight")

        gate_remaining = d.pop("gateRemaining", UNSET)

        sale_figures_sale = cls(
            product_id=product_id,
            stock=stock,
            remaining=remaining,
            orders=orders,
            units_ordered=units_ordered,
            units_pending_payment=units_pending_payment,
            units_paid=units_paid,
            distinct_buyers=distinct_buyers,
            max_orders_per_buyer=max_orders_per_buyer,
            in_flight=in_flight,
            gate_remaining=gate_remaining,
        )

        sale_figures_sale.additional_properties = d
        return sale_figures_sale

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
