"""Benchmark: the simulation study at scale (issue 20, item 5), on synthetic spare parts.

Generates a weekly data set with a fixed seed shaped like spare parts (intermittent demand:
most weeks zero, lumpy sizes; lead times 2-16 weeks with 5 % at 60-80; packs with a median of
50 units and an MOQ of one or two packs for half of the items; log-normal unit costs), writes it
in the simulator's input format (`demand.csv`, `items.csv`) to a temporary folder and runs
`replenishment simulate` through the CLI's own entry point at a target fill rate of 0.95.
Prints the wall time, the planning runs' time, the peak memory (RSS, this process and its
children), and a yardstick measured in the same run (a fixed numpy sort and the time to read
the generated input) with the study's ratio to it. While it runs, a line on stderr every
`--rss-every` seconds gives the peak RSS so far (next to the simulator's progress bar).

    uv run python -m bench.simulator_scale [--items 3451] [--weeks 150] [--seed 20]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from replenishment.main import cli
from replenishment.simulator.inputs import read_demand, read_items

PACKS = np.array([1, 5, 10, 20, 50, 100, 200, 500])
PACK_WEIGHTS = np.array([0.08, 0.1, 0.12, 0.15, 0.2, 0.17, 0.12, 0.06])


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def generate(folder: Path, items: int, weeks: int, seed: int) -> tuple[int, float]:
    """Write demand.csv and items.csv; return the demand rows written and the zero share."""
    rng = np.random.default_rng(seed)
    # chance of a demand week per item: mostly slow movers, a few fast ones
    chance = rng.beta(0.6, 3.0, items)
    mean_size = np.exp(rng.normal(0.8, 1.0, items))
    ids = [f"P{k:06d}" for k in range(items)]
    rows = 0
    with (folder / "demand.csv").open("w", encoding="utf-8") as out:
        out.write("item_id,period,quantity\n")
        for k in range(items):
            hits = rng.random(weeks) < chance[k]
            sizes = rng.geometric(1 / (1 + mean_size[k]), weeks)
            quantity = np.where(hits, sizes, 0)
            keep = np.flatnonzero(quantity)
            weeks_out = np.union1d([0], keep)  # week 1 always: listed from the start
            out.writelines(f"{ids[k]},{w + 1},{int(quantity[w])}\n" for w in weeks_out)
            rows += len(weeks_out)
    lead = rng.integers(2, 17, items)
    long_lead = rng.random(items) < 0.05
    lead[long_lead] = rng.integers(60, 81, int(long_lead.sum()))
    pack = rng.choice(PACKS, items, p=PACK_WEIGHTS / PACK_WEIGHTS.sum())
    moq = np.where(rng.random(items) < 0.5, pack * rng.integers(1, 3, items), 0)
    cost = np.round(np.exp(rng.normal(2.5, 1.3, items)), 2)
    with (folder / "items.csv").open("w", encoding="utf-8") as out:
        out.write("item_id,lead_time_periods,unit_cost,moq,pack_size\n")
        out.writelines(f"{ids[k]},{lead[k]},{cost[k]},{moq[k]},{pack[k]}\n" for k in range(items))
    return rows, 1.0 - float(chance.mean())


def yardstick(folder: Path) -> tuple[float, float]:
    """Seconds for a fixed numpy workload (sorting 4 M floats, 10 times) and to read the input."""
    began = time.perf_counter()
    data = np.random.default_rng(0).random(4_000_000)
    for _ in range(10):
        np.sort(data)
    numpy_seconds = time.perf_counter() - began
    began = time.perf_counter()
    demand = read_demand(folder / "demand.csv")
    read_items(folder / "items.csv", demand.item_ids)
    return numpy_seconds, time.perf_counter() - began


def watch_rss(every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        print(f"\n[bench] peak RSS so far {peak_rss_mb():.0f} MB", file=sys.stderr, flush=True)


def study(folder: Path, json_path: Path, budget_mb: float | None) -> None:
    argv = ["simulate", "--demand", str(folder / "demand.csv")]
    argv += ["--items", str(folder / "items.csv"), "--target-fill-rate", "0.95"]
    argv += ["--json", str(json_path)]
    if budget_mb is not None:
        argv += ["--memory-budget-mb", str(budget_mb)]
    try:
        cli(argv)
    except SystemExit as exited:
        if exited.code:
            sys.exit(exited.code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3451)
    parser.add_argument("--weeks", type=int, default=150)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--memory-budget-mb", type=float, default=None)
    parser.add_argument("--rss-every", type=float, default=30.0)
    parser.add_argument("--json", type=Path, default=None, help="keep the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="simscale-") as tmp:
        folder = Path(tmp)
        rows, zero_share = generate(folder, args.items, args.weeks, args.seed)
        print(f"data: {args.items} items x {args.weeks} weeks, {rows} rows, ~{zero_share:.0%} zero")
        numpy_s, read_s = yardstick(folder)
        print(
            f"yardstick: numpy sort {numpy_s:.2f} s, reading the input {read_s:.3f} s",
            flush=True,
        )
        json_path = args.json or folder / "report.json"
        stop = threading.Event()
        watcher = threading.Thread(target=watch_rss, args=(args.rss_every, stop), daemon=True)
        watcher.start()
        began = time.perf_counter()
        study(folder, json_path, args.memory_budget_mb)
        wall = time.perf_counter() - began
        stop.set()
        runtime = json.loads(json_path.read_text())["runtime_seconds"]
    print(
        f"study: {wall:.1f} s wall; planning runs {runtime['planning_runs']}, "
        f"mean {runtime['planning_run_mean']:.2f} s, max {runtime['planning_run_max']:.2f} s; "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    print(
        f"study / yardstick: numpy sort {wall / numpy_s:.0f}x, "
        f"reading the input {wall / read_s:.0f}x"
    )


if __name__ == "__main__":
    main()
