from typing import Literal

PersonBodyLocale = Literal["en", "zh-CN"]

PERSON_BODY_LOCALE_VALUES: set[PersonBodyLocale] = {
    "en",
    "zh-CN",
}


def check_person_body_locale(value: str) -> PersonBodyLocale:
    if value in PERSON_BODY_LOCALE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PERSON_BODY_LOCALE_VALUES!r}")
