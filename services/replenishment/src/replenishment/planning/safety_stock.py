"""Demand over the protection interval (lead time + review period) and the service it buys.

Per item, the distribution of demand over `lead time + review` periods is built on a grid of
`grid` points, each worth `unit` units (1 for small items; coarser for big ones):

* smooth / erratic demand: a normal per period with the forecast as mean and the backtest RMSE as
  spread, discretised on the grid;
* intermittent / lumpy demand: the empirical distribution of the recent periods' demand,
  convolved with itself (the exact limit of a bootstrap of lead-time demand), so the zeros and the
  lumps are kept instead of a normal bell that puts stock where demand never is.

Lead-time variability enters as a mixture over the lead-time distribution (probabilities per
whole number of periods). Convolutions are powers in Fourier space, so all items go at once.

From the distributions, for every candidate order-up-to level P on the grid:
``short(P) = E[(D_{L+R} - P)^+] - E[(D_L - P)^+]`` units short per review period,
``on_hand(P) = E[(P - D_{L+R})^+]`` expected stock at the end of a period, and
``fill(P) = 1 - short(P) / (R * mean demand)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from replenishment.planning.classes import FloatArray, StrArray
from replenishment.planning.forecast import SMOOTH_PATTERNS


@dataclass(frozen=True)
class ServiceCurves:
    """Per item x grid level: units short per review period and expected on hand."""

    unit: FloatArray  # units per grid step, per item
    short: FloatArray  # items x grid
    on_hand: FloatArray  # items x grid
    cycle: FloatArray  # P(D_{L+R} <= P): the cycle service level of each level
    mean_demand: FloatArray  # per period

    def fill_rate(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.mean_demand[:, None] > 0, 1 - self.short / self.mean_demand[:, None], 1.0
            )

    def fill_rate_at(self, steps: np.ndarray) -> FloatArray:
        """Each item's fill rate at its own grid level (`fill_rate()` read at one column)."""
        short = self.short[np.arange(len(steps)), steps]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.mean_demand > 0, 1 - short / self.mean_demand, 1.0)


def lead_time_matrix(lead_times: FloatArray, max_periods: int) -> FloatArray:
    """A deterministic lead time per item as a probability row (one 1.0 at its period)."""
    rows = np.zeros((len(lead_times), max_periods + 1))
    rows[np.arange(len(lead_times)), np.clip(lead_times.astype(int), 0, max_periods)] = 1.0
    return rows


def _empirical_one_period(
    history: FloatArray, window: int, unit: FloatArray, grid: int
) -> FloatArray:
    recent = history[:, -window:]
    listed = ~np.isnan(recent)
    steps = np.where(listed, np.rint(np.nan_to_num(recent) / unit[:, None]), 0).astype(np.int64)
    steps = np.clip(steps, 0, grid - 1)
    rows = np.repeat(np.arange(len(history)), recent.shape[1])
    flat = (rows * grid + steps.reshape(-1))[listed.reshape(-1)]
    counts = np.bincount(flat, minlength=len(history) * grid).reshape(len(history), grid)
    total = counts.sum(axis=1, keepdims=True)
    pmf = np.where(total > 0, counts / np.maximum(total, 1), 0.0)
    pmf[total[:, 0] == 0, 0] = 1.0  # nothing listed: no demand
    return pmf


def _normal_over(
    periods: int, mean: FloatArray, sd: FloatArray, unit: FloatArray, grid: int
) -> FloatArray:
    edges = (np.arange(grid) + 0.5)[None, :] * unit[:, None]
    mu = (mean * periods)[:, None]
    sigma = np.maximum(sd * np.sqrt(periods), 1e-9)[:, None]
    cdf = ndtr((edges - mu) / sigma)
    cdf[:, -1] = 1.0
    pmf: FloatArray = np.diff(cdf, axis=1, prepend=0.0)
    return pmf


def demand_distributions(
    history: FloatArray,
    patterns: StrArray,
    forecast: FloatArray,
    forecast_rmse: FloatArray,
    lead_time_probs: FloatArray,
    review: int,
    *,
    window: int = 24,
    grid: int = 256,
    quiet_pmf: FloatArray | None = None,
    prior_pmf: FloatArray | None = None,
    prior_weight: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(unit, pmf of D over L+R, pmf of D over L), each items x grid.

    `quiet_pmf` (a per-period pmf on whole units, see `prior.pooled_quiet_pmf`): the demand of
    the items without any demand in the window, instead of "always zero". `prior_pmf` (items x
    grid, whole units) with `prior_weight` (per item, 0..1): the per-period distribution of an
    intermittent item is ``(1 - w) x its own empirical one + w x the prior`` (shrinkage of a
    thin history towards what similar items did).
    """
    smooth = np.isin(patterns, SMOOTH_PATTERNS)
    quiet = np.zeros(history.shape[0], bool)
    if quiet_pmf is not None:
        quiet = np.nan_to_num(history[:, -window:]).sum(axis=1) <= 0
        smooth = smooth & ~quiet
    recent = history[:, -window:]
    sd = np.where(np.isnan(forecast_rmse), np.nan_to_num(np.nanstd(recent, axis=1)), forecast_rmse)
    possible = lead_time_probs > 0
    longest = possible.shape[1] - 1 - np.argmax(possible[:, ::-1], axis=1) + review
    unit = _grid_unit(recent, forecast, sd, smooth, longest, grid)
    one = _empirical_one_period(history, window, unit, grid)
    if quiet_pmf is not None and quiet.any():
        _take_quiet_prior(one, unit, quiet, quiet_pmf, grid)
    if prior_pmf is not None and prior_weight is not None:
        _shrink_to_prior(one, unit, smooth, prior_pmf, prior_weight, grid)
    spread = _Spread(forecast, sd, unit, smooth, grid)
    over_lr, over_l = _mix_over_lead_times(one, spread, lead_time_probs, review)
    return unit, over_lr, over_l


def _grid_unit(
    recent: FloatArray,
    forecast: FloatArray,
    sd: FloatArray,
    smooth: np.ndarray,
    longest: np.ndarray,
    grid: int,
) -> FloatArray:
    """Units per grid step, so the grid spans demand over the item's longest protection
    interval (its longest possible lead time + review)."""
    recent_max = np.nan_to_num(np.nanmax(np.where(np.isnan(recent), 0, recent), axis=1))
    span = np.where(smooth, longest * forecast + 6 * sd * np.sqrt(longest), longest * recent_max)
    unit: FloatArray = np.maximum(1.0, np.ceil(span / (grid - 1)))
    return unit


def _take_quiet_prior(
    one: FloatArray, unit: FloatArray, quiet: np.ndarray, quiet_pmf: FloatArray, grid: int
) -> None:
    """Quiet items (in place): the pooled pmf on a grid of whole units."""
    prior = np.zeros(grid)
    prior[: min(grid, len(quiet_pmf))] = quiet_pmf[:grid]
    prior[-1] += quiet_pmf[grid:].sum()
    unit[quiet] = 1.0
    one[quiet] = prior


def _shrink_to_prior(
    one: FloatArray,
    unit: FloatArray,
    smooth: np.ndarray,
    prior_pmf: FloatArray,
    prior_weight: FloatArray,
    grid: int,
) -> None:
    """Intermittent items with a prior weight (in place): shrunk towards the prior."""
    weight = np.where(smooth, 0.0, np.clip(prior_weight, 0.0, 1.0))
    rows = np.flatnonzero(weight > 0)
    if len(rows):
        one[rows] = (1 - weight[rows, None]) * one[rows] + weight[rows, None] * _rebin(
            prior_pmf[rows], unit[rows], grid
        )


@dataclass(frozen=True)
class _Spread:
    """What the normal distributions of the smooth items are built from."""

    forecast: FloatArray
    sd: FloatArray
    unit: FloatArray
    smooth: np.ndarray
    grid: int


def _mix_over_lead_times(
    one: FloatArray, spread: _Spread, lead_time_probs: FloatArray, review: int
) -> tuple[FloatArray, FloatArray]:
    """Demand over L+R and over L, mixed over the lead-time distribution: the per-period pmf
    convolved with itself (in Fourier space), or the normal for the smooth items."""
    grid = spread.grid
    n = one.shape[0]
    spectrum = np.fft.rfft(one, n=2 * grid, axis=1)
    over_lr = np.zeros((n, grid))
    over_l = np.zeros((n, grid))
    for lead in range(lead_time_probs.shape[1]):
        rows = np.flatnonzero(lead_time_probs[:, lead] > 0)
        if not len(rows):
            continue  # only the items with this lead time are computed (long leads stay cheap)
        weight = lead_time_probs[rows, lead][:, None]
        for periods, target in ((lead + review, over_lr), (lead, over_l)):
            if periods == 0:
                target[rows, 0] += weight[:, 0]
                continue
            empirical = _fold(np.fft.irfft(spectrum[rows] ** periods, n=2 * grid, axis=1), grid)
            normal = _normal_over(
                periods, spread.forecast[rows], spread.sd[rows], spread.unit[rows], grid
            )
            target[rows] += weight * np.where(spread.smooth[rows, None], normal, empirical)
    return over_lr, over_l


def _rebin(pmf: FloatArray, unit: FloatArray, grid: int) -> FloatArray:
    """Pmfs on whole units onto grids of `unit` units per step (the last step takes the rest)."""
    steps = np.clip(np.rint(np.arange(pmf.shape[1])[None, :] / unit[:, None]), 0, grid - 1)
    out = np.zeros((len(pmf), grid))
    rows = np.repeat(np.arange(len(pmf)), pmf.shape[1])
    np.add.at(out, (rows, steps.astype(np.int64).reshape(-1)), pmf.reshape(-1))
    return out


def _fold(pmf: FloatArray, grid: int) -> FloatArray:
    """Keep the first `grid` points; mass beyond goes to the last point (FFT noise clipped)."""
    pmf = np.clip(pmf, 0.0, None)
    kept = pmf[:, :grid].copy()
    kept[:, -1] += pmf[:, grid:].sum(axis=1)
    folded: FloatArray = kept / kept.sum(axis=1, keepdims=True)
    return folded


def service_curves(
    unit: FloatArray, over_lr: FloatArray, over_l: FloatArray, mean_demand: FloatArray, review: int
) -> ServiceCurves:
    """Short units and on hand for every level P = k * unit, k = 0..grid-1 (vectorised)."""

    def expected_excess(pmf: FloatArray) -> FloatArray:
        # E[(D - P)^+] at P = k: sum over j >= k of P(D > j), in grid steps
        tail = 1.0 - np.cumsum(pmf, axis=1)
        return np.cumsum(tail[:, ::-1], axis=1)[:, ::-1] * unit[:, None]

    cdf = np.cumsum(over_lr, axis=1)
    short = np.maximum(0.0, expected_excess(over_lr) - expected_excess(over_l))
    # E[(P - D)^+] at P = k: sum over j < k of P(D <= j)
    on_hand = np.concatenate([np.zeros((len(unit), 1)), np.cumsum(cdf, axis=1)[:, :-1]], axis=1)
    return ServiceCurves(
        unit=unit,
        short=short,
        on_hand=on_hand * unit[:, None],
        cycle=cdf,
        mean_demand=mean_demand * review,
    )


def level_for_targets(
    curves: ServiceCurves, targets: FloatArray, measure: str = "fill_rate"
) -> FloatArray:
    """The lowest level (units) whose fill rate (or cycle service level) reaches the target."""
    achieved = curves.fill_rate() if measure == "fill_rate" else curves.cycle
    ok = achieved >= targets[:, None] - 1e-12
    first = np.where(ok.any(axis=1), ok.argmax(axis=1), achieved.shape[1] - 1)
    levels: FloatArray = first * curves.unit
    return levels
