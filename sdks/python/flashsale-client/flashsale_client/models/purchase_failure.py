from typing import Literal

PurchaseFailure = Literal["abandoned", "already_purchased", "queue_unavailable", "rejected", "sold_out", "unknown_sale"]

PURCHASE_FAILURE_VALUES: set[PurchaseFailure] = {
    "abandoned",
    "already_purchased",
    "queue_unavailable",
    "rejected",
    "sold_out",
    "unknown_sale",
}


def check_purchase_failure(value: str) -> PurchaseFailure:
    if value in PURCHASE_FAILURE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PURCHASE_FAILURE_VALUES!r}")
