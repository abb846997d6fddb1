"""The simple forecasting models of `forecast`, for all items at once with numpy.

statsforecast fits every series in a Python loop (about 0.1-1 ms a series and model, ADIDA the
most with a scipy optimisation per series), which made the backtest 95 % of a planning run. The
models below are the same recursions (Croston SBA, TSB, ADIDA, the window average and the
seasonal naive, as statsforecast defines them), run one period at a time over every item, so a
run costs a few hundred numpy operations whatever the number of items.

Every function takes a demand matrix (items x periods) in which an item's listed periods are a
suffix of its row (NaN before it was listed), as the planning's history is, and returns the
forecast of each item for the `h` periods after the last column (items x h; NaN where the model
has no forecast, e.g. a window average over fewer periods than its window).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from replenishment.planning.classes import FloatArray

Model = Callable[[FloatArray, int], FloatArray]

CROSTON_ALPHA = 0.1
SBA_DEBIAS = 0.95
ADIDA_ALPHA_BOUNDS = (0.1, 0.3)
_GRID_POINTS = 21  # alphas tried per refinement round of the ADIDA smoothing constant
_ROUNDS = 4  # 0.2 / 20 / 10^3: alpha to 1e-5, the tolerance of scipy's bounded search


def _first_listed(y: FloatArray) -> np.ndarray:
    """Column of each row's first listed period (the row length for a row never listed)."""
    listed = ~np.isnan(y)
    first: np.ndarray = np.where(listed.any(axis=1), listed.argmax(axis=1), y.shape[1])
    return first


def _flat(value: FloatArray, h: int) -> FloatArray:
    return np.repeat(value[:, None], h, axis=1)


def ses(x: FloatArray, first: np.ndarray, alpha: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Simple exponential smoothing of each row from column `first` on, for each alpha.

    `alpha` is items x candidates. Returns (one-step forecast after the last column, in-sample
    sum of squared one-step errors), both items x candidates; the fitted value starts at the
    first observation, as statsforecast's `_ses_forecast` / `_ses_sse`. Rows are taken in the
    order of their first column, so each period touches only the rows already started."""
    width = x.shape[1]
    order = np.argsort(first, kind="stable")
    starts = first[order]
    columns = np.ascontiguousarray(x[order].T)  # period-major: a period's rows are contiguous
    weight = alpha[order]
    fitted = np.zeros(alpha.shape)
    sse = np.zeros(alpha.shape)
    for c in range(int(starts.min(initial=width)), width):
        going = int(np.searchsorted(starts, c, side="left"))  # rows started before c
        if going:
            w = weight[:going]
            fitted[:going] = w * columns[c - 1, :going, None] + (1 - w) * fitted[:going]
            sse[:going] += (columns[c, :going, None] - fitted[:going]) ** 2
        new = int(np.searchsorted(starts, c, side="right"))
        fitted[going:new] = columns[c, going:new, None]
    forecast = np.full(alpha.shape, np.nan)
    if width:
        forecast = weight * columns[-1, :, None] + (1 - weight) * fitted
        forecast[starts >= width] = np.nan
    out_forecast, out_sse = np.empty_like(forecast), np.empty_like(sse)
    out_forecast[order], out_sse[order] = forecast, sse
    return out_forecast, out_sse


def _ses_fixed(x: FloatArray, first: np.ndarray, alpha: float) -> FloatArray:
    forecast, _ = ses(x, first, np.full((len(x), 1), alpha))
    return forecast[:, 0]


def _ses_optimised(x: FloatArray, first: np.ndarray) -> FloatArray:
    """SES with each row's alpha in ADIDA_ALPHA_BOUNDS chosen for the least in-sample SSE: a
    grid of alphas, refined around each row's best, so all rows are searched together."""
    low, high = ADIDA_ALPHA_BOUNDS
    step = (high - low) / (_GRID_POINTS - 1)
    centre = np.full(len(x), (low + high) / 2)
    half = (_GRID_POINTS - 1) // 2
    offsets = np.arange(-half, half + 1)
    for _ in range(_ROUNDS):
        alphas = np.clip(centre[:, None] + offsets[None, :] * step, low, high)
        _, sse = ses(x, first, alphas)
        # on a tie (an SSE that does not depend on alpha, e.g. two sums) the largest alpha,
        # where scipy's bounded search ends up
        last_best = _GRID_POINTS - 1 - np.argmin(sse[:, ::-1], axis=1)
        centre = alphas[np.arange(len(x)), last_best]
        step /= 10
    forecast, _ = ses(x, first, centre[:, None])
    return forecast[:, 0]


def _compress(y: FloatArray, keep: np.ndarray, values: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """Per row, `values` where `keep`, in order, right-aligned in a matrix; and each row's first
    column."""
    count = keep.sum(axis=1)
    width = int(count.max(initial=0))
    out = np.zeros((len(y), width))
    rank = np.cumsum(keep, axis=1) - 1
    column = width - count[:, None] + rank
    rows = np.broadcast_to(np.arange(len(y))[:, None], keep.shape)
    out[rows[keep], column[keep]] = values[keep]
    return out, width - count


def _demand_and_intervals(y: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray, np.ndarray]:
    """Non-zero sizes and the intervals between them (the first from the listing, counted from
    1), right-aligned; their first columns; the number of demand periods per row."""
    values = np.nan_to_num(y)
    nonzero = values != 0
    sizes, first = _compress(y, nonzero, values)
    position = np.arange(y.shape[1])[None, :] - _first_listed(y)[:, None] + 1.0
    positions, _ = _compress(y, nonzero, np.broadcast_to(position, y.shape))
    intervals = np.diff(positions, axis=1, prepend=0.0)
    width = positions.shape[1]
    if width:  # the first interval of a row counts from its listing, not from the padding
        at = np.minimum(first, width - 1)
        intervals[np.arange(len(y)), at] = positions[np.arange(len(y)), at]
    return sizes, intervals, first, nonzero.sum(axis=1)


def croston_sba(y: FloatArray, h: int) -> FloatArray:
    sizes, intervals, first, count = _demand_and_intervals(y)
    size_f = _ses_fixed(sizes, first, CROSTON_ALPHA)
    interval_f = _ses_fixed(intervals, first, CROSTON_ALPHA)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(interval_f != 0, size_f / interval_f, size_f)
    last = np.nan_to_num(y[:, -1]) if y.shape[1] else np.zeros(len(y))
    mean = np.where(count > 0, mean, last)  # no demand at all: the naive forecast
    return _flat(mean * SBA_DEBIAS, h)


def tsb(y: FloatArray, h: int, alpha_d: float = 0.1, alpha_p: float = 0.1) -> FloatArray:
    sizes, _, first, count = _demand_and_intervals(y)
    listed = _first_listed(y)
    occurs = np.where(np.isnan(y), 0.0, (np.nan_to_num(y) != 0).astype(float))
    probability = _ses_fixed(occurs, listed, alpha_p)
    size = _ses_fixed(sizes, first, alpha_d)
    return _flat(np.where(count > 0, probability * size, 0.0), h)


def adida(y: FloatArray, h: int) -> FloatArray:
    """Sums over buckets of the mean inter-demand interval (whole buckets, aligned to the last
    period), SES with an optimised alpha on the sums, divided by the bucket length."""
    _, intervals, _, count = _demand_and_intervals(y)
    n, width = y.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_interval = intervals.sum(axis=1) / count
    level = np.where(count > 0, np.round(np.nan_to_num(mean_interval)), 1).astype(int)
    sums = np.zeros((n, width))
    sums_first = np.full(n, width)
    for bucket in np.unique(level):
        rows = np.flatnonzero((level == bucket) & (count > 0))
        chunks = width // bucket
        if not len(rows) or not chunks:
            continue
        tail = y[rows, width - chunks * bucket :].reshape(len(rows), chunks, bucket)
        partial = np.isnan(tail).any(axis=2)  # a bucket reaching before the listing: dropped
        sums[rows, width - chunks :] = np.where(partial, 0.0, np.nansum(tail, axis=2))
        sums_first[rows] = width - chunks + partial.sum(axis=1)
    forecast = _ses_optimised(sums, sums_first) / level
    return _flat(np.where(count > 0, forecast, 0.0), h)


def window_average(y: FloatArray, h: int, window: int) -> FloatArray:
    enough = (~np.isnan(y)).sum(axis=1) >= window
    with np.errstate(invalid="ignore"):
        mean = y[:, -window:].mean(axis=1) if y.shape[1] >= window else np.full(len(y), np.nan)
    return _flat(np.where(enough, mean, np.nan), h)


def seasonal_naive(y: FloatArray, h: int, season: int) -> FloatArray:
    """The values one season back; with less than a season listed, step j is the j-th listed
    value (statsforecast fills the season from its start)."""
    listed = (~np.isnan(y)).sum(axis=1)
    samples = np.minimum(season, listed)
    out = np.full((len(y), h), np.nan)
    for j in range(min(h, season)):
        column = y.shape[1] - samples + j
        ok = j < samples
        out[ok, j] = y[np.flatnonzero(ok), column[ok]]
    reps = -(-h // season)
    return np.tile(out[:, :season], reps)[:, :h] if h > season else out
