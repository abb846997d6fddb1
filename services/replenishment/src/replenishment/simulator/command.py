"""`replenishment simulate`: arguments, running the study, and exit codes (2 = bad input)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from replenishment.planning.forecast import ForecastSettings
from replenishment.planning.plan import PlanningSettings
from replenishment.simulator import report as reporting
from replenishment.simulator.inputs import SimulationInputError, read_demand, read_items
from replenishment.simulator.progress import Progress
from replenishment.simulator.runner import run_study
from replenishment.simulator.segments import summary_lines
from replenishment.simulator.system import RESELECT_EVERY, StudySettings


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


HELP = "replay demand under the planning and the coverage rule (see docs/simulator.md)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``replenishment simulate``."""
    parser.add_argument("--demand", type=Path, required=True, help="CSV item_id,period,quantity")
    parser.add_argument("--items", type=Path, help="CSV item_id[,lead_time_periods,unit_cost,...]")
    parser.add_argument(
        "--target-fill-rate",
        type=_fraction,
        default=None,
        help="overall fill-rate target; default: per-class service levels",
    )
    parser.add_argument("--json", type=Path, required=True, help="where to write the report")
    parser.add_argument("--curve", type=Path, help="trade-off CSV (default: next to --json)")
    parser.add_argument(
        "--warmup", type=int, default=12, help="periods of history before the replay"
    )
    parser.add_argument("--replan-every", type=int, default=1, help="periods between planning runs")
    parser.add_argument(
        "--reselect-every",
        type=int,
        default=RESELECT_EVERY,
        help="periods between the backtests that choose each series' forecasting model "
        "(in between the chosen model is refitted); 1 = every planning run",
    )
    parser.add_argument(
        "--history-window",
        type=int,
        default=24,
        help="recent periods behind the empirical demand distribution",
    )
    parser.add_argument(
        "--feedback-gain",
        type=float,
        default=1.0,
        help="realised-fill-rate feedback on the internal target (0 = off)",
    )
    parser.add_argument(
        "--sparse-prior-weight",
        type=float,
        default=0.5,
        help="shrinkage of items with 1-2 demand periods towards similar items (0 = off)",
    )
    parser.add_argument(
        "--quiet-item-prior",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="plan items without demand in the window from the pooled demand of such items",
    )
    parser.add_argument(
        "--memory-budget-mb",
        type=float,
        default=2000.0,
        help="re-plans kept in memory up to this; beyond it they go to a temporary folder",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show a progress bar (periods replayed, time left) on stderr",
    )


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    try:
        demand = read_demand(args.demand)
        items = read_items(args.items, demand.item_ids)
        if args.warmup < 3 or args.warmup >= len(demand.periods):
            raise SimulationInputError(
                f"--warmup {args.warmup}: need 3 <= warmup < {len(demand.periods)} periods"
            )
    except SimulationInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = StudySettings(
        target_fill_rate=args.target_fill_rate,
        warmup=args.warmup,
        replan_every=max(1, args.replan_every),
        feedback_gain=max(0.0, args.feedback_gain),
        memory_budget_mb=max(0.0, args.memory_budget_mb),
        planning=PlanningSettings(
            history_window=args.history_window,
            quiet_item_prior=args.quiet_item_prior,
            sparse_prior_weight=min(1.0, max(0.0, args.sparse_prior_weight)),
            forecast=ForecastSettings(reselect_every=max(1, args.reselect_every)),
        ),
    )
    progress = Progress(enabled=args.progress)
    try:
        report, curve = run_study(demand, items, settings, progress)
    finally:
        progress.close()
    curve_csv = args.curve or args.json.with_name(args.json.stem + "_tradeoff.csv")
    curve_png = curve_csv.with_suffix(".png")
    report["tradeoff_curve"] = {"csv": str(curve_csv), "png": str(curve_png)}
    reporting.write_json(report, args.json)
    reporting.write_curve(curve, curve_csv, curve_png)
    system, coverage = report["system"], report["coverage"]
    print(
        f"system fill rate {system['fill_rate']:.4f} (target {args.target_fill_rate}), "
        f"avg inventory value {system['avg_inventory_value']:.0f}; coverage k={coverage['k']} "
        f"fill rate {coverage['fill_rate']:.4f}, value {coverage['avg_inventory_value']:.0f}; "
        f"inventory value ratio {report['inventory_value_ratio']:.3f}; "
        f"{time.perf_counter() - began:.1f} s"
    )
    runtime = report["runtime_seconds"]
    print(
        f"planning runs: {runtime['planning_runs']} x all {report['protocol']['items']} items, "
        f"mean {runtime['planning_run_mean']:.1f} s, max {runtime['planning_run_max']:.1f} s; "
        f"peak memory (RSS) {runtime['peak_rss_mb']:.0f} MB"
    )
    print("\n".join(summary_lines(report)))
    return 0
