from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_job_view_status import ImportJobViewStatus, check_import_job_view_status

T = TypeVar("T", bound="ImportJobView")


@_attrs_define
class ImportJobView:
    """An import job: its progress and summary.

    Attributes:
        id (str):
        kind (str):
        format_ (str):
        status (ImportJobViewStatus):
        total_rows (int):
        processed_rows (int):
        applied (int):
        unchanged (int):
        rejected (int):
        message (None | str):
        created_at (None | str):
        finished_at (None | str):
    """

    id: str
    kind: str
    format_: str
    status: ImportJobViewStatus
    total_rows: int
    processed_rows: int
    applied: int
    unchanged: int
    rejected: int
    message: None | str
    created_at: None | str
    finished_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        format_ = self.format_

        status: str = self.status

        total_rows = self.total_rows

        processed_rows = self.processed_rows

        applied = self.applied

        unchanged = self.unchanged

        rejected = self.rejected

        message: None | str
        message = self.message

        created_at: None | str
        created_at = self.created_at

        finished_at: None | str
        finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "format": format_,
                "status": status,
                "total_rows": total_rows,
                "processed_rows": processed_rows,
                "applied": applied,
                "unchanged": unchanged,
                "rejected": rejected,
                "message": message,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        format_ = d.pop("format")

        status = check_import_job_view_status(d.pop("status"))

        total_rows = d.pop("total_rows")

        processed_rows = d.pop("processed_rows")

        applied = d.pop("applied")

        unchanged = d.pop("unchanged")

        rejected = d.pop("rejected")

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_created_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_finished_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        import_job_view = cls(
            id=id,
            kind=kind,
            format_=format_,
            status=status,
            total_rows=total_rows,
            processed_rows=processed_rows,
            applied=applied,
            unchanged=unchanged,
            rejected=rejected,
            message=message,
            created_at=created_at,
            finished_at=finished_at,
        )

        import_job_view.additional_properties = d
        return import_job_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
