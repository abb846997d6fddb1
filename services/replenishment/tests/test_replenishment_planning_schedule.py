"""The planner's wiring without a database: the schedule job runs plans, the planning step is
picklable for the worker process, and settings refuse bad service levels."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest
from pydantic import ValidationError
from replenishment.config import ReplenishmentSettings
from replenishment.domain.planning_runs import PlanningRun
from replenishment.handlers import planning_runs
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.handlers.scheduling import Planner, PlanningBusy
from replenishment.main import create_app, planning_config, schedule_job


class CountingPlanner(Planner):
    def __init__(self) -> None:
        super().__init__(PlanningConfig(), "thread")
        self.runs: list[str] = []
        self.third = asyncio.Event()

    async def run(self, uow_factory: Any, trigger: str) -> PlanningRun:
        self.runs.append(trigger)
        if len(self.runs) == 3:
            self.third.set()
        if len(self.runs) == 2:
            raise PlanningBusy(None)  # a busy round is skipped, the schedule goes on
        return PlanningRun("PLAN-1", "succeeded", trigger, None)  # type: ignore[arg-type]


class FakeRuntime:
    def uow_factory(self) -> Any:
        raise AssertionError("the counting planner opens no unit of work")


async def test_schedule_runs_every_interval_and_survives_a_busy_round() -> None:
    planner = CountingPlanner()
    job = schedule_job(planner, interval_hours=0.001 / 3600)  # every millisecond
    task = asyncio.create_task(job.run(FakeRuntime()))  # type: ignore[arg-type]
    await asyncio.wait_for(planner.third.wait(), timeout=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert planner.runs[:3] == ["schedule"] * 3
    assert job.name == "planning-schedule"


async def test_a_zero_interval_turns_the_schedule_off() -> None:
    planner = CountingPlanner()
    job = schedule_job(planner, 0)
    task = asyncio.create_task(job.run(FakeRuntime()))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert not task.done() and planner.runs == []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_the_planning_step_can_go_to_a_worker_process() -> None:
    config = planning_config(ReplenishmentSettings(planning_period="month"))
    assert pickle.loads(pickle.dumps(planning_runs.plan_stock_points)) is (
        planning_runs.plan_stock_points
    )
    assert pickle.loads(pickle.dumps(config)) == config
    assert config.planning_settings().periods_per_year == 12


def test_settings_validate_service_levels_and_wire_the_app() -> None:
    with pytest.raises(ValidationError, match="each of A, B and C"):
        ReplenishmentSettings(planning_service_levels={"A": 0.99})
    with pytest.raises(ValidationError, match="between 0 and 1"):
        ReplenishmentSettings(planning_service_levels={"A": 1.0, "B": 0.9, "C": 0.8})
    levels = {"A": 0.99, "B": 0.9, "C": 0.8}
    app = create_app(ReplenishmentSettings(planning_service_levels=levels))
    assert app.state.planner.config.service_levels["A"] == 0.99
    assert app.state.advice_settings.review_days == 7  # one week
    paths = set(app.openapi()["paths"])
    assert {"/v1/suggestions", "/v1/planning/runs", "/v1/demand/{sku}/{location}"} <= paths
