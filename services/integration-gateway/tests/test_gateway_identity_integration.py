"""The identity admin API over HTTP on PostgreSQL: who may call it, field-level refusals,
passwords never shown, and PersonChanged in the outbox."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from inventory_contracts.envelope import decode, decode_data
from inventory_contracts.events.identity import PersonChanged
from inventory_runtime.app import ServiceRuntime
from inventory_testkit.issuer import TEST_ADMIN_PASSWORD as ADMIN_PASSWORD
from inventory_testkit.issuer import add_person, admin_token, password_grant
from sqlalchemy import text

pytestmark = pytest.mark.integration


async def as_admin(http: httpx.AsyncClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {await admin_token(http)}"}


def problems(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {p["field"]: p["problem"] for p in response.json()["detail"]}


async def test_admin_routes_need_a_token_with_the_permission(
    issuer: httpx.AsyncClient,
) -> None:
    assert (await issuer.get("/v1/people")).status_code == 401
    api_key = {"Authorization": "Bearer test-key-0123456789"}  # an API key is no token here
    assert (await issuer.get("/v1/people", headers=api_key)).status_code == 401
    await add_person(issuer, "zhao.operator", roles=["operator"])
    operator = (await password_grant(issuer, "zhao.operator", "correct horse 12")).json()
    bearer = {"Authorization": f"Bearer {operator['access_token']}"}
    assert (await issuer.get("/v1/people", headers=bearer)).status_code == 403
    body = {"login": "mallory", "display_name": "M", "roles": ["admin"]}
    assert (await issuer.post("/v1/people", json=body, headers=bearer)).status_code == 403
    me = await issuer.get("/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["login"] == "zhao.operator"
    await add_person(issuer, "sun.auditor", roles=["auditor"])
    auditor = (await password_grant(issuer, "sun.auditor", "correct horse 12")).json()
    reader = {"Authorization": f"Bearer {auditor['access_token']}"}
    assert (await issuer.get("/v1/people", headers=reader)).status_code == 200
    assert (await issuer.post("/v1/people", json=body, headers=reader)).status_code == 403


async def test_field_level_refusals(issuer: httpx.AsyncClient) -> None:
    admin = await as_admin(issuer)
    base: dict[str, Any] = {"login": "qian.new", "display_name": "Qian"}
    cases = [
        ({**base, "roles": ["emperor"]}, "body.roles.0"),
        ({**base, "login": "Bad Login"}, "body.login"),
        ({**base, "locale": "fr"}, "body.locale"),
        ({**base, "manager_login": "nobody"}, "body.manager_login"),
        ({**base, "password": "short"}, "body.password"),
        ({**base, "password": "qian.new"}, "body.password"),
        ({**base, "login": "qian.new.user1", "password": "qian.new.user1"}, "body.password"),
        ({**base, "login": "admin"}, "body.login"),
    ]
    for body, field in cases:
        found = problems(await issuer.post("/v1/people", json=body, headers=admin))
        assert field in found, (body, found)


async def test_a_manager_cycle_is_refused(issuer: httpx.AsyncClient) -> None:
    admin = await as_admin(issuer)
    await add_person(issuer, "wang.manager", roles=["approver"])
    await add_person(issuer, "chen.planner", roles=["planner"], manager_login="wang.manager")
    cycle = await issuer.patch(
        "/v1/people/wang.manager", json={"manager_login": "chen.planner"}, headers=admin
    )
    assert "body.manager_login" in problems(cycle)
    own = await issuer.patch(
        "/v1/people/wang.manager", json={"manager_login": "wang.manager"}, headers=admin
    )
    assert "body.manager_login" in problems(own)


async def test_passwords_are_never_in_answers(issuer: httpx.AsyncClient) -> None:
    admin = await as_admin(issuer)
    body = {
        "login": "li.finance",
        "display_name": "Li",
        "roles": ["finance"],
        "password": "s3cret-Passw0rd!",
    }
    created = await issuer.post("/v1/people", json=body, headers=admin)
    listed = await issuer.get("/v1/people", headers=admin)
    one = await issuer.get("/v1/people/li.finance", headers=admin)
    for answer in (created, listed, one):
        assert "s3cret-Passw0rd!" not in answer.text
        assert "password" not in answer.text and "argon2" not in answer.text
    set_pw = await issuer.put(
        "/v1/people/li.finance/password", json={"password": "another-Passw0rd"}, headers=admin
    )
    assert set_pw.status_code == 204 and set_pw.content == b""
    assert (await password_grant(issuer, "li.finance", "another-Passw0rd")).status_code == 200


async def test_changing_ones_own_password_needs_the_old_one(
    issuer: httpx.AsyncClient,
) -> None:
    await add_person(issuer, "chen.planner", roles=["planner"])
    tokens = (await password_grant(issuer, "chen.planner", "correct horse 12")).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    wrong = {"old_password": "guess guess guess", "new_password": "brand new pass 1"}
    assert "body.old_password" in problems(
        await issuer.post("/v1/me/password", json=wrong, headers=bearer)
    )
    weak = {"old_password": "correct horse 12", "new_password": "short"}
    assert "body.new_password" in problems(
        await issuer.post("/v1/me/password", json=weak, headers=bearer)
    )
    good = {"old_password": "correct horse 12", "new_password": "brand new pass 1"}
    assert (await issuer.post("/v1/me/password", json=good, headers=bearer)).status_code == 204
    assert (await password_grant(issuer, "chen.planner", "brand new pass 1")).status_code == 200
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert (await issuer.post("/oauth/token", data=refresh)).status_code == 400


async def test_creating_and_changing_a_person_publishes_person_changed(
    issuer: httpx.AsyncClient,
    runtime: ServiceRuntime,
) -> None:
    admin = await as_admin(issuer)
    person = await add_person(issuer, "zhao.operator", roles=["operator"], dingtalk_user_id="dt-9")
    patch = {"department": "warehouse", "roles": ["operator", "planner"]}
    assert (
        await issuer.patch("/v1/people/zhao.operator", json=patch, headers=admin)
    ).status_code == 200
    assert (
        await issuer.patch("/v1/people/zhao.operator", json=patch, headers=admin)
    ).status_code == 200
    async with runtime.engine.connect() as connection:
        rows = list(await connection.execute(text("SELECT * FROM outbox ORDER BY id")))
    events = [decode_data(decode(row.payload)) for row in rows]
    changed = [e for e in events if isinstance(e, PersonChanged) and e.login == "zhao.operator"]
    assert [e.change for e in changed] == ["created", "updated"]  # an unchanged PATCH says nothing
    assert changed[1].changed_fields == ("department", "roles")
    assert changed[1].department == "warehouse" and changed[1].dingtalk_user_id == "dt-9"
    assert {row.topic for row in rows} == {"inventory.people"}
    assert all(row.key == person["id"] for row in rows if b"zhao.operator" in row.payload)
    assert b"correct horse" not in b"".join(row.payload for row in rows)


async def test_roles_table_and_bootstrap_admin(issuer: httpx.AsyncClient) -> None:
    admin = await as_admin(issuer)
    table = (await issuer.get("/v1/roles", headers=admin)).json()
    assert {r["name"] for r in table["roles"]} >= {"admin", "operator", "approver"}
    meanings = {p["name"]: p for p in table["permissions"]}
    assert "admin" in meanings["identity:admin"]["roles"] and meanings["identity:admin"]["meaning"]
    me = (await issuer.get("/v1/me", headers=admin)).json()
    assert me["login"] == "admin" and me["roles"] == ["admin"]
    assert ADMIN_PASSWORD not in str(me)
