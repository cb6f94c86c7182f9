from typing import Literal

OrderState = Literal["cancelled", "expired", "paid", "pending_payment"]

ORDER_STATE_VALUES: set[OrderState] = {
    "cancelled",
    "expired",
    "paid",
    "pending_payment",
}


def check_order_state(value: str) -> OrderState:
    if value in ORDER_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ORDER_STATE_VALUES!r}")
