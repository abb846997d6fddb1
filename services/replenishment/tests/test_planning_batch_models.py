"""The numpy forecasting models give the forecasts statsforecast's models give, for all items
at once (worked examples, then random intermittent series of different lengths)."""

from __future__ import annotations

import numpy as np
import pytest
from replenishment.planning import batch_models
from statsforecast.models import ADIDA, TSB, CrostonSBA, SeasonalNaive, WindowAverage

NAN = np.nan


def test_croston_sba_worked_example() -> None:
    # listed from period 2: 0 4 0 0 2. Sizes 4, 2: SES(0.1) -> 0.1 x 2 + 0.9 x 4 = 3.8.
    # Intervals (from the listing, counted from 1) 2, 3: 0.1 x 3 + 0.9 x 2 = 2.1.
    y = np.array([[NAN, 0.0, 4.0, 0.0, 0.0, 2.0]])
    forecast = batch_models.croston_sba(y, 2)
    assert forecast == pytest.approx(np.full((1, 2), 0.95 * 3.8 / 2.1))


def test_tsb_worked_example() -> None:
    # occurrences 1 0 1: p = 0.1 x 1 + 0.9 x (0.1 x 0 + 0.9 x 1) = 0.91; sizes 5, 3 -> 4.8
    y = np.array([[5.0, 0.0, 3.0]])
    assert batch_models.tsb(y, 1)[0, 0] == pytest.approx(0.91 * 4.8)


def test_an_item_without_demand_is_forecast_zero_and_a_short_window_average_has_none() -> None:
    y = np.array([[NAN, NAN, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    assert batch_models.croston_sba(y, 1)[:, 0].tolist()[0] == 0.0
    assert batch_models.adida(y, 1)[0, 0] == 0.0
    average = batch_models.window_average(y, 1, 4)[:, 0]
    assert np.isnan(average[0]) and average[1] == pytest.approx(3.5)


def _reference(model: object, y: np.ndarray, h: int) -> np.ndarray:
    rows = [row[~np.isnan(row)] for row in y]
    return np.array([model.forecast(y=row, h=h)["mean"] for row in rows])  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def series() -> np.ndarray:
    rng = np.random.default_rng(7)
    n, periods = 200, 36
    chance = rng.beta(0.6, 2.0, n)[:, None]
    y = np.where(rng.random((n, periods)) < chance, rng.geometric(0.3, (n, periods)), 0)
    y = y.astype(float)
    for i, listed_from in enumerate(rng.integers(0, periods - 3, n)):
        y[i, :listed_from] = np.nan
    y[0] = 0.0
    return y


@pytest.mark.parametrize(
    ("model", "ours"),
    [
        (CrostonSBA(), lambda y, h: batch_models.croston_sba(y, h)),
        (TSB(alpha_d=0.1, alpha_p=0.1), lambda y, h: batch_models.tsb(y, h)),
        (WindowAverage(window_size=6), lambda y, h: batch_models.window_average(y, h, 6)),
        (SeasonalNaive(season_length=12), lambda y, h: batch_models.seasonal_naive(y, h, 12)),
    ],
)
def test_the_fixed_models_match_statsforecast(
    model: object, ours: object, series: np.ndarray
) -> None:
    expected = _reference(model, series, 3)
    got = ours(series, 3)  # type: ignore[operator]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_adida_matches_statsforecast_where_its_smoothing_constant_matters(
    series: np.ndarray,
) -> None:
    expected = _reference(ADIDA(), series, 1)[:, 0]
    got = batch_models.adida(series, 1)[:, 0]
    # with two buckets or fewer the in-sample error does not depend on alpha, and scipy's
    # bounded search ends wherever its rounding takes it: any alpha in 0.1-0.3 is the optimum
    close = np.isclose(got, expected, rtol=1e-3, atol=1e-9)
    assert close.mean() >= 0.97
    assert np.all(np.abs(got - expected) <= 0.3 * np.maximum(expected, 1e-9) + 1e-9)


def test_a_carried_model_choice_is_refitted_until_it_is_reselected(series: np.ndarray) -> None:
    from replenishment.planning import classes
    from replenishment.planning.forecast import ForecastSettings, forecast_items

    settings = ForecastSettings(reselect_every=3)
    history = series[:, :-2]
    patterns = classes.demand_patterns(*classes.adi_and_cv2(history))
    chosen = forecast_items(history, patterns, settings)
    assert chosen.selected_at == history.shape[1]
    later = series[:, :-1]
    carried = forecast_items(later, patterns, settings, carried=chosen)
    fresh = forecast_items(later, patterns, ForecastSettings())
    # the choice and its backtest errors are kept, the forecast follows the new period
    assert carried.model.tolist() == chosen.model.tolist()
    np.testing.assert_array_equal(carried.rmse, chosen.rmse)
    assert carried.selected_at == chosen.selected_at
    same_model = fresh.model == chosen.model
    np.testing.assert_allclose(carried.per_period[same_model], fresh.per_period[same_model])
    assert not np.allclose(carried.per_period, chosen.per_period)
    # three periods after the choice the backtest runs again
    wider = np.concatenate([series, series[:, -1:]], axis=1)
    reselected = forecast_items(wider, patterns, settings, carried=chosen)
    assert reselected.selected_at == wider.shape[1]
