"""Wiring of the replenishment service: `create_app(settings)` and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from inventory_runtime.app import BackgroundJob, ServiceRuntime, create_service_app
from inventory_runtime.cli import Command, service_cli
from inventory_runtime.kpi import kpi_job

from replenishment import consumer, metrics
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.api.routers import ROUTERS
from replenishment.config import ReplenishmentSettings
from replenishment.handlers import scheduling
from replenishment.handlers.advice import AdviceSettings
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.handlers.scheduling import Planner
from replenishment.ports import PlanningUowFactory
from replenishment.simulator import command as simulate_command

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEDULE_JOB = "planning-schedule"


def planning_config(settings: ReplenishmentSettings) -> PlanningConfig:
    return PlanningConfig(
        period=settings.planning_period,
        history_periods=settings.planning_history_periods,
        review_periods=settings.planning_review_periods,
        season_length=settings.planning_season_length,
        service_levels=dict(settings.planning_service_levels),
        order_cost=settings.planning_order_cost,
        holding_rate=settings.planning_holding_rate,
        min_lead_time_observations=settings.planning_min_lead_time_observations,
    )


def planning_uows(runtime: ServiceRuntime) -> PlanningUowFactory:
    """The runtime's units of work, for the planner's work outside requests and messages."""

    def factory() -> ReplenishmentUnitOfWork:
        uow = runtime.uow_factory()
        assert isinstance(uow, ReplenishmentUnitOfWork)
        return uow

    return factory


def schedule_job(planner: Planner, interval_hours: float) -> BackgroundJob:
    """A planning run every `interval_hours` (first one after one interval); 0: never."""

    async def run(runtime: ServiceRuntime) -> None:
        await scheduling.run_on_schedule(planner, planning_uows(runtime), interval_hours)

    return BackgroundJob(SCHEDULE_JOB, run)


async def fail_interrupted_runs(runtime: ServiceRuntime) -> None:
    await scheduling.fail_interrupted_runs(planning_uows(runtime))


def create_app(settings: ReplenishmentSettings) -> FastAPI:
    """The replenishment app: operations routes, outbox relay, consumers, planning and API."""
    config = planning_config(settings)
    planner = Planner(config, settings.planning_executor)
    advice = AdviceSettings(
        review_days=max(1, round(settings.planning_review_periods * config.days_per_period)),
        excess_tolerance=settings.excess_tolerance,
        dead_stock_days=settings.dead_stock_days,
        large_lot_days=settings.large_lot_days,
    )
    app = create_service_app(
        settings,
        title="Replenishment",
        routers=ROUTERS,
        consumers=[consumer.subscription()],
        unit_of_work=ReplenishmentUnitOfWork,
        background=[
            schedule_job(planner, settings.planning_interval_hours),
            kpi_job(metrics.refresher(advice)),
        ],
        on_startup=[fail_interrupted_runs],
        description=(
            "Demand history, supplier performance, policies (computed by planning runs or typed "
            "in), inventory positions, suggestions and exceptions, purchase requisitions and "
            "purchase orders."
        ),
    )
    app.state.planner = planner
    app.state.advice_settings = advice
    return app


def cli(argv: Sequence[str] | None = None) -> None:
    """`replenishment migrate` applies the migrations; `replenishment serve` runs the service;
    `replenishment simulate` replays demand under the planning and the coverage rule."""
    simulate = Command(simulate_command.HELP, simulate_command.run, simulate_command.add_arguments)
    commands = {"simulate": simulate}
    service_cli("replenishment", ReplenishmentSettings, create_app, MIGRATIONS, argv, commands)
