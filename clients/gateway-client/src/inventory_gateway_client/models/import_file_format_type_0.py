from typing import Literal

ImportFileFormatType0 = Literal["csv", "jsonl"]

IMPORT_FILE_FORMAT_TYPE_0_VALUES: set[ImportFileFormatType0] = {
    "csv",
    "jsonl",
}


def check_import_file_format_type_0(value: str) -> ImportFileFormatType0:
    if value in IMPORT_FILE_FORMAT_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMPORT_FILE_FORMAT_TYPE_0_VALUES!r}"
    )
