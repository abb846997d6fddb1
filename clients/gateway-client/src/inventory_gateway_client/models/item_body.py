from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.item_body_procurement_type import (
    ItemBodyProcurementType,
    check_item_body_procurement_type,
)
from ..models.item_body_valuation_method import (
    ItemBodyValuationMethod,
    check_item_body_valuation_method,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ItemBody")


@_attrs_define
class ItemBody:
    """An item's full current state (the SKU is in the path).

    Attributes:
        name (str):
        unit_of_measure (str):
        category (str):
        unit_cost (float | str):
        sku (None | str | Unset): If given, must equal the SKU in the path.
        name_zh (None | str | Unset):
        currency (str | Unset): ISO 4217 currency code of the money fields next to it. Default: 'CNY'.
        valuation_method (ItemBodyValuationMethod | Unset):  Default: 'moving_average'.
        lot_tracked (bool | Unset):  Default: False.
        expiry_managed (bool | Unset):  Default: False.
        active (bool | Unset):  Default: True.
        procurement_type (ItemBodyProcurementType | Unset): buy: purchase requisitions; make: production work orders.
            Default: 'buy'.
        production_lead_time_days (int | None | Unset): Make items: days from release to completion (None: planning
            default).
    """

    name: str
    unit_of_measure: str
    category: str
    unit_cost: float | str
    sku: None | str | Unset = UNSET
    name_zh: None | str | Unset = UNSET
    currency: str | Unset = "CNY"
    valuation_method: ItemBodyValuationMethod | Unset = "moving_average"
    lot_tracked: bool | Unset = False
    expiry_managed: bool | Unset = False
    active: bool | Unset = True
    procurement_type: ItemBodyProcurementType | Unset = "buy"
    production_lead_time_days: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        unit_of_measure = self.unit_of_measure

        category = self.category

        unit_cost: float | str
        unit_cost = self.unit_cost

        sku: None | str | Unset
        if isinstance(self.sku, Unset):
            sku = UNSET
        else:
            sku = self.sku

        name_zh: None | str | Unset
        if isinstance(self.name_zh, Unset):
            name_zh = UNSET
        else:
            name_zh = self.name_zh

        currency = self.currency

        valuation_method: str | Unset = UNSET
        if not isinstance(self.valuation_method, Unset):
            valuation_method = self.valuation_method

        lot_tracked = self.lot_tracked

        expiry_managed = self.expiry_managed

        active = self.active

        procurement_type: str | Unset = UNSET
        if not isinstance(self.procurement_type, Unset):
            procurement_type = self.procurement_type

        production_lead_time_days: int | None | Unset
        if isinstance(self.production_lead_time_days, Unset):
            production_lead_time_days = UNSET
        else:
            production_lead_time_days = self.production_lead_time_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "unit_of_measure": unit_of_measure,
                "category": category,
                "unit_cost": unit_cost,
            }
        )
        if sku is not UNSET:
            field_dict["sku"] = sku
        if name_zh is not UNSET:
            field_dict["name_zh"] = name_zh
        if currency is not UNSET:
            field_dict["currency"] = currency
        if valuation_method is not UNSET:
            field_dict["valuation_method"] = valuation_method
        if lot_tracked is not UNSET:
            field_dict["lot_tracked"] = lot_tracked
        if expiry_managed is not UNSET:
            field_dict["expiry_managed"] = expiry_managed
        if active is not UNSET:
            field_dict["active"] = active
        if procurement_type is not UNSET:
            field_dict["procurement_type"] = procurement_type
        if production_lead_time_days is not UNSET:
            field_dict["production_lead_time_days"] = production_lead_time_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        unit_of_measure = d.pop("unit_of_measure")

        category = d.pop("category")

        def _parse_unit_cost(data: object) -> float | str:
            return cast(float | str, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost"))

        def _parse_sku(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sku = _parse_sku(d.pop("sku", UNSET))

        def _parse_name_zh(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_zh = _parse_name_zh(d.pop("name_zh", UNSET))

        currency = d.pop("currency", UNSET)

        _valuation_method = d.pop("valuation_method", UNSET)
        valuation_method: ItemBodyValuationMethod | Unset
        if isinstance(_valuation_method, Unset):
            valuation_method = UNSET
        else:
            valuation_method = check_item_body_valuation_method(_valuation_method)

        lot_tracked = d.pop("lot_tracked", UNSET)

        expiry_managed = d.pop("expiry_managed", UNSET)

        active = d.pop("active", UNSET)

        _procurement_type = d.pop("procurement_type", UNSET)
        procurement_type: ItemBodyProcurementType | Unset
        if isinstance(_procurement_type, Unset):
            procurement_type = UNSET
        else:
            procurement_type = check_item_body_procurement_type(_procurement_type)

        def _parse_production_lead_time_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        production_lead_time_days = _parse_production_lead_time_days(
            d.pop("production_lead_time_days", UNSET)
        )

        item_body = cls(
            name=name,
            unit_of_measure=unit_of_measure,
            category=category,
            unit_cost=unit_cost,
            sku=sku,
            name_zh=name_zh,
            currency=currency,
            valuation_method=valuation_method,
            lot_tracked=lot_tracked,
            expiry_managed=expiry_managed,
            active=active,
            procurement_type=procurement_type,
            production_lead_time_days=production_lead_time_days,
        )

        return item_body
