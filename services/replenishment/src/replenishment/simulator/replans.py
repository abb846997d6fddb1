"""The re-plans of a study, kept so every replay (the searches, the trade-off curve) reuses them.

Each re-plan's groundwork is kept in memory up to a budget; beyond it, the big part (the
items x grid curves) goes to a temporary folder and is read back when a replay reaches that
re-plan, so the memory of a study stays bounded however many items and periods it has. The
last re-plan read back is kept, since a replay asks for the same one every period until the
next re-plan. Nothing changes in the figures: the same arrays come back.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from replenishment.planning import plan as planning
from replenishment.planning.safety_stock import ServiceCurves


class ReplanStore:
    """Groundwork by re-plan (epoch); `budget_mb` of curves in memory, the rest on disk."""

    def __init__(self, budget_mb: float) -> None:
        self.budget = budget_mb * 1e6
        self.kept = 0.0
        self.plans: dict[int, planning.Groundwork] = {}
        self.spilled: dict[int, Path] = {}
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.last: tuple[int, planning.Groundwork] | None = None

    def __contains__(self, epoch: int) -> bool:
        return epoch in self.plans

    def put(self, epoch: int, base: planning.Groundwork) -> None:
        size = float(base.curves.short.nbytes + base.curves.on_hand.nbytes)
        if self.kept + size <= self.budget:
            self.kept += size
            self.plans[epoch] = base
            return
        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="replenishment-replans-")
        path = Path(self.folder.name) / f"{epoch}.npz"
        np.savez(path, short=base.curves.short, on_hand=base.curves.on_hand)
        empty = np.empty((len(base.curves.unit), 0))
        self.plans[epoch] = replace(base, curves=replace(base.curves, short=empty, on_hand=empty))
        self.spilled[epoch] = path
        self.last = (epoch, base)

    def get(self, epoch: int) -> planning.Groundwork:
        if epoch not in self.spilled:
            return self.plans[epoch]
        if self.last is not None and self.last[0] == epoch:
            return self.last[1]
        base = self.plans[epoch]
        with np.load(self.spilled[epoch]) as stored:
            curves: ServiceCurves = replace(
                base.curves, short=stored["short"], on_hand=stored["on_hand"]
            )
        restored = replace(base, curves=curves)
        self.last = (epoch, restored)
        return restored

    def close(self) -> None:
        """Remove the temporary folder (also done when the store is garbage-collected)."""
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None
