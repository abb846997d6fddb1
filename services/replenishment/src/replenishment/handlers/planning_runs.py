"""Planning runs inside the service: read the inputs, plan off the event loop, write back.

A run covers every stock point with a policy or with demand (`planning_inputs`). The planning
library (`replenishment.planning.plan`) runs in an executor, together with the shaping of the
inputs and of the results, so the event loop only does the database round trips. Policies not
flagged `manual` get the computed reorder point and order quantity; stock points with demand
and no policy get one when a supplier is known from past orders. What was computed is kept per
stock point for every planned one, manual or not. The per-event threshold check then uses
whatever reorder point the policy holds.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from inventory_runtime.clock import Clock

from replenishment.domain import Policy
from replenishment.domain.demand import shift_periods
from replenishment.domain.planning_runs import PolicyPlanning, forecasts_measured, reclassified
from replenishment.handlers.planning_inputs import (
    PlanningConfig,
    Prepared,
    RawInputs,
    prepare,
    read_inputs,
)
from replenishment.planning import plan as planning
from replenishment.ports import PlanningUowFactory

log = logging.getLogger(__name__)

WRITE_CHUNK = 2000


@dataclass(frozen=True)
class Outcome:
    results: list[PolicyPlanning]
    created: list[Policy]
    skipped: dict[str, int]
    overall_expected_fill_rate: float | None
    last_demand: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    """Demand of each planned stock point in the last complete period (the forecast's test)."""
    last_period: date | None = None
    """The start of that period."""


def _dec(value: float, places: int = 4) -> Decimal:
    return Decimal(str(round(float(value), places))).normalize() + Decimal(0)


def _dec_or_none(value: float) -> Decimal | None:
    return None if not math.isfinite(value) else _dec(value)


def _plan(prepared: Prepared, config: PlanningConfig) -> planning.Plan:
    points = prepared.points
    longest = max(max(p.lead_time_probs) for p in points)
    probs = np.zeros((len(points), longest + 1))
    for row, point in enumerate(points):
        for periods, probability in point.lead_time_probs.items():
            probs[row, periods] = probability
    terms = planning.ItemTerms(
        unit_cost=np.array([p.unit_cost for p in points], dtype=float),
        lead_time_probs=probs,
        order_cost=np.full(len(points), config.order_cost),
        moq=np.array([p.moq for p in points], dtype=float),
        pack_size=np.array([p.pack_size for p in points], dtype=float),
    )
    return planning.plan(prepared.history, terms, config.planning_settings())


def plan_stock_points(
    raw: RawInputs, config: PlanningConfig, today: date, run_id: str, at: datetime
) -> Outcome:
    """The CPU-heavy part of a run (runs in the executor): shape, plan, shape the results."""
    prepared = prepare(raw, config, today)
    if not prepared.points:
        return Outcome([], [], dict(prepared.skipped), None)
    plan = _plan(prepared, config)
    levels, forecasts = plan.levels, plan.forecasts
    results = []
    for i, point in enumerate(prepared.points):
        policy = raw.policies.get((point.sku, point.location))
        results.append(
            PolicyPlanning(
                sku=point.sku,
                location=point.location,
                planning_run_id=run_id,
                planned_at=at,
                period=config.period,
                abc_class=str(plan.abc[i]),
                xyz_class=str(plan.xyz[i]),
                demand_pattern=str(plan.pattern[i]),
                forecast_model=str(forecasts.model[i]),
                forecast_per_period=_dec(forecasts.per_period[i]),
                forecast_rmse=_dec_or_none(forecasts.rmse[i]),
                forecast_mase=_dec_or_none(forecasts.mase[i]),
                forecast_bias=_dec_or_none(forecasts.bias[i]),
                service_target=_dec(plan.service_target[i]),
                expected_fill_rate=_dec(plan.expected_fill_rate[i]),
                lead_time_mean_days=_dec(sum(point.lead_time_days) / len(point.lead_time_days)),
                lead_time_observations=len(point.lead_time_days),
                safety_stock=_dec(levels.safety_stock[i], 2),
                reorder_point=_dec(levels.reorder_point[i], 0),
                order_quantity=_dec(levels.order_quantity[i], 0),
                order_up_to=_dec(levels.order_up_to[i], 0),
                applied=policy is None or not policy.manual,
            )
        )
    by_key = {(r.sku, r.location): r for r in results}
    created = [
        Policy(
            p.sku, p.location, by_key[key].reorder_point, by_key[key].order_quantity, p.supplier_id
        )
        for key, p in prepared.new_policies.items()
    ]
    last = prepared.history[:, -1]
    demand = {
        (p.sku, p.location): _dec(last[i]) for i, p in enumerate(prepared.points) if last[i] >= 0
    }
    last_period = shift_periods(config.window(today)[1], config.period, -1)
    fill_rate = plan.overall_expected_fill_rate
    return Outcome(results, created, dict(prepared.skipped), fill_rate, demand, last_period)


async def execute(
    run_id: str,
    uow_factory: PlanningUowFactory,
    config: PlanningConfig,
    executor: Executor | None,
    now: Clock,
) -> dict[str, Any]:
    """Run the queued run `run_id` to its end; its row says how it went (failed, with why)."""
    started = now()
    clock = time.perf_counter()
    async with uow_factory() as uow:
        await uow.planning_runs.update(run_id, status="running", started_at=started)
        await uow.commit()
    try:
        today = started.astimezone(UTC).date()
        async with uow_factory() as uow:
            raw = await read_inputs(uow, config, today)
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(
            executor, plan_stock_points, raw, config, today, run_id, now()
        )
        figures = await _write(uow_factory, raw, outcome, config)
        figures["seconds"] = round(time.perf_counter() - clock, 3)
    except Exception as exc:
        log.exception("planning run %s failed", run_id)
        async with uow_factory() as uow:
            await uow.planning_runs.update(
                run_id, status="failed", finished_at=now(), error=f"{type(exc).__name__}: {exc}"
            )
            await uow.commit()
        raise
    async with uow_factory() as uow:
        await uow.planning_runs.update(
            run_id, status="succeeded", finished_at=now(), figures=figures
        )
        await uow.commit()
    log.info("planning run %s: %s", run_id, figures)
    return figures


async def _write(
    uow_factory: PlanningUowFactory, raw: RawInputs, outcome: Outcome, config: PlanningConfig
) -> dict[str, Any]:
    """One transaction, in chunks so the event loop gets a turn between them; a
    `StockPointClassified` for each stock point whose ABC class changed, a
    `ForecastAccuracyMeasured` for each whose last complete period the run before forecast."""
    results = outcome.results
    existing = [r for r in results if (r.sku, r.location) in raw.policies]
    updated = 0
    async with uow_factory() as uow:
        before = await uow.planning.results()
        changed = reclassified(results, {key: r.abc_class for key, r in before.items()})
        classes_changed = len(changed.events)  # the unit of work empties them on commit
        last_period = outcome.last_period or date.min  # none: nothing was planned
        measured = forecasts_measured(before, outcome.last_demand, config.period, last_period)
        forecasts_checked = len(measured.events)
        uow.track(changed, measured)
        for start in range(0, max(len(results), len(outcome.created)), WRITE_CHUNK):
            end = start + WRITE_CHUNK
            await uow.planning.add_policies(outcome.created[start:end])
            await uow.planning.save_results(results[start:end])
            updated += await uow.planning.apply_figures(existing[start:end])
        await uow.commit()
    fill = outcome.overall_expected_fill_rate
    return {
        "period": config.period,
        "stock_points": len(results) + sum(outcome.skipped.values()),
        "planned": len(results),
        "policies_updated": updated,
        "policies_created": len(outcome.created),
        "manual_kept": sum(1 for r in results if not r.applied),
        "skipped": outcome.skipped,
        "abc": dict(Counter(r.abc_class for r in results)),
        "reclassified": classes_changed,
        "forecasts_measured": forecasts_checked,
        "patterns": dict(Counter(r.demand_pattern for r in results)),
        "expected_fill_rate": None if fill is None else round(fill, 4),
    }
