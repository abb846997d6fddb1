from typing import Literal

QuoteStatus = Literal["cancelled", "converted", "expired", "held", "open"]

QUOTE_STATUS_VALUES: set[QuoteStatus] = {
    "cancelled",
    "converted",
    "expired",
    "held",
    "open",
}


def check_quote_status(value: str) -> QuoteStatus:
    if value in QUOTE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {QUOTE_STATUS_VALUES!r}")
