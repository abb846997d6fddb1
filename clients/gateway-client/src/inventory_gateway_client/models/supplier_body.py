from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SupplierBody")


@_attrs_define
class SupplierBody:
    """A supplier's full current state (the id is in the path).

    Attributes:
        name (str):
        lead_time_days (int):
        supplier_id (None | str | Unset): If given, must equal the id in the path.
        currency (str | Unset): ISO 4217 currency code of the money fields next to it. Default: 'CNY'.
    """

    name: str
    lead_time_days: int
    supplier_id: None | str | Unset = UNSET
    currency: str | Unset = "CNY"

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        lead_time_days = self.lead_time_days

        supplier_id: None | str | Unset
        if isinstance(self.supplier_id, Unset):
            supplier_id = UNSET
        else:
            supplier_id = self.supplier_id

        currency = self.currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "lead_time_days": lead_time_days,
            }
        )
        if supplier_id is not UNSET:
            field_dict["supplier_id"] = supplier_id
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        lead_time_days = d.pop("lead_time_days")

        def _parse_supplier_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        supplier_id = _parse_supplier_id(d.pop("supplier_id", UNSET))

        currency = d.pop("currency", UNSET)

        supplier_body = cls(
            name=name,
            lead_time_days=lead_time_days,
            supplier_id=supplier_id,
            currency=currency,
        )

        return supplier_body
