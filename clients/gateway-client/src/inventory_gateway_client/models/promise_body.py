from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.line_body import LineBody


T = TypeVar("T", bound="PromiseBody")


@_attrs_define
class PromiseBody:
    """Lines promised together; lines at one stock point queue in the order given.

    Attributes:
        lines (list[LineBody]):
    """

    lines: list[LineBody]

    def to_dict(self) -> dict[str, Any]:
        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_body import LineBody  # noqa: PLC0415

        d = dict(src_dict)
        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = LineBody.from_dict(lines_item_data)

            lines.append(lines_item)

        promise_body = cls(
            lines=lines,
        )

        return promise_body
