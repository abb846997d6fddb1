from typing import Literal

ItemBodyProcurementType = Literal["buy", "make"]

ITEM_BODY_PROCUREMENT_TYPE_VALUES: set[ItemBodyProcurementType] = {
    "buy",
    "make",
}


def check_item_body_procurement_type(value: str) -> ItemBodyProcurementType:
    if value in ITEM_BODY_PROCUREMENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ITEM_BODY_PROCUREMENT_TYPE_VALUES!r}"
    )
