from typing import Literal

ImportFileKind = Literal["categories", "items", "locations", "supplier-terms", "suppliers", "units"]

IMPORT_FILE_KIND_VALUES: set[ImportFileKind] = {
    "categories",
    "items",
    "locations",
    "supplier-terms",
    "suppliers",
    "units",
}


def check_import_file_kind(value: str) -> ImportFileKind:
    if value in IMPORT_FILE_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IMPORT_FILE_KIND_VALUES!r}")
