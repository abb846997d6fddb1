"""Bulk import over the API on PostgreSQL: jobs, per-row errors, events in the outbox,
re-imports that change nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from inventory_contracts.envelope import decode, decode_data
from inventory_contracts.events.master_data import ItemUpserted
from inventory_runtime.app import ServiceRuntime
from sqlalchemy import text

pytestmark = pytest.mark.integration

ITEMS_CSV = (
    "\ufeffsku,name,name_zh,unit_of_measure,category,unit_cost,purchase_unit\n"
    "TEA-1,Longjing,龙井,pcs,tea,8.50,case\n"
    "TEA-2,Oolong,,pcs,tea,-6,\n"
    "TEA-3,Pu-erh,,pcs,tea,12,box\n"
    "TEA-1,Longjing again,,pcs,tea,8.50,\n"
)
UNITS_JSONL = '{"unit": "case", "name": "Case of 12", "base_unit": "pcs", "factor": 12}\n'


async def outbox_items(runtime: ServiceRuntime) -> list[Any]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT payload FROM outbox WHERE event_type LIKE 'inventory.item%' ORDER BY id")
        )
        return [decode_data(decode(row.payload)) for row in rows]


async def import_file(client: httpx.AsyncClient, kind: str, body: str, **params: str) -> Any:
    response = await client.post(
        "/v1/imports", params={"kind": kind, "wait": "true", **params}, content=body.encode()
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_items_with_good_and_bad_rows_land_and_the_bad_ones_are_reported(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    units = await import_file(client, "units", UNITS_JSONL, format="jsonl")
    assert (units["status"], units["applied"]) == ("completed", 1)
    job = await import_file(client, "items", ITEMS_CSV)
    summary = {k: job[k] for k in ("status", "total_rows", "applied", "unchanged", "rejected")}
    assert summary == {
        "status": "completed", "total_rows": 4, "applied": 1, "unchanged": 0, "rejected": 3,
    }  # fmt: skip
    errors = (await client.get(f"/v1/imports/{job['id']}/errors")).json()
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "unit_cost"), (4, "purchase_unit"), (5, "sku"),
    ]  # fmt: skip
    [item] = await outbox_items(runtime)
    assert isinstance(item, ItemUpserted)
    assert (item.sku, item.name_zh, str(item.purchase_unit_factor)) == ("TEA-1", "龙井", "12")


async def test_a_reimport_of_the_same_file_changes_nothing_and_a_changed_row_goes_out(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    body = "sku,name,unit_of_measure,category,unit_cost\nA,Apple,pcs,fruit,1\nB,Pear,pcs,fruit,2\n"
    first = await import_file(client, "items", body)
    again = await import_file(client, "items", body)
    changed = await import_file(client, "items", body.replace("Pear", "Nashi pear"))
    assert (first["applied"], first["unchanged"]) == (2, 0)
    assert (again["applied"], again["unchanged"]) == (0, 2)
    assert (changed["applied"], changed["unchanged"]) == (1, 1)
    names = [item.name for item in await outbox_items(runtime)]
    assert names == ["Apple", "Pear", "Nashi pear"]


async def test_a_file_with_a_wrong_delimiter_fails_whole_with_its_reason(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    body = "sku;name;unit_of_measure;category;unit_cost\nA;Apple;pcs;fruit;1\n"
    job = await import_file(client, "items", body)
    assert (job["status"], job["applied"]) == ("failed", 0)
    [error] = (await client.get(f"/v1/imports/{job['id']}/errors")).json()
    assert error["field"] == "file" and "';'" in error["message"]
    assert await outbox_items(runtime) == []


async def test_a_multipart_upload_is_queued_and_can_be_watched_to_the_end(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    body = "".join(
        f'{{"supplier_id": "S1", "sku": "SKU-{n}", "price": "9.90", "lead_time_days": 5}}\n'
        for n in range(5000)
    )
    files = {"file": ("terms.jsonl", body.encode(), "application/x-ndjson")}
    response = await client.post("/v1/imports", params={"kind": "supplier-terms"}, files=files)
    assert response.status_code == 202, response.text
    location = response.headers["Location"]
    for _ in range(200):
        job = (await client.get(location)).json()
        if job["status"] in ("completed", "failed"):
            break
        await asyncio.sleep(0.05)
    assert (job["status"], job["format"], job["applied"]) == ("completed", "jsonl", 5000)
    listed = (await client.get("/v1/imports")).json()
    assert listed[0]["id"] == job["id"]


async def test_an_unknown_kind_is_refused_naming_the_query_field(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/imports", params={"kind": "colours"}, content=b"x\n")
    assert response.status_code == 422
    assert "kind" in response.text
    missing = await client.get("/v1/imports/imp_missing")
    assert missing.status_code == 404


async def test_an_import_file_may_be_larger_than_other_request_bodies(
    client: httpx.AsyncClient,
) -> None:
    long_name = "x" * 400  # 3,000 rows: over the 1 MiB limit of the other routes
    body = "location,name\n" + "".join(f"L-{n},{long_name}\n" for n in range(3000))
    job = await import_file(client, "locations", body)
    assert (job["status"], job["applied"]) == ("completed", 3000)
    order = {"order_id": "SO-1", "lines": [], "customer_id": long_name * 3000}
    refused = await client.post("/v1/orders", json=order)
    assert refused.status_code == 413


async def test_an_item_changed_by_put_is_changed_back_by_the_same_import(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    body = "sku,name,unit_of_measure,category,unit_cost\nP-1,Plum,pcs,fruit,1\n"
    assert (await import_file(client, "items", body))["applied"] == 1
    renamed = {"sku": "P-1", "name": "Greengage", "unit_of_measure": "pcs", "category": "fruit",
               "unit_cost": 1}  # fmt: skip
    assert (await client.put("/v1/items/P-1", json=renamed)).status_code == 202
    again = await import_file(client, "items", body)
    assert (again["applied"], again["unchanged"]) == (1, 0)
    assert [item.name for item in await outbox_items(runtime)] == ["Plum", "Greengage", "Plum"]
