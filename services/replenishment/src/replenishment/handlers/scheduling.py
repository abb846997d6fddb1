"""The planner of the running service: queues runs, plans in an executor, runs on a schedule.

Planning is CPU-heavy, so it runs in a worker process by default (a thread when configured), and
the event loop keeps serving events and requests meanwhile. At most one run is queued or running
at a time (a unique index, so across replicas too); runs a stopped process left behind are
failed at startup. `main` wires the schedule and the startup check into the app.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal

from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now

from replenishment.domain.planning_runs import PlanningRun, new_run
from replenishment.handlers import planning_runs
from replenishment.handlers.planning_inputs import PlanningConfig
from replenishment.ports import PlanningUowFactory

log = logging.getLogger(__name__)


class PlanningBusy(Exception):
    """Another run is queued or running."""

    def __init__(self, active: PlanningRun | None) -> None:
        super().__init__("a planning run is already queued or running")
        self.active = active


class Planner:
    def __init__(
        self,
        config: PlanningConfig,
        executor_kind: Literal["process", "thread"] = "process",
        now: Clock = utc_now,
    ) -> None:
        self.config = config
        self._executor_kind = executor_kind
        self._executor: Executor | None = None
        self._now = now
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def executor(self) -> Executor:
        if self._executor is None:
            if self._executor_kind == "process":
                # spawn: a fresh interpreter, not a fork of the running event loop and pools
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
            else:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planning")
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def request(
        self, uow_factory: PlanningUowFactory, trigger: str, actor: Principal | None = None
    ) -> PlanningRun:
        """Queue a run (started by `actor`, when a person asked) and start it in the
        background; PlanningBusy if one is active."""
        run = new_run(trigger, self._now(), requested_by=actor.id if actor else None)
        async with uow_factory() as uow:
            queued = await uow.planning_runs.add_if_none_active(run)
            active = None if queued else await uow.planning_runs.active()
            if queued and actor is not None:
                # A run rewrites every policy not marked manual: a configuration change.
                started = {"trigger": trigger, "requested_by": actor.id}
                uow.audit(actor, "start", "planning_run", run.run_id, after=started)
            await uow.commit()
        if not queued:
            raise PlanningBusy(active)
        self._tasks[run.run_id] = asyncio.create_task(
            self._execute(run.run_id, uow_factory), name=f"planning:{run.run_id}"
        )
        return run

    async def wait(self, run_id: str) -> None:
        task = self._tasks.get(run_id)
        if task is not None:
            await asyncio.wait([task])

    async def run(self, uow_factory: PlanningUowFactory, trigger: str) -> PlanningRun:
        """Queue a run and wait for its end (the schedule, tests, tools)."""
        run = await self.request(uow_factory, trigger)
        await self.wait(run.run_id)
        return run

    async def _execute(self, run_id: str, uow_factory: PlanningUowFactory) -> None:
        try:
            await planning_runs.execute(
                run_id, uow_factory, self.config, self.executor(), self._now
            )
        except Exception:  # recorded on the run's row by `execute`
            pass
        finally:
            self._tasks.pop(run_id, None)


async def fail_interrupted_runs(uow_factory: PlanningUowFactory, now: Clock = utc_now) -> None:
    """Fail the runs a stopped process left queued or running (at startup)."""
    async with uow_factory() as uow:
        failed = await uow.planning_runs.fail_interrupted(now())
        await uow.commit()
    if failed:
        log.warning("%d planning run(s) interrupted by a restart marked failed", failed)


async def run_on_schedule(
    planner: Planner, uow_factory: PlanningUowFactory, interval_hours: float
) -> None:
    """A planning run every `interval_hours` (the first one after one interval); 0: never."""
    try:
        if interval_hours <= 0:
            await asyncio.Event().wait()  # scheduling off; stays alive for /ready
        while True:
            await asyncio.sleep(interval_hours * 3600)
            try:
                await planner.run(uow_factory, "schedule")
            except PlanningBusy:
                log.info("scheduled planning run skipped: another run is active")
            except Exception:
                log.exception("scheduled planning run could not start")
    finally:
        planner.shutdown()
