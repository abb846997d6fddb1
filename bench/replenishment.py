"""Benchmark: one full planning run (classes, statsforecast backtest and model choice, demand
distributions, protection levels, policies) over 50,000 SKU x locations, made by replicating the
car parts series (../shared/data/carparts/demand.csv). Goal: under 5 minutes on 2 cores.

    uv run python -m bench.replenishment [--items 50000] [--n-jobs 2]
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
from replenishment.planning.forecast import ForecastSettings
from replenishment.planning.plan import ItemTerms, PlanningSettings, plan
from replenishment.planning.safety_stock import lead_time_matrix
from replenishment.simulator.inputs import default_unit_cost, read_demand

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "carparts" / "demand.csv"
GOAL_SECONDS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    demand = read_demand(DATA)
    copies = -(-args.items // len(demand.item_ids))
    history = np.tile(demand.matrix, (copies, 1))[: args.items]
    n = len(history)
    terms = ItemTerms(
        unit_cost=np.array([default_unit_cost(f"{i}") for i in range(n)]),
        lead_time_probs=lead_time_matrix(np.full(n, 2.0), 2),
        order_cost=np.zeros(n),
        moq=np.zeros(n),
        pack_size=np.ones(n),
    )
    settings = replace(
        PlanningSettings(overall_fill_rate=0.95), forecast=ForecastSettings(n_jobs=args.n_jobs)
    )
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = plan(history, terms, settings)
    seconds = time.perf_counter() - began
    print(f"planning run over {n} SKU x locations x {history.shape[1]} periods: {seconds:.1f} s")
    print(f"  per 1,000 series: {seconds / n * 1000:.2f} s")
    print(f"  expected overall fill rate: {result.overall_expected_fill_rate:.4f}")
    print(f"  goal {GOAL_SECONDS:.0f} s; ratio to goal: {seconds / GOAL_SECONDS:.2f}")


if __name__ == "__main__":
    main()
