from typing import Literal

ReplayBodyStatusesItem = Literal["cancelled", "delivered", "failed"]

REPLAY_BODY_STATUSES_ITEM_VALUES: set[ReplayBodyStatusesItem] = {
    "cancelled",
    "delivered",
    "failed",
}


def check_replay_body_statuses_item(value: str) -> ReplayBodyStatusesItem:
    if value in REPLAY_BODY_STATUSES_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REPLAY_BODY_STATUSES_ITEM_VALUES!r}"
    )
