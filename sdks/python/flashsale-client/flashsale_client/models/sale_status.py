from typing import Literal

SaleStatus = Literal["ended", "open", "paused", "upcoming"]

SALE_STATUS_VALUES: set[SaleStatus] = {
    "ended",
    "open",
    "paused",
    "upcoming",
}


def check_sale_status(value: str) -> SaleStatus:
    if value in SALE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SALE_STATUS_VALUES!r}")
