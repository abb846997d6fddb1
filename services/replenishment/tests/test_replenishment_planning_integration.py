"""Planning on the real PostgreSQL: a run rewrites computed policies and keeps manual ones, a
computed reorder point drives the threshold check, and the planning API answers (4xx on bad
input)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
from aiokafka.structs import ConsumerRecord
from fastapi import FastAPI
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.availability import AvailabilityChanged, MovementReference
from inventory_contracts.events.base import Event
from inventory_contracts.events.master_data import ItemUpserted, SupplierUpserted
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_runtime.inbound import InboundEvent
from replenishment import api, consumer
from replenishment.adapters import tables as db
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.api import planning as planning_api
from replenishment.domain import Policy
from replenishment.domain.planning_runs import PlanningRun
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.handlers.scheduling import Planner, PlanningBusy
from replenishment.handlers.threshold import check_threshold
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from .conftest import ClientOf

pytestmark = pytest.mark.integration

NOW = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)  # a Wednesday
UowFactory = Callable[[], ReplenishmentUnitOfWork]
E = TypeVar("E", bound=Event)
WEEKLY = [12, 8, 10, 11, 9, 10, 13, 7, 10, 12, 9, 10, 11, 8, 10, 12, 9, 11, 10, 10]


@pytest.fixture(autouse=True)
async def clean(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    async with session_factory() as session:
        for table in reversed(db.metadata.sorted_tables):
            if table is not db.audit_log:  # append-only: tests tell entries apart by their ids
                await session.execute(delete(table))
        await session.commit()
    yield


@pytest.fixture
def planner() -> Planner:
    return Planner(PlanningConfig(period="week"), "thread", now=lambda: NOW)


async def seed(make_uow: UowFactory) -> None:
    """SKU-1 (computed policy) and SKU-M (manual), 20 weeks of demand each, supplier SUP-1."""
    items = [
        ItemUpserted(
            sku=sku, name=sku, unit_of_measure="pcs", category="parts", unit_cost=D("12.5")
        )
        for sku in ("SKU-1", "SKU-M", "SKU-X")
    ]
    await consume(
        make_uow, *items, SupplierUpserted(supplier_id="SUP-1", name="Acme", lead_time_days=7)
    )
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-1", "WH-1", D(1), D(1), "SUP-1"))
        await uow.policies.save(Policy("SKU-M", "WH-1", D(3), D(7), "SUP-1", manual=True))
        await uow.commit()
    monday = NOW - timedelta(days=NOW.weekday())
    for week, quantity in enumerate(WEEKLY):
        placed = monday - timedelta(weeks=len(WEEKLY) - week) + timedelta(hours=10)
        for sku in ("SKU-1", "SKU-M", "SKU-X"):
            order = OrderPlaced(
                order_id=f"SO-{sku}-{week}",
                lines=(OrderLine(sku=sku, location="WH-1", quantity=D(quantity)),),
            )
            await consume(make_uow, order, time=placed)


def availability(on_hand: int, *, seconds: int = 1, **movement: Any) -> AvailabilityChanged:
    return AvailabilityChanged(
        sku="SKU-1",
        location="WH-1",
        on_hand=D(on_hand),
        reserved=D(0),
        available_to_promise=D(on_hand),
        as_of=NOW + timedelta(seconds=seconds),
        movement=MovementReference(**movement) if movement else None,
    )


def inbound(data: E, *, time: datetime = NOW) -> InboundEvent[E]:
    """`data` as the consumer hands it to a handler."""
    cloud_event = new_event(data, source="/services/test", time=time)
    value = encode(cloud_event)
    key = data.key()
    record = ConsumerRecord(data.topic, 0, 0, 0, 0, key.encode(), value, None, 1, len(value), [])
    return InboundEvent(cloud_event, data, data.topic, 0, 0, key, record=record)


async def consume(make_uow: UowFactory, *events: Event, time: datetime = NOW) -> None:
    """Apply events in one transaction, as the consumer loop does."""
    async with make_uow() as uow:
        await consumer.registry(lambda: NOW).dispatch([inbound(e, time=time) for e in events], uow)
        await uow.commit()


async def test_run_rewrites_computed_policies_and_keeps_manual_ones(
    make_uow: UowFactory, planner: Planner
) -> None:
    await seed(make_uow)
    run = await planner.run(make_uow, "test")
    async with make_uow() as uow:
        finished = await uow.planning_runs.get(run.run_id)
        computed = await uow.policies.get("SKU-1", "WH-1")
        manual = await uow.policies.get("SKU-M", "WH-1")
        planned = await uow.planning.result("SKU-1", "WH-1")
        manual_planned = await uow.planning.result("SKU-M", "WH-1")
    assert finished is not None and finished.status == "succeeded", finished
    figures = finished.figures or {}
    assert (figures["planned"], figures["policies_updated"], figures["manual_kept"]) == (2, 1, 1)
    assert figures["skipped"] == {"no_supplier": 1}  # SKU-X: demand, no policy, never ordered
    assert planned is not None and computed is not None
    # ~10 a week over a lead time of 1 week plus a review week: about 20. The lot (the EOQ of
    # an order cost of 50) is over 100 units, 10+ weeks of demand: with the position spread
    # over a whole lot, shortages happen once a cycle, so the reorder point can sit below the
    # demand over lead time + review and still reach the target
    assert D(10) <= planned.reorder_point <= D(40)
    assert planned.order_quantity >= D(100)
    assert (computed.reorder_point, computed.order_quantity) == (
        planned.reorder_point,
        planned.order_quantity,
    )
    assert planned.applied
    assert planned.abc_class in "ABC" and planned.demand_pattern == "smooth"
    assert D(8) <= planned.forecast_per_period <= D(12)
    assert planned.lead_time_mean_days == D(7)
    assert manual is not None and (manual.reorder_point, manual.order_quantity) == (D(3), D(7))
    assert manual_planned is not None and manual_planned.applied is False


async def test_a_computed_reorder_point_raises_the_requisition(
    make_uow: UowFactory, planner: Planner
) -> None:
    await seed(make_uow)
    await planner.run(make_uow, "test")
    async with make_uow() as uow:
        policy = await uow.policies.get("SKU-1", "WH-1")
    assert policy is not None
    reorder_point = int(policy.reorder_point)
    await consume(make_uow, availability(reorder_point + 1))
    async with make_uow() as uow:
        assert await uow.requisitions.find(status=None, sku="SKU-1") == []
    await consume(make_uow, availability(reorder_point, seconds=2))
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    assert requisition.reorder_point == policy.reorder_point
    assert requisition.quantity == policy.order_quantity  # at the point: one order quantity


async def test_one_active_run_at_a_time(make_uow: UowFactory, planner: Planner) -> None:
    async with make_uow() as uow:
        await uow.planning_runs.add_if_none_active(PlanningRun("PLAN-X", "running", "api", NOW))
        await uow.commit()
    with pytest.raises(PlanningBusy) as busy:
        await planner.request(make_uow, "api")
    assert busy.value.active is not None and busy.value.active.run_id == "PLAN-X"
    async with make_uow() as uow:
        assert await uow.planning_runs.fail_interrupted(NOW) == 1
        await uow.commit()
    run = await planner.run(make_uow, "api")  # nothing to plan: succeeds with zero figures
    async with make_uow() as uow:
        done = await uow.planning_runs.get(run.run_id)
    assert done is not None and done.status == "succeeded"
    assert done.figures is not None and done.figures["planned"] == 0


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
async def client(
    api_app: FastAPI, client_of: ClientOf, make_uow: UowFactory, planner: Planner
) -> AsyncIterator[httpx.AsyncClient]:
    app = api_app
    app.dependency_overrides[planning_api.get_uow_factory] = lambda: make_uow
    app.dependency_overrides[planning_api.get_planner] = lambda: planner
    app.dependency_overrides[api.get_today] = lambda: NOW.date()
    async with client_of(app) as http:
        yield http


async def test_api_demand_history_by_period(
    client: httpx.AsyncClient, make_uow: UowFactory
) -> None:
    await seed(make_uow)
    weeks = (await client.get("/v1/demand/SKU-1/WH-1", params={"period": "week"})).json()
    assert [D(b["quantity"]) for b in weeks["buckets"]] == [D(q) for q in WEEKLY]
    assert D(weeks["total"]) == D(sum(WEEKLY))
    months = (await client.get("/v1/demand/SKU-1/WH-1", params={"period": "month"})).json()
    assert D(months["total"]) == D(sum(WEEKLY))
    assert all(b["period_start"].endswith("-01") for b in months["buckets"])
    bad = await client.get("/v1/demand/SKU-1/WH-1", params={"period": "fortnight"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "query.period"
    reversed_range = await client.get(
        "/v1/demand/SKU-1/WH-1", params={"start": "2025-03-01", "end": "2025-02-01"}
    )
    assert reversed_range.status_code == 422
    assert reversed_range.json()["detail"][0]["field"] == "query.end"
    assert (await client.get("/v1/demand/NOPE/WH-1")).status_code == 404


async def test_api_planning_run_suggestions_snooze_and_exceptions(
    client: httpx.AsyncClient, make_uow: UowFactory, planner: Planner
) -> None:
    await seed(make_uow)
    started = await client.post("/v1/planning/runs")
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    await planner.wait(run_id)
    run = (await client.get(f"/v1/planning/runs/{run_id}")).json()
    assert run["status"] == "succeeded" and run["figures"]["policies_updated"] == 1
    assert (await client.get("/v1/planning/runs/PLAN-NOPE")).status_code == 404
    planned = (await client.get("/v1/policies/SKU-1/WH-1/planning")).json()
    assert planned["planning_run_id"] == run_id and planned["applied"] is True
    policy = (await client.get("/v1/policies/SKU-1/WH-1")).json()
    assert policy["reorder_point"] == planned["reorder_point"] and policy["manual"] is False
    manual = (await client.get("/v1/policies/SKU-M/WH-1/planning")).json()
    assert manual["applied"] is False
    assert (await client.get("/v1/policies/NOPE/WH-1/planning")).status_code == 404
    await consume(make_uow, availability(5))
    ranked = (await client.get("/v1/suggestions")).json()
    # SKU-M (manual, nothing on hand) cannot cover a single day: it ranks first
    assert [s["suggestion_id"] for s in ranked] == ["SKU-M@WH-1", "SKU-1@WH-1"]
    assert ranked[0]["risk_ratio"] == 0.0
    suggestion = ranked[1]
    assert suggestion["supplier_id"] == "SUP-1" and D(suggestion["quantity"]) > 0
    assert suggestion["order_by"] == NOW.date().isoformat()  # 5 left, ~10 a week, 7 days lead
    codes = {r["code"] for r in suggestion["reasons"]}
    assert {"position_at_reorder_point", "forecast", "safety_stock"} <= codes
    assert all(r["zh"] for r in suggestion["reasons"])
    risky = (await client.get("/v1/exceptions", params={"kind": "stockout_risk"})).json()
    assert sorted(e["sku"] for e in risky) == ["SKU-1", "SKU-M"]
    until = (NOW.date() + timedelta(days=3)).isoformat()
    snoozed = await client.post("/v1/suggestions/SKU-1@WH-1/snooze", json={"until": until})
    assert snoozed.status_code == 200, snoozed.text
    listed = (await client.get("/v1/suggestions")).json()
    assert [s["suggestion_id"] for s in listed] == ["SKU-M@WH-1"]
    again = (await client.get("/v1/suggestions", params={"include_snoozed": "true"})).json()
    assert [s["snoozed_until"] for s in again if s["sku"] == "SKU-1"] == [until]
    past = await client.post("/v1/suggestions/SKU-1@WH-1/snooze", json={"until": "2020-01-01"})
    assert past.status_code == 422 and past.json()["detail"][0]["field"] == "body.until"
    unknown = await client.post("/v1/suggestions/NOPE@WH-1/snooze", json={"until": until})
    assert unknown.status_code == 404
    assert (await client.get("/v1/exceptions", params={"kind": "nonsense"})).status_code == 422
    assert (await client.get("/v1/exceptions")).status_code == 422


async def test_api_supplier_performance_from_a_received_order(
    client: httpx.AsyncClient, make_uow: UowFactory
) -> None:
    await seed(make_uow)
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-1", manual=True))
        await uow.commit()
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=requisition.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await consume(make_uow, granted)
    async with make_uow() as uow:
        (order,) = await uow.purchase_orders.find(status="open")
    receipt = availability(
        110,
        seconds=3 * 86400,
        movement_id="MV-1",
        movement_type="receipt",
        quantity_delta=D(100),
        purchase_order_id=order.purchase_order_id,
    )
    await consume(make_uow, receipt)
    found = (await client.get("/v1/suppliers/SUP-1/performance")).json()
    assert (found["lines"], found["on_time"], found["on_time_rate"]) == (1, 1, 1.0)
    assert found["lead_time_by_sku"]["SKU-1"]["mean_days"] == 3.0
    assert found["recent_lines"][0]["outcome"] == "on_time"
    assert found["recent_lines"][0]["received_on"] == (NOW.date() + timedelta(days=3)).isoformat()
    assert (await client.get("/v1/suppliers/SUP-NOPE/performance")).status_code == 404


async def test_stock_point_with_demand_gets_a_policy_from_its_last_supplier(
    make_uow: UowFactory, planner: Planner, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """SKU-X has demand and no policy; once it was ordered from SUP-1 a run gives it one."""
    await seed(make_uow)
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-X", "WH-2", D(5), D(10), "SUP-1", manual=True))
        await uow.commit()
    async with make_uow() as uow:  # a PO for SKU-X at another location names the supplier
        await uow.positions.lock("SKU-X", "WH-2")
        position = await uow.positions.get("SKU-X", "WH-2")
        assert position is not None
        raised = await check_threshold(position, uow, NOW)
        assert raised is not None
        await uow.commit()
    granted = ApprovalGranted(
        request_id=raised.approval_request_id,
        subject_type="purchase_requisition",
        subject_id=raised.requisition_id,
        decided_by="wang.manager",
        decided_at=NOW,
    )
    await consume(make_uow, granted)
    run = await planner.run(make_uow, "test")
    async with make_uow() as uow:
        created = await uow.policies.get("SKU-X", "WH-1")
        planned = await uow.planning.result("SKU-X", "WH-1")
        done = await uow.planning_runs.get(run.run_id)
    assert created is not None and planned is not None and done is not None
    assert (created.supplier_id, created.manual) == ("SUP-1", False)
    assert created.reorder_point == planned.reorder_point > 0
    assert done.figures is not None and done.figures["policies_created"] == 1


async def test_a_lead_time_of_more_than_a_year_is_planned_over_the_whole_lead_time(
    make_uow: UowFactory, planner: Planner
) -> None:
    # SKU-1's policy says 434 days: 62 weekly periods; ~10 a week over 62 + 1 review weeks is
    # about 630 units, so the computed reorder point is in the hundreds (lot: the EOQ)
    await seed(make_uow)
    async with make_uow() as uow:
        await uow.policies.save(Policy("SKU-1", "WH-1", D(1), D(1), "SUP-1", lead_time_days=434))
        await uow.commit()
    run = await planner.run(make_uow, "test")
    async with make_uow() as uow:
        finished = await uow.planning_runs.get(run.run_id)
        planned = await uow.planning.result("SKU-1", "WH-1")
    assert finished is not None and finished.status == "succeeded", finished
    assert planned is not None and planned.lead_time_mean_days == D(434)
    assert D(500) <= planned.reorder_point <= D(800)
