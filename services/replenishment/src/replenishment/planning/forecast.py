"""Forecasts per item with statsforecast, the model chosen by a rolling-origin backtest.

Candidates suit the demand pattern: exponential smoothing (AutoETS), seasonal naive and a
moving average for smooth and erratic demand; Croston SBA, TSB and ADIDA for intermittent and
lumpy demand. Each candidate is backtested over `windows` origins, `horizon` periods ahead; the
one with the lowest RMSE wins (an MSE-type score, since MAE rewards forecasting zero for
intermittent demand). Its error is kept: bias (mean forecast - actual, per period) and MASE
(MAE scaled by the in-sample one-step naive MAE; by the mean demand where that is zero).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoETS, WindowAverage

from replenishment.planning import batch_models
from replenishment.planning.classes import FloatArray, StrArray

log = logging.getLogger(__name__)

SMOOTH_PATTERNS: Final = ("smooth", "erratic")
FALLBACK_MODEL: Final = "WindowAverage"


@dataclass(frozen=True)
class ForecastSettings:
    horizon: int = 3
    windows: int = 3
    season_length: int = 12
    moving_average_window: int = 6
    n_jobs: int = 1
    # with the previous run's forecasts at hand (`forecast_items(..., carried=)`), the model of
    # each item is re-chosen by the backtest only once this many periods have passed since it
    # was chosen; in between the chosen model is refitted on the new history and its backtest
    # errors are kept. 1: every run backtests (the service's scheduled run)
    reselect_every: int = 1


@dataclass(frozen=True)
class Forecasts:
    """Per item (same order as the input): chosen model, forecast per period and its error."""

    model: StrArray
    per_period: FloatArray
    rmse: FloatArray
    mase: FloatArray
    bias: FloatArray
    selected_at: int = 0  # periods of history when the models were chosen by the backtest


def _model_names(smooth: bool) -> tuple[str, ...]:
    if smooth:
        return ("AutoETS", "SeasonalNaive", "WindowAverage")
    return ("CrostonSBA", "TSB", "ADIDA", "WindowAverage")


def _batch_forecast(name: str, y: FloatArray, h: int, settings: ForecastSettings) -> FloatArray:
    """One model's forecasts for all rows at once (numpy; `batch_models`)."""
    if name == "SeasonalNaive":
        return batch_models.seasonal_naive(y, h, settings.season_length)
    if name == "WindowAverage":
        return batch_models.window_average(y, h, settings.moving_average_window)
    if name == "CrostonSBA":
        return batch_models.croston_sba(y, h)
    if name == "TSB":
        return batch_models.tsb(y, h)
    return batch_models.adida(y, h)


def _long_frame(history: FloatArray, rows: np.ndarray) -> pd.DataFrame:
    """statsforecast's long format (unique_id, ds, y) of the rows; unlisted periods dropped."""
    sub = history[rows]
    periods = sub.shape[1]
    ids = np.repeat(rows, periods)
    ds = np.tile(pd.date_range("2000-01-01", periods=periods, freq="MS").to_numpy(), len(rows))
    y = sub.reshape(-1)
    keep = ~np.isnan(y)
    return pd.DataFrame({"unique_id": ids[keep], "ds": ds[keep], "y": y[keep]})


def forecast_items(
    history: FloatArray,
    patterns: StrArray,
    settings: ForecastSettings = ForecastSettings(),
    carried: Forecasts | None = None,
) -> Forecasts:
    """Backtest the candidates of each pattern group, keep each item's best, forecast ahead.

    `history` is items x periods (NaN before an item was listed). Items too short for a backtest
    (fewer than horizon x windows + 2 listed periods) get the moving average without a backtest.
    `carried`: the forecasts of an earlier run over the same items; while fewer than
    `settings.reselect_every` periods have passed since their models were chosen, each item
    keeps its model and backtest errors and only its forecast is refitted (`_refit`).
    """
    n = history.shape[0]
    if carried is not None and len(carried.model) == n:
        age = history.shape[1] - carried.selected_at
        if 0 <= age < settings.reselect_every:
            return _refit(history, carried, settings)
    model = np.full(n, FALLBACK_MODEL, dtype="<U40")
    listed = (~np.isnan(history)).sum(axis=1)
    per_period = np.nan_to_num(_recent_mean(history, listed, settings.moving_average_window))
    rmse = np.full(n, np.nan)
    mase = np.full(n, np.nan)
    bias = np.full(n, np.nan)
    scale = _naive_scale(history)
    long_enough = listed >= settings.horizon * settings.windows + 2
    for smooth in (True, False):
        in_group = np.isin(patterns, SMOOTH_PATTERNS) == smooth
        rows = np.flatnonzero(in_group & long_enough)
        if len(rows) == 0:
            continue
        best = _best_models(history, rows, smooth, settings)
        items = best.items
        model[items] = best.model
        rmse[items] = best.rmse
        mase[items] = best.mae / scale[items]
        bias[items] = best.bias
        per_period[items] = best.ahead
    per_period = np.nan_to_num(per_period)
    return Forecasts(model, per_period, rmse, mase, bias, selected_at=history.shape[1])


def _refit(history: FloatArray, carried: Forecasts, settings: ForecastSettings) -> Forecasts:
    """Each item's carried model fitted on the whole history (one fit, no backtest); items
    that were not backtested keep the moving average of their recent periods."""
    listed = (~np.isnan(history)).sum(axis=1)
    per_period = np.nan_to_num(_recent_mean(history, listed, settings.moving_average_window))
    backtested = ~np.isnan(carried.rmse)
    for name in np.unique(carried.model[backtested]):
        rows = np.flatnonzero(backtested & (carried.model == name))
        if name == "AutoETS":
            _, ahead = _ets(history, rows, settings, backtest=False)
        else:
            ahead = _batch_forecast(str(name), history[rows], 1, settings)[:, 0]
        per_period[rows] = np.maximum(0.0, ahead)
    return replace(carried, per_period=np.nan_to_num(per_period))


def _recent_mean(history: FloatArray, listed: np.ndarray, window: int) -> FloatArray:
    """Mean of each item's last `window` listed periods (0 for an item never listed); the listed
    periods are a suffix of the row, so those are the listed ones among the last `window`."""
    recent = history[:, -window:]
    count = (~np.isnan(recent)).sum(axis=1)
    mean: FloatArray = np.where(count > 0, np.nansum(recent, axis=1) / np.maximum(count, 1), 0.0)
    return np.where(listed > 0, mean, 0.0)


@dataclass(frozen=True)
class _Best:
    """Per backtested item (`items`: rows of the history): its best model, that model's
    backtest errors and its forecast one period ahead."""

    items: np.ndarray
    model: StrArray
    rmse: FloatArray
    mae: FloatArray
    bias: FloatArray
    ahead: FloatArray


def _best_models(
    history: FloatArray, rows: np.ndarray, smooth: bool, settings: ForecastSettings
) -> _Best:
    """Backtest the group's candidates on `rows` and keep each item's lowest-RMSE model.

    The backtest is statsforecast's rolling origin: `windows` cut-offs `horizon` periods apart,
    each model refitted on the periods before a cut-off and scored on the `horizon` after it."""
    sub = history[rows]
    names = _model_names(smooth)
    h, windows, width = settings.horizon, settings.windows, sub.shape[1]
    cutoffs = [width - h * (windows - w) for w in range(windows)]
    actual = np.concatenate([sub[:, c : c + h] for c in cutoffs], axis=1)
    backtest = np.empty((len(rows), h * windows, len(names)))
    ahead = np.empty((len(rows), len(names)))
    for j, name in enumerate(names):
        if name == "AutoETS":
            backtest[:, :, j], ahead[:, j] = _ets(history, rows, settings)
            continue
        backtest[:, :, j] = np.concatenate(
            [_batch_forecast(name, sub[:, :c], h, settings) for c in cutoffs], axis=1
        )
        ahead[:, j] = _batch_forecast(name, sub, 1, settings)[:, 0]
    errors = backtest - actual[:, :, None]
    model_rmse = np.sqrt((errors**2).mean(axis=1))
    model_rmse = np.where(np.isnan(model_rmse), np.inf, model_rmse)
    best = np.argmin(model_rmse, axis=1)
    pick = np.arange(len(rows))
    return _Best(
        items=rows,
        model=np.array(names)[best],
        rmse=model_rmse[pick, best],
        mae=np.abs(errors).mean(axis=1)[pick, best],
        bias=errors.mean(axis=1)[pick, best],
        ahead=np.maximum(0.0, ahead[pick, best]),
    )


def _ets(
    history: FloatArray, rows: np.ndarray, settings: ForecastSettings, *, backtest: bool = True
) -> tuple[FloatArray, FloatArray]:
    """AutoETS (statsforecast) on `rows`: the backtest forecasts (rows x horizon * windows, in
    time order; NaN without `backtest`) and the forecast one period ahead; the window average
    where it fails."""
    frame = _long_frame(history, rows)
    sf = StatsForecast(
        models=[AutoETS(season_length=settings.season_length, model="ZZZ")],
        freq="MS",
        n_jobs=settings.n_jobs,
        fallback_model=WindowAverage(window_size=settings.moving_average_window),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ahead = sf.forecast(df=frame, h=1)
        per_item = settings.horizon * settings.windows
        errors = np.full((len(rows), per_item), np.nan)
        if backtest:
            cv = sf.cross_validation(
                df=frame, h=settings.horizon, n_windows=settings.windows, step_size=settings.horizon
            ).sort_values(["unique_id", "ds"], kind="stable")
            where = np.searchsorted(rows, cv["unique_id"].to_numpy().astype(int)[::per_item])
            errors[where] = cv["AutoETS"].to_numpy().reshape(-1, per_item)
    one = np.full(len(rows), np.nan)
    one[np.searchsorted(rows, ahead["unique_id"].to_numpy().astype(int))] = ahead["AutoETS"]
    return errors, one


def _naive_scale(history: FloatArray) -> FloatArray:
    """In-sample MAE of the one-step naive forecast; the mean demand where that is 0."""
    diffs = np.abs(np.diff(history, axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive = np.nanmean(diffs, axis=1)
        mean = np.nanmean(history, axis=1)
    scale = np.where(np.nan_to_num(naive) > 0, naive, mean)
    return np.where(np.nan_to_num(scale) > 0, scale, 1.0)
