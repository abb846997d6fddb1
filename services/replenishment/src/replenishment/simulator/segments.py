"""Where the stock sits: results by lot-cover band next to the ABC classes.

The lot-cover band of an item is its smallest orderable lot (the MOQ, or one pack, whichever is
larger) in periods of its mean demand over the warm-up: < 1, 1-4, 4-13, 13-52 or > 52 periods
(an item without demand in the warm-up is > 52).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from replenishment.planning.classes import FloatArray, StrArray
from replenishment.planning.policy import round_to_pack
from replenishment.simulator.engine import Outcome
from replenishment.simulator.inputs import Items

LOT_COVER_BANDS: Final = ("< 1", "1-4", "4-13", "13-52", "> 52")
_EDGES: Final = (1.0, 4.0, 13.0, 52.0)


def lot_cover_bands(items: Items, warmup_demand: FloatArray) -> StrArray:
    """Each item's band, from its smallest lot and its mean demand before the replay."""
    listed = (~np.isnan(warmup_demand)).sum(axis=1)
    mean = np.where(listed > 0, np.nansum(warmup_demand, axis=1) / np.maximum(listed, 1), 0.0)
    smallest = round_to_pack(np.ones(len(mean)), items.moq, items.pack_size)
    with np.errstate(divide="ignore"):
        cover = np.where(mean > 0, smallest / np.where(mean > 0, mean, 1.0), np.inf)
    bands: StrArray = np.array(LOT_COVER_BANDS)[np.searchsorted(_EDGES, cover, side="right")]
    return bands


def by_band(outcome: Outcome, bands: StrArray) -> dict[str, dict[str, float | int]]:
    """The outcome's summary per band, in band order (empty bands left out)."""
    return {b: outcome.summary(bands == b) for b in LOT_COVER_BANDS if (bands == b).any()}


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The printed per-segment table: fill rate and stock value, system against coverage."""
    system, coverage = report["system"], report["coverage"]
    lines = [
        f"{'segment':<16}{'items':>7}{'system fill':>13}{'value':>12}"
        f"{'coverage fill':>15}{'value':>12}"
    ]
    for title, key in (("ABC", "by_class"), ("lot cover", "by_lot_cover")):
        for name, mine in system[key].items():
            theirs = coverage[key][name]
            lines.append(
                f"{title + ' ' + name:<16}{mine['items']:>7}{mine['fill_rate']:>13.3f}"
                f"{mine['avg_inventory_value']:>12.0f}{theirs['fill_rate']:>15.3f}"
                f"{theirs['avg_inventory_value']:>12.0f}"
            )
    return lines
