"""Reading import files (pure): CSV and JSON lines, good and bad rows, file-level refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from integration_gateway.domain.imports import KINDS, FileRefused, content_hash, read_rows
from inventory_contracts.events.master_data import ItemUpserted

ITEMS = KINDS["items"]
HEADER = "sku,name,unit_of_measure,category,unit_cost,purchase_unit,purchase_unit_factor\n"


def test_csv_rows_become_events_and_a_bom_is_ignored() -> None:
    content = "\ufeff" + HEADER + "TEA-1,Longjing,pcs,tea,8.50,box,12\nTEA-2,Oolong,pcs,tea,6,,\n"
    parsed = read_rows(ITEMS, content.encode(), "csv")
    assert parsed.errors == []
    [(row1, tea1), (row2, tea2)] = parsed.valid
    assert isinstance(tea1, ItemUpserted) and isinstance(tea2, ItemUpserted)
    assert (row1, tea1.sku, tea1.unit_cost, tea1.purchase_unit_factor) == (
        2, "TEA-1", Decimal("8.50"), Decimal(12)
    )  # fmt: skip
    assert (row2, tea2.purchase_unit, tea2.valuation_method) == (3, None, "moving_average")


def test_bad_rows_are_reported_with_row_field_and_message_and_good_rows_kept() -> None:
    content = (
        HEADER + "A,Apple,pcs,fruit,-1,,\n"  # negative cost
        "B,Banana,pcs,fruit,2,case,\n"  # a unit without a conversion
        "C,Cherry,pcs,fruit,3,,\n"
        "C,Cherry again,pcs,fruit,3,,\n"  # duplicate key
        "D,Date,pcs\n"  # too few values
    )
    parsed = read_rows(ITEMS, content.encode(), "csv")
    assert [row for row, _ in parsed.valid] == [4]
    found = {(e.row, e.field) for e in parsed.errors}
    assert found == {(2, "unit_cost"), (3, "purchase_unit"), (5, "sku"), (6, "row")}
    by_row = {e.row: e.message for e in parsed.errors}
    assert "no conversion from 'case' to 'pcs'" in by_row[3]
    assert "first in row 4" in by_row[5]
    assert parsed.total == 5


def test_a_known_conversion_fills_the_purchase_unit_factor() -> None:
    content = HEADER + "B,Banana,pcs,fruit,2,case,\n"
    parsed = read_rows(ITEMS, content.encode(), "csv", conversions={("case", "pcs"): Decimal(24)})
    [(_, banana)] = parsed.valid
    assert isinstance(banana, ItemUpserted) and banana.purchase_unit_factor == Decimal(24)


def test_a_wrong_delimiter_refuses_the_file_naming_the_separator() -> None:
    content = HEADER.replace(",", ";") + "A;Apple;pcs;fruit;1;;\n"
    with pytest.raises(FileRefused) as refused:
        read_rows(ITEMS, content.encode(), "csv")
    [problem] = refused.value.problems
    assert (problem.row, problem.field) == (1, "file") and "';'" in problem.message
    assert read_rows(ITEMS, content.encode(), "csv", delimiter=";").valid


def test_a_missing_or_unknown_column_refuses_the_file() -> None:
    content = "sku,name,unit_of_measure,colour,unit_cost\nA,Apple,pcs,red,1\n"
    with pytest.raises(FileRefused) as refused:
        read_rows(ITEMS, content.encode(), "csv")
    problems = {(p.row, p.field, p.message) for p in refused.value.problems}
    assert problems == {
        (1, "colour", "unknown column for items"),
        (1, "category", "required column missing"),
    }


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        read_rows(ITEMS, (HEADER + "A,\u82f9\u679c,pcs,f,1,,\n").encode("gbk"), "csv")
    assert refused.value.problems[0].field == "file"


def test_json_lines_rows_and_their_errors() -> None:
    content = (
        '{"location": "SH-01", "name": "Shanghai"}\n\nnot json\n{"location": "BJ-01"}\n["SH-02"]\n'
    )
    parsed = read_rows(KINDS["locations"], content.encode(), "jsonl")
    assert [row for row, _ in parsed.valid] == [1]
    assert {(e.row, e.field) for e in parsed.errors} == {(3, "line"), (4, "name"), (5, "line")}


def test_supplier_terms_are_keyed_by_supplier_and_item() -> None:
    content = (
        "supplier_id,sku,price,currency,lead_time_days,minimum_order_quantity,pack_size\n"
        "S1,TEA-1,99.00,CNY,7,10,6\nS2,TEA-1,95.00,CNY,9,1,1\nS1,TEA-1,90,CNY,7,1,1\n"
    )
    kind = KINDS["supplier-terms"]
    parsed = read_rows(kind, content.encode(), "csv")
    assert [kind.key(event) for _, event in parsed.valid] == ["S1/TEA-1", "S2/TEA-1"]
    assert [(e.row, e.field) for e in parsed.errors] == [(4, "sku")]


def test_the_content_hash_changes_with_the_content_only() -> None:
    one = ItemUpserted(sku="A", name="Apple", unit_of_measure="pcs", category="f", unit_cost=1)
    same = ItemUpserted(sku="A", name="Apple", unit_of_measure="pcs", category="f", unit_cost=1)
    other = one.model_copy(update={"name": "Red apple"})
    assert content_hash(one) == content_hash(same) != content_hash(other)


def test_the_procurement_type_column_marks_make_items_and_a_bad_value_is_a_row_error() -> None:
    header = "sku,name,unit_of_measure,category,unit_cost,procurement_type"
    header += ",production_lead_time_days\n"
    content = (
        header + "CAKE-1,Mooncake,pcs,bakery,12,make,3\n"
        "TEA-1,Longjing,pcs,tea,8.50,,\n"  # empty: bought, as before
        "CAKE-2,Pastry,pcs,bakery,4,produce,\n"  # not a procurement type
        "CAKE-3,Bun,pcs,bakery,1,make,-2\n"  # a negative lead time
    )
    parsed = read_rows(ITEMS, content.encode(), "csv")
    made = {event.sku: event for _, event in parsed.valid if isinstance(event, ItemUpserted)}
    assert (made["CAKE-1"].procurement_type, made["CAKE-1"].production_lead_time_days) == (
        "make", 3
    )  # fmt: skip
    assert made["TEA-1"].procurement_type == "buy"
    found = {(e.row, e.field) for e in parsed.errors}
    assert found == {(4, "procurement_type"), (5, "production_lead_time_days")}


def test_json_lines_carry_the_procurement_type() -> None:
    line = (
        '{"sku": "CAKE-1", "name": "Mooncake", "unit_of_measure": "pcs", "category": "bakery",'
        ' "unit_cost": "12", "procurement_type": "make"}\n'
    )
    [(_, cake)] = read_rows(ITEMS, line.encode(), "jsonl").valid
    assert isinstance(cake, ItemUpserted) and cake.procurement_type == "make"
