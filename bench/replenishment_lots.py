"""Benchmark: the simulation study on the car parts bought in packs (issue 20's "Done when").

Runs `replenishment simulate` on ../shared/data/carparts/demand.csv with items_lots.csv (packs of
1-100 units, 1-36 months of mean demand per pack, an MOQ of one pack for half of the parts) at
a target fill rate of 0.95, then checks the figures against the goals; `--no-items` runs the
same study without the packs and checks that it stays as good as before lots were planned.

    uv run python -m bench.replenishment_lots [--no-items] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

from replenishment.main import cli

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "carparts"


def checks(report: dict[str, Any], curve: list[dict[str, str]], lots: bool) -> list[str]:
    """One line per goal: the figure, the goal and whether it is met."""
    system, comparison = report["system"], report["comparison"]
    along = comparison["ratio_along_curve"]
    points = sorted(
        (float(r["parameter"]), float(r["fill_rate"]), float(r["avg_inventory_value"]))
        for r in curve
        if r["policy"] == "system"
    )
    monotone = all(a[1] <= b[1] and a[2] <= b[2] for a, b in pairwise(points))
    ratio = report["inventory_value_ratio"]
    fill = system["fill_rate"]
    # (name, figure, lowest allowed, highest allowed)
    goals: list[tuple[str, float | None, float, float]]
    if lots:
        goals = [
            ("fill rate (goal 0.95 +- 0.015)", fill, 0.935, 0.965),
            ("ratio at the common fill (goal <= 0.3)", ratio, 0.0, 0.3),
            ("ratio along the curves at 0.85 (goal <= 0.8)", along["0.85"], 0.0, 0.8),
            ("ratio along the curves at 0.90 (goal <= 0.8)", along["0.90"], 0.0, 0.8),
        ]
    else:  # at least as good as before lots were planned (to the third decimal)
        goals = [
            ("fill rate (before: 0.958)", fill, 0.9575, 1.0),
            ("ratio at the common fill (before: 0.206)", ratio, 0.0, 0.2065),
            ("ratio along the curves at 0.90 (before: 0.38)", along["0.90"], 0.0, 0.385),
        ]
    lines = []
    for name, value, low, high in goals:
        met = value is not None and low <= value <= high
        figure = "not reached" if value is None else f"{value:.3f}"
        lines.append(f"{'met' if met else 'NOT met':>8}  {name}: {figure}")
    lines.append(f"{'met' if monotone else 'NOT met':>8}  system curve monotone in fill and stock")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-items", action="store_true", help="without items_lots.csv")
    parser.add_argument("--json", type=Path, default=Path(".local/sim/carparts_lots.json"))
    args = parser.parse_args()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    argv = ["simulate", "--demand", str(DATA / "demand.csv"), "--target-fill-rate", "0.95"]
    if not args.no_items:
        argv += ["--items", str(DATA / "items_lots.csv")]
    try:
        cli([*argv, "--json", str(args.json)])
    except SystemExit as exited:
        if exited.code:
            sys.exit(exited.code)
    report = json.loads(args.json.read_text())
    curve_path = Path(report["tradeoff_curve"]["csv"])
    with curve_path.open(encoding="utf-8") as handle:
        header, *rows = [line.strip().split(",") for line in handle if line.strip()]
    curve = [dict(zip(header, row, strict=True)) for row in rows]
    print("\n".join(checks(report, curve, lots=not args.no_items)))


if __name__ == "__main__":
    main()
