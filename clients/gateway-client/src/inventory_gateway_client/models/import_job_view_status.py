from typing import Literal

ImportJobViewStatus = Literal["completed", "failed", "queued", "running"]

IMPORT_JOB_VIEW_STATUS_VALUES: set[ImportJobViewStatus] = {
    "completed",
    "failed",
    "queued",
    "running",
}


def check_import_job_view_status(value: str) -> ImportJobViewStatus:
    if value in IMPORT_JOB_VIEW_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMPORT_JOB_VIEW_STATUS_VALUES!r}"
    )
