from typing import Literal

PurchaseStatus = Literal["failed", "pending", "succeeded"]

PURCHASE_STATUS_VALUES: set[PurchaseStatus] = {
    "failed",
    "pending",
    "succeeded",
}


def check_purchase_status(value: str) -> PurchaseStatus:
    if value in PURCHASE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PURCHASE_STATUS_VALUES!r}")
