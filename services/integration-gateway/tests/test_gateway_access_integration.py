"""Who may call the identity admin API, with tokens of the configured issuer (the test issuer)
and of the gateway itself, and what the audit log records of the changes: before and after,
the acting login from the token, never a password, its hash, a client secret or an API key."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.main import create_api_key
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.auth.testing import TEST_ISSUER
from sqlalchemy import text

pytestmark = pytest.mark.integration

ADMIN_PASSWORD = "admin-password-for-tests"
"""As conftest sets BOOTSTRAP_ADMIN_PASSWORD."""
ADMIN = TEST_ISSUER.headers("admin", login="wu.admin")
AUDITOR = TEST_ISSUER.headers("auditor", login="sun.auditor")
OPERATOR = TEST_ISSUER.headers("operator", login="zhao.op")
PASSWORD = "correct horse 12"
SUBSCRIPTION_SECRET = "subscription-secret-0123"


async def audit(http: httpx.AsyncClient, **filters: str) -> list[dict[str, Any]]:
    answer = await http.get("/v1/audit", params=filters, headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


async def gateway_token(http: httpx.AsyncClient, login: str, password: str) -> dict[str, str]:
    data = {"grant_type": "password", "username": login, "password": password}
    answer = await http.post("/oauth/token", data=data)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_tokens_of_the_test_issuer_and_of_the_gateway_both_work(
    issuer: httpx.AsyncClient,
) -> None:
    body = {
        "login": "qian.ops",
        "display_name": "Qian",
        "roles": ["operator"],
        "password": PASSWORD,
    }
    assert (await issuer.post("/v1/people", json=body, headers=ADMIN)).status_code == 201
    own = await gateway_token(issuer, "admin", ADMIN_PASSWORD)
    listed = await issuer.get("/v1/people", headers=own)
    assert listed.status_code == 200 and "qian.ops" in {p["login"] for p in listed.json()}
    assert (await issuer.get("/v1/service-accounts", headers=own)).status_code == 200
    mine = await gateway_token(issuer, "qian.ops", PASSWORD)
    me = await issuer.get("/v1/me", headers=mine)
    assert me.status_code == 200 and me.json()["login"] == "qian.ops"
    info = await issuer.get("/oauth/userinfo", headers=mine)
    assert info.status_code == 200 and info.json()["preferred_username"] == "qian.ops"
    assert (await issuer.get("/v1/people", headers=mine)).status_code == 403
    [created] = await audit(issuer, entity_type="person", entity_id="qian.ops")
    assert (created["actor"], created["action"], created["before"]) == ("wu.admin", "create", None)


async def test_the_wrong_role_gets_403_and_nothing_changes(issuer: httpx.AsyncClient) -> None:
    body = {"login": "mallory", "display_name": "M", "roles": ["admin"]}
    refused = await issuer.post("/v1/people", json=body, headers=AUDITOR)
    assert refused.status_code == 403 and "identity:admin" in refused.text
    assert (await issuer.get("/v1/people", headers=OPERATOR)).status_code == 403
    assert (await issuer.get("/v1/roles", headers=OPERATOR)).status_code == 403
    assert (await issuer.get("/v1/audit", headers=OPERATOR)).status_code == 403
    assert (await issuer.get("/v1/people/mallory", headers=AUDITOR)).status_code == 404
    assert await audit(issuer, entity_id="mallory") == []
    assert (await issuer.get("/v1/people")).status_code == 401


async def test_person_changes_are_audited_without_passwords(issuer: httpx.AsyncClient) -> None:
    body = {"login": "li.fin", "display_name": "Li", "roles": ["finance"], "password": PASSWORD}
    assert (await issuer.post("/v1/people", json=body, headers=ADMIN)).status_code == 201
    patch = {"department": "finance", "roles": ["finance", "planner"]}
    assert (await issuer.patch("/v1/people/li.fin", json=patch, headers=ADMIN)).status_code == 200
    reset = {"password": "reset-Passw0rd-1"}
    answer = await issuer.put("/v1/people/li.fin/password", json=reset, headers=ADMIN)
    assert answer.status_code == 204
    own = await gateway_token(issuer, "li.fin", "reset-Passw0rd-1")
    change = {"old_password": "reset-Passw0rd-1", "new_password": "own-Passw0rd-22"}
    assert (await issuer.post("/v1/me/password", json=change, headers=own)).status_code == 204
    assert (await issuer.delete("/v1/people/li.fin", headers=ADMIN)).status_code == 200
    entries = await audit(issuer, entity_type="person", entity_id="li.fin")
    actions = [(e["actor"], e["action"]) for e in reversed(entries)]
    assert actions == [
        ("wu.admin", "create"),
        ("wu.admin", "update"),
        ("wu.admin", "reset_password"),
        ("li.fin", "change_own_password"),
        ("wu.admin", "deactivate"),
    ]
    update = entries[3]
    assert update["before"]["roles"] == ["finance"] and update["before"]["department"] is None
    assert update["after"]["roles"] == ["finance", "planner"]
    assert update["after"]["department"] == "finance"
    assert entries[2]["after"] == {"password": "changed"}
    assert entries[0]["before"]["active"] and not entries[0]["after"]["active"]
    everything = (await issuer.get("/v1/audit", headers=AUDITOR)).text
    for secret in (PASSWORD, "reset-Passw0rd-1", "own-Passw0rd-22", "argon2", "password_hash"):
        assert secret not in everything


async def test_service_account_changes_are_audited_without_secrets(
    issuer: httpx.AsyncClient,
) -> None:
    body = {"client_id": "erp-sync", "name": "ERP sync", "roles": ["integration"]}
    created = await issuer.post("/v1/service-accounts", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    rotated = await issuer.post("/v1/service-accounts/erp-sync/secret", headers=ADMIN)
    assert rotated.status_code == 200
    patch = {"roles": ["integration", "operator"]}
    answer = await issuer.patch("/v1/service-accounts/erp-sync", json=patch, headers=ADMIN)
    assert answer.status_code == 200
    assert (await issuer.delete("/v1/service-accounts/erp-sync", headers=ADMIN)).status_code == 200
    entries = await audit(issuer, entity_type="service_account", entity_id="erp-sync")
    assert [e["action"] for e in reversed(entries)] == [
        "create",
        "rotate_secret",
        "update",
        "deactivate",
    ]
    rotation = entries[2]
    assert rotation["actor"] == "wu.admin"
    assert rotation["before"]["secret"] == "old" and rotation["after"]["secret"] == "changed"
    assert rotation["before"]["roles"] == rotation["after"]["roles"] == ["integration"]
    assert entries[1]["after"]["roles"] == ["integration", "operator"]
    everything = (await issuer.get("/v1/audit", headers=AUDITOR)).text
    for secret in (created.json()["client_secret"], rotated.json()["client_secret"], "argon2"):
        assert secret not in everything


async def test_subscriptions_and_cli_api_keys_are_audited(
    client: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    body = {
        "url": "http://127.0.0.1:9/po",
        "secret": SUBSCRIPTION_SECRET,
        "event_types": ["inventory.purchase-order.released.v1"],
    }
    created = await client.post("/v1/subscriptions", json=body)
    assert created.status_code == 201, created.text
    subscription = created.json()["id"]
    assert (await client.delete(f"/v1/subscriptions/{subscription}")).status_code == 204
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    key = await create_api_key(settings, "erp-audited", ["orders:write"])
    rekey = await create_api_key(settings, "erp-audited", ["orders:write"])
    removed, made = await audit(client, entity_type="subscription", entity_id=subscription)
    assert (made["actor"], made["action"], made["after"]["secret"]) == (
        "bootstrap",
        "create",
        "***",
    )
    assert (removed["action"], removed["before"]["url"], removed["after"]) == (
        "delete",
        body["url"],
        None,
    )
    again, first = await audit(client, entity_type="api_client", entity_id="erp-audited")
    assert (first["actor"], first["actor_kind"], first["action"]) == (
        "system:cli",
        "system",
        "create",
    )
    assert again["action"] == "rekey" and again["before"]["scopes"] == ["orders:write"]
    async with runtime.engine.connect() as connection:
        stored = await connection.scalar(text("SELECT string_agg(after::text, ' ') FROM audit_log"))
    for secret in (key, rekey, SUBSCRIPTION_SECRET):
        assert secret not in str(stored)
