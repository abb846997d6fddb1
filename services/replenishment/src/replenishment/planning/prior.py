"""A pooled demand distribution for items whose own recent history shows no demand at all.

An item with no demand in the window has an empirical distribution of "always zero", so the
planning would never stock it, however cheap, and every unit it is later asked for is short. In
spare-parts data many such items do sell again (new parts still ramping up, slow movers between
demands). Their own history cannot say how often, but the population's history can: take the
items that were quiet over an earlier stretch of `window` periods and look at what they sold in
the stretch right after it (both stretches in the past). The per-period demand of those items,
pooled, is the prior for every item that is quiet now (empirical Bayes with the item's own data
empty). Only past periods are used, so a simulation stays free of look-ahead.
"""

from __future__ import annotations

import numpy as np

from replenishment.planning.classes import FloatArray


def quiet_items(history: FloatArray, window: int) -> np.ndarray:
    """Items with no demand (and possibly no listing) in the last `window` periods."""
    recent = np.nan_to_num(history[:, -window:])
    quiet: np.ndarray = recent.sum(axis=1) <= 0
    return quiet


def pooled_quiet_pmf(history: FloatArray, window: int, grid: int) -> FloatArray | None:
    """Per-period demand pmf (grid points of 1 unit) of items after a quiet stretch; None if none.

    With P periods of history the stretches are the `w = min(window, P // 2)` periods ending `w`
    periods ago (quiet there, listed for the whole stretch) and the `w` periods after them.
    """
    periods = history.shape[1]
    w = min(window, periods // 2)
    if w < 1:
        return None
    before = history[:, periods - 2 * w : periods - w]
    after = history[:, periods - w :]
    listed = ~np.isnan(before).any(axis=1)
    quiet = listed & (np.nan_to_num(before).sum(axis=1) <= 0)
    if not quiet.any():
        return None
    values = np.nan_to_num(after[quiet]).reshape(-1)
    steps = np.clip(np.rint(values), 0, grid - 1).astype(np.int64)
    counts = np.bincount(steps, minlength=grid).astype(float)
    pmf: FloatArray = counts / counts.sum()
    return pmf


def demand_periods(history: FloatArray, window: int) -> np.ndarray:
    """Number of periods with demand in the last `window` periods, per item."""
    periods: np.ndarray = (np.nan_to_num(history[:, -window:]) > 0).sum(axis=1)
    return periods


def pooled_by_count(history: FloatArray, window: int, grid: int, max_count: int) -> FloatArray:
    """Row c (c = 0..max_count): the pooled per-period pmf (whole units) of what the items with
    exactly c demand periods in an earlier stretch sold in the stretch after it (stretches as in
    `pooled_quiet_pmf`); a row of NaN where no item had that count."""
    periods = history.shape[1]
    w = min(window, periods // 2)
    result = np.full((max_count + 1, grid), np.nan)
    if w < 1:
        return result
    before = history[:, periods - 2 * w : periods - w]
    after = np.nan_to_num(history[:, periods - w :])
    listed = ~np.isnan(before).any(axis=1)
    count = (np.nan_to_num(before) > 0).sum(axis=1)
    for c in range(max_count + 1):
        chosen = listed & (count == c)
        if chosen.any():
            steps = np.clip(np.rint(after[chosen].reshape(-1)), 0, grid - 1).astype(np.int64)
            counts = np.bincount(steps, minlength=grid).astype(float)
            result[c] = counts / counts.sum()
    return result
