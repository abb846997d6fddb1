from typing import Literal

ItemBodyValuationMethod = Literal["fifo", "moving_average"]

ITEM_BODY_VALUATION_METHOD_VALUES: set[ItemBodyValuationMethod] = {
    "fifo",
    "moving_average",
}


def check_item_body_valuation_method(value: str) -> ItemBodyValuationMethod:
    if value in ITEM_BODY_VALUATION_METHOD_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ITEM_BODY_VALUATION_METHOD_VALUES!r}"
    )
