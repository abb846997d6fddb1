from typing import Literal

PersonPatchLocaleType0 = Literal["en", "zh-CN"]

PERSON_PATCH_LOCALE_TYPE_0_VALUES: set[PersonPatchLocaleType0] = {
    "en",
    "zh-CN",
}


def check_person_patch_locale_type_0(value: str) -> PersonPatchLocaleType0:
    if value in PERSON_PATCH_LOCALE_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PERSON_PATCH_LOCALE_TYPE_0_VALUES!r}"
    )
