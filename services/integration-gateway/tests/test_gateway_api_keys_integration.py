"""API keys over the admin API on PostgreSQL: create, list, rotate with an overlap window,
revoke, last-used time, audit, and who may do it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER
from sqlalchemy import text

pytestmark = pytest.mark.integration

ADMIN = TEST_ISSUER.headers("admin", login="wu.admin")
AUDITOR = TEST_ISSUER.headers("auditor", login="sun.auditor")
OPERATOR = TEST_ISSUER.headers("operator", login="zhao.op")
ITEM = {"sku": "TEA-1", "name": "Tea", "unit_of_measure": "pcs", "category": "tea", "unit_cost": 1}


def key_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def put_item(http: httpx.AsyncClient, key: str) -> int:
    response = await http.put("/v1/items/TEA-1", json=ITEM, headers=key_headers(key))
    return response.status_code


async def create(http: httpx.AsyncClient, name: str = "erp-sap", **extra: Any) -> dict[str, Any]:
    body = {"name": name, "scopes": ["master-data:write"], **extra}
    response = await http.post("/v1/api-keys", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_created_key_works_is_listed_without_its_secret_and_records_its_use(
    client: httpx.AsyncClient,
) -> None:
    created = await create(client)
    key = created["key"]
    assert key.startswith("igw_") and created["key_hint"] == key[-4:]
    assert await put_item(client, key) == 202
    listed = (await client.get("/v1/api-keys", headers=AUDITOR)).json()
    [erp] = [k for k in listed if k["name"] == "erp-sap"]
    assert "key" not in erp and key not in str(listed)
    assert erp["scopes"] == ["master-data:write"] and erp["last_used_at"] is not None
    scope_refused = await client.post(
        "/v1/orders", json={"order_id": "SO-1", "lines": []}, headers=key_headers(key)
    )
    assert scope_refused.status_code == 403
    again = await client.post(
        "/v1/api-keys", json={"name": "erp-sap", "scopes": ["*"]}, headers=ADMIN
    )
    assert again.status_code == 409


async def test_rotation_keeps_the_old_key_for_the_overlap_window_then_only_the_new(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    old = (await create(client))["key"]
    rotated = await client.post(
        "/v1/api-keys/erp-sap/rotate", json={"overlap_seconds": 3600}, headers=ADMIN
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["key"]
    assert new != old and rotated.json()["previous_key_valid_until"] is not None
    assert await put_item(client, old) == 202
    assert await put_item(client, new) == 202
    async with runtime.engine.begin() as connection:  # the window passes
        await connection.execute(
            text("UPDATE api_clients SET previous_key_expires_at = now() - interval '1 second'")
        )
    assert await put_item(client, old) == 401
    assert await put_item(client, new) == 202
    at_once = await client.post(
        "/v1/api-keys/erp-sap/rotate", json={"overlap_seconds": 0}, headers=ADMIN
    )
    assert await put_item(client, new) == 401
    assert await put_item(client, at_once.json()["key"]) == 202


async def test_revocation_stops_both_keys_at_once_and_is_audited(
    client: httpx.AsyncClient,
) -> None:
    old = (await create(client))["key"]
    new = (await client.post("/v1/api-keys/erp-sap/rotate", headers=ADMIN)).json()["key"]
    assert (await client.delete("/v1/api-keys/erp-sap", headers=ADMIN)).status_code == 204
    assert await put_item(client, old) == 401
    assert await put_item(client, new) == 401
    gone = await client.post("/v1/api-keys/erp-sap/rotate", headers=ADMIN)
    assert gone.status_code == 404
    audit = (
        await client.get(
            "/v1/audit", params={"entity_type": "api_client", "entity_id": "erp-sap"},
            headers=AUDITOR,
        )
    ).json()["entries"]  # fmt: skip
    assert {entry["action"] for entry in audit} == {"create", "rotate", "revoke"}
    assert old not in str(audit) and new not in str(audit)


async def test_only_an_administrator_manages_keys_and_bad_input_names_the_field(
    client: httpx.AsyncClient,
) -> None:
    body = {"name": "crm", "scopes": ["orders:write"]}
    assert (await client.post("/v1/api-keys", json=body, headers=OPERATOR)).status_code == 403
    assert (await client.post("/v1/api-keys", json=body, headers=AUDITOR)).status_code == 403
    unknown = await client.post(
        "/v1/api-keys", json={"name": "crm", "scopes": ["everything"]}, headers=ADMIN
    )
    assert unknown.status_code == 422 and "body.scopes" in unknown.text
    too_long = await client.post(
        "/v1/api-keys/crm/rotate", json={"overlap_seconds": 10**7}, headers=ADMIN
    )
    assert too_long.status_code == 422 and "overlap_seconds" in too_long.text
