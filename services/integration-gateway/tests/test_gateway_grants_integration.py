"""The issuer's grants over HTTP on PostgreSQL: refresh rotation and reuse, revocation, client
credentials, the login throttle, deactivated people, key rotation and userinfo."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from integration_gateway.config import DEV_APPROVAL_SERVICE_SECRET, IntegrationGatewaySettings
from integration_gateway.main import ensure_configured, rotate_signing_key
from inventory_runtime.app import ServiceRuntime
from inventory_runtime.service_token import ServiceToken
from inventory_testkit.issuer import TEST_ADMIN_PASSWORD as ADMIN_PASSWORD
from inventory_testkit.issuer import add_person, admin_token, password_grant, verify
from joserfc.errors import InvalidKeyIdError
from sqlalchemy import text

pytestmark = pytest.mark.integration


PASSWORD = "correct horse 12"


def refresh_form(token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": token}


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(
    issuer: httpx.AsyncClient,
) -> None:
    await add_person(issuer, "wang.manager", roles=["approver"])
    first = (await password_grant(issuer, "wang.manager", PASSWORD)).json()
    second = await issuer.post("/oauth/token", data=refresh_form(first["refresh_token"]))
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await verify(issuer, rotated["access_token"]))["preferred_username"] == "wang.manager"
    # the thief replays the old token: refused, and the legitimate new one dies with it
    replay = await issuer.post("/oauth/token", data=refresh_form(first["refresh_token"]))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    after = await issuer.post("/oauth/token", data=refresh_form(rotated["refresh_token"]))
    assert after.status_code == 400
    unknown = await issuer.post("/oauth/token", data=refresh_form("made-up"))
    assert unknown.json()["error"] == "invalid_grant"


async def test_revoked_refresh_token_stops_working_and_unknown_revocation_is_200(
    issuer: httpx.AsyncClient,
) -> None:
    await add_person(issuer, "sun.auditor", roles=["auditor"])
    tokens = (await password_grant(issuer, "sun.auditor", PASSWORD)).json()
    assert (
        await issuer.post("/oauth/revoke", data={"token": tokens["refresh_token"]})
    ).status_code == 200
    assert (
        await issuer.post("/oauth/token", data=refresh_form(tokens["refresh_token"]))
    ).status_code == 400
    assert (await issuer.post("/oauth/revoke", data={"token": "never-issued"})).status_code == 200


async def test_client_credentials_for_a_service_account(
    issuer: httpx.AsyncClient,
) -> None:
    admin = {"Authorization": f"Bearer {await admin_token(issuer)}"}
    body = {"client_id": "erp-sync", "name": "ERP sync", "roles": ["integration"]}
    created = await issuer.post("/v1/service-accounts", json=body, headers=admin)
    assert created.status_code == 201, created.text
    secret = created.json()["client_secret"]
    basic = base64.b64encode(f"erp-sync:{secret}".encode()).decode()
    form = {"grant_type": "client_credentials"}
    answer = await issuer.post(
        "/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 200, answer.text
    assert "refresh_token" not in answer.json()
    claims = await verify(issuer, answer.json()["access_token"])
    assert claims["sub"] == "service:erp-sync" and claims["roles"] == ["integration"]
    assert claims["preferred_username"] == "erp-sync"
    posted = {**form, "client_id": "erp-sync", "client_secret": secret}
    assert (await issuer.post("/oauth/token", data=posted)).status_code == 200
    wrong = await issuer.post("/oauth/token", data={**posted, "client_secret": secret + "x"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert "www-authenticate" in wrong.headers
    listed = await issuer.get("/v1/service-accounts", headers=admin)
    assert secret not in listed.text and "secret_hash" not in listed.text
    rotated = await issuer.post("/v1/service-accounts/erp-sync/secret", headers=admin)
    assert rotated.status_code == 200
    assert (await issuer.post("/oauth/token", data=posted)).status_code == 401
    fresh = {**posted, "client_secret": rotated.json()["client_secret"]}
    assert (await issuer.post("/oauth/token", data=fresh)).status_code == 200


async def test_startup_ensures_the_approval_service_account_with_the_configured_secret(
    issuer: httpx.AsyncClient, runtime: ServiceRuntime
) -> None:
    form = {"grant_type": "client_credentials", "client_id": "approval-service"}
    first = {**form, "client_secret": DEV_APPROVAL_SERVICE_SECRET}  # the fixture's startup
    # as the approval service asks for it (the runtime's client, Basic credentials)
    tokens = ServiceToken(
        "/oauth/token", "approval-service", DEV_APPROVAL_SERVICE_SECRET, http=issuer
    )
    claims = await verify(issuer, await tokens.token())
    assert claims["sub"] == "service:approval-service" and claims["roles"] == ["auditor"]

    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    audited = text(
        "SELECT id, action FROM audit_log WHERE entity_type = 'service_account'"
        " AND entity_id = 'approval-service' ORDER BY id"
    )
    async with runtime.engine.connect() as connection:
        (*_, (made_id, made)) = (await connection.execute(audited)).all()
    assert made == "create"
    runtime.settings = settings.model_copy(update={"approval_service_secret": "n3w-" + "s" * 20})
    await ensure_configured(runtime)  # a restart with another secret: the account takes it
    await ensure_configured(runtime)  # and again: nothing to change
    runtime.settings = settings
    assert (await issuer.post("/oauth/token", data=first)).status_code == 401
    second = {**form, "client_secret": "n3w-" + "s" * 20}
    assert (await issuer.post("/oauth/token", data=second)).status_code == 200
    async with runtime.engine.connect() as connection:
        later = [a for i, a in (await connection.execute(audited)).all() if i > made_id]
    assert later == ["rotate_secret"]


async def test_five_failures_lock_the_login_even_for_the_right_password(
    issuer: httpx.AsyncClient,
    runtime: ServiceRuntime,
) -> None:
    await add_person(issuer, "zhao.operator", roles=["operator"])
    for _ in range(5):
        assert (await password_grant(issuer, "zhao.operator", "wrong password!")).status_code == 400
    locked = await password_grant(issuer, "zhao.operator", PASSWORD)
    assert locked.status_code == 400
    assert locked.json()["error_description"] == "wrong login or password"
    async with runtime.engine.begin() as connection:  # 16 minutes later
        await connection.execute(
            text("UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'")
        )
    assert (await password_grant(issuer, "zhao.operator", PASSWORD)).status_code == 200


async def test_a_deactivated_person_can_neither_sign_in_nor_refresh(
    issuer: httpx.AsyncClient,
) -> None:
    await add_person(issuer, "chen.planner", roles=["planner"])
    tokens = (await password_grant(issuer, "chen.planner", PASSWORD)).json()
    admin = {"Authorization": f"Bearer {await admin_token(issuer)}"}
    off = await issuer.patch("/v1/people/chen.planner", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    assert (await password_grant(issuer, "chen.planner", PASSWORD)).status_code == 400
    assert (
        await issuer.post("/oauth/token", data=refresh_form(tokens["refresh_token"]))
    ).status_code == 400


async def test_rotation_keeps_old_tokens_verifiable_and_signs_new_ones_with_the_new_key(
    issuer: httpx.AsyncClient,
    runtime: ServiceRuntime,
) -> None:
    before = (await password_grant(issuer, "admin", _admin_password())).json()["access_token"]
    old_kid = (await verify(issuer, before))["header"]["kid"]
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    new_kid = await rotate_signing_key(settings)
    assert new_kid != old_kid
    jwks = (await issuer.get("/oauth/jwks")).json()
    assert {k["kid"] for k in jwks["keys"]} == {old_kid, new_kid}
    assert all("d" not in k and "p" not in k for k in jwks["keys"])
    assert (await verify(issuer, before))["preferred_username"] == "admin"
    after = (await password_grant(issuer, "admin", _admin_password())).json()["access_token"]
    assert (await verify(issuer, after))["header"]["kid"] == new_kid
    async with runtime.engine.begin() as connection:  # a day later the old key is gone
        await connection.execute(
            text("UPDATE signing_keys SET retired_at = retired_at - interval '25 hours' "
                 "WHERE retired_at IS NOT NULL")
        )  # fmt: skip
    with pytest.raises(InvalidKeyIdError):
        await verify(issuer, before)


def _admin_password() -> str:

    return ADMIN_PASSWORD


async def test_userinfo_needs_a_valid_access_token(
    issuer: httpx.AsyncClient,
) -> None:
    tokens = (await password_grant(issuer, "admin", _admin_password())).json()
    info = await issuer.get(
        "/oauth/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert info.status_code == 200 and info.json()["preferred_username"] == "admin"
    tampered = tokens["access_token"][:-4] + "AAAA"
    for bad in (tampered, tokens["refresh_token"], "x.y.z"):
        answer = await issuer.get("/oauth/userinfo", headers={"Authorization": f"Bearer {bad}"})
        assert answer.status_code == 401 and "invalid_token" in answer.headers["www-authenticate"]


async def test_token_endpoint_errors_follow_rfc_6749(
    issuer: httpx.AsyncClient,
) -> None:
    unknown: Any = await issuer.post("/oauth/token", data={"grant_type": "implicit"})
    assert unknown.status_code == 400 and unknown.json()["error"] == "unsupported_grant_type"
    as_json = await issuer.post("/oauth/token", json={"grant_type": "password"})
    assert as_json.json()["error"] == "invalid_request"
    missing = await issuer.post("/oauth/token", data={"grant_type": "password", "username": "a"})
    assert missing.json()["error"] == "invalid_request"
    evil = {"grant_type": "password", "username": "admin", "password": "x", "client_id": "evil"}
    other_client = await issuer.post("/oauth/token", data=evil)
    assert other_client.status_code == 401 and other_client.json()["error"] == "invalid_client"
