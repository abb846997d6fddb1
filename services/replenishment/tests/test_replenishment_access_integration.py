"""Who may do what on replenishment, tried as an attacker would: the wrong role changes nothing,
who acted is always the token's login, and policies and decisions are audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi import FastAPI
from inventory_runtime.auth.testing import TEST_ISSUER, other_key
from replenishment.adapters import tables as db
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.api import get_today
from replenishment.api import planning as planning_api
from replenishment.handlers.scheduling import Planner
from sqlalchemy import func, select

from .test_replenishment_planning_integration import NOW, clean, planner, seed

if TYPE_CHECKING:
    from .conftest import ClientOf

pytestmark = pytest.mark.integration
__all__ = ["clean", "planner"]  # fixtures of the planning tests, used here too

UowFactory = Callable[[], ReplenishmentUnitOfWork]
AuditOf = Callable[[str], Awaitable[list[dict[str, Any]]]]
POLICY = {"reorder_point": "10", "order_quantity": 50, "supplier_id": "SUP-1"}


@pytest.fixture
def app(api_app: FastAPI, make_uow: UowFactory, planner: Planner) -> FastAPI:
    api_app.dependency_overrides[planning_api.get_uow_factory] = lambda: make_uow
    api_app.dependency_overrides[planning_api.get_planner] = lambda: planner
    api_app.dependency_overrides[get_today] = lambda: NOW.date()
    return api_app


@pytest.fixture
async def audit_entries(make_uow: UowFactory) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """The audit entries of an entity type written during the test, oldest first (the log is
    append-only, so earlier tests' entries stay and are left out by id)."""
    async with make_uow() as uow:
        start = await uow.session.scalar(select(func.coalesce(func.max(db.audit_log.c.id), 0)))

    async def entries(entity_type: str) -> list[dict[str, Any]]:
        t = db.audit_log
        query = select(t).where(t.c.entity_type == entity_type, t.c.id > start).order_by(t.c.id)
        async with make_uow() as uow:
            return [dict(row) for row in (await uow.session.execute(query)).mappings().all()]

    return entries


async def test_an_approver_reads_but_cannot_change_policies_runs_or_suggestions(
    app: FastAPI, client_of: ClientOf, make_uow: UowFactory, audit_entries: AuditOf
) -> None:
    await seed(make_uow)
    async with client_of(app, "approver", login="wang.manager") as approver:
        assert (await approver.get("/v1/policies/SKU-1/WH-1")).status_code == 200
        refused = await approver.put("/v1/policies/SKU-1/WH-1", json=POLICY)
        assert refused.status_code == 403 and "planning:write" in refused.json()["detail"]
        assert (await approver.post("/v1/planning/runs")).status_code == 403
        snooze = await approver.post(
            "/v1/suggestions/SKU-1@WH-1/snooze", json={"until": "2099-01-01"}
        )
        assert snooze.status_code == 403
    async with make_uow() as uow:
        policy = await uow.policies.get("SKU-1", "WH-1")
        assert policy is not None and policy.reorder_point == 1  # as seeded
        assert await uow.planning.snoozes() == {}
        assert await uow.planning_runs.active() is None
    assert await audit_entries("policy") == []


async def test_an_operator_cannot_even_read_planning(app: FastAPI, client_of: ClientOf) -> None:
    async with client_of(app, "operator", login="zhao.op") as operator:
        for path in ("/v1/policies/SKU-1/WH-1", "/v1/requisitions", "/v1/suggestions"):
            assert (await operator.get(path)).status_code == 403, path


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": f"Bearer {TEST_ISSUER.token('planner', expires_in=-120)}"},
        {"Authorization": f"Bearer {TEST_ISSUER.token('planner', key=other_key())}"},
    ],
    ids=["none", "expired", "forged"],
)
async def test_without_a_valid_token_nothing_changes(
    app: FastAPI, make_uow: UowFactory, headers: dict[str, str], audit_entries: AuditOf
) -> None:
    await seed(make_uow)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as anonymous:
        sent = await anonymous.put("/v1/policies/SKU-1/WH-1", json=POLICY, headers=headers)
    assert sent.status_code == 401 and sent.headers["WWW-Authenticate"].startswith("Bearer")
    assert await audit_entries("policy") == []


async def test_policy_changes_are_audited_under_the_tokens_login(
    app: FastAPI, client_of: ClientOf, make_uow: UowFactory, audit_entries: AuditOf
) -> None:
    await seed(make_uow)
    async with client_of(app, "planner", login="sun.planner") as planner_client:
        forged = await planner_client.put(
            "/v1/policies/SKU-1/WH-1", json={**POLICY, "updated_by": "wang.manager"}
        )
        assert forged.status_code == 422  # bodies refuse unknown fields, actor fields included
        changed = await planner_client.put("/v1/policies/SKU-1/WH-1", json=POLICY)
        assert changed.status_code == 200, changed.text
    [entry] = await audit_entries("policy")
    assert (entry["actor"], entry["actor_kind"], entry["action"], entry["entity_id"]) == (
        "sun.planner",
        "person",
        "update",
        "SKU-1@WH-1",
    )
    assert (entry["before"]["reorder_point"], entry["after"]["reorder_point"]) == ("1", "10")
    assert (entry["before"]["order_quantity"], entry["after"]["order_quantity"]) == ("1", "50")


async def test_snoozing_and_starting_a_run_record_the_tokens_login(
    app: FastAPI,
    client_of: ClientOf,
    make_uow: UowFactory,
    planner: Planner,
    audit_entries: AuditOf,
) -> None:
    await seed(make_uow)
    async with client_of(app, "planner", login="sun.planner") as planner_client:
        started = (await planner_client.post("/v1/planning/runs")).json()
        assert started["requested_by"] == "sun.planner"
        await planner.wait(started["run_id"])
        path = "/v1/suggestions/SKU-1@WH-1/snooze"
        forged = {"until": "2099-01-01", "snoozed_by": "wang.manager"}
        assert (await planner_client.post(path, json=forged)).status_code == 422
        first = await planner_client.post(path, json={"until": "2099-01-01"})
        assert first.json()["snoozed_by"] == "sun.planner"
    async with client_of(app, "admin", login="wu.admin") as admin:
        again = {"until": "2099-02-01", "comment": "supplier closed"}
        assert (await admin.post(path, json=again)).status_code == 200
    [run] = await audit_entries("planning_run")
    assert (run["actor"], run["action"], run["entity_id"]) == (
        "sun.planner",
        "start",
        started["run_id"],
    )
    snoozed, resnoozed = await audit_entries("suggestion")
    assert (snoozed["actor"], snoozed["before"], snoozed["after"]["snoozed_by"]) == (
        "sun.planner",
        None,
        "sun.planner",
    )
    assert resnoozed["actor"] == "wu.admin"
    assert resnoozed["before"] == {
        "snoozed_until": "2099-01-01",
        "comment": None,
        "snoozed_by": "sun.planner",
    }
    assert resnoozed["after"]["comment"] == "supplier closed"
