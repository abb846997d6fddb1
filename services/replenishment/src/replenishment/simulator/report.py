"""Writing the study: the JSON report, the trade-off curve as CSV and as a PNG plot."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def write_json(report: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def write_curve(rows: list[dict[str, Any]], csv_path: Path, png_path: Path) -> None:
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["policy", "parameter", "fill_rate", "avg_inventory_value"])
        writer.writeheader()
        writer.writerows(rows)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for policy, label in (
        ("system", "system (target fill rate)"),
        ("coverage", "coverage (k periods)"),
    ):
        points = sorted((r for r in rows if r["policy"] == policy), key=lambda r: r["fill_rate"])
        axes.plot(
            [r["fill_rate"] for r in points],
            [r["avg_inventory_value"] for r in points],
            marker="o",
            label=label,
        )
    axes.set_xlabel("fill rate (units served on time / units demanded)")
    axes.set_ylabel("average inventory value")
    axes.set_title("Fill rate vs inventory value")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(png_path, dpi=110)
    plt.close(figure)
