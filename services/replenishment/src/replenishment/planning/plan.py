"""A planning run over many items at once: classes, forecasts, safety stock and policies.

Input is a demand matrix (items x periods, NaN before an item was listed) and per-item arrays;
output is a `Plan` of per-item arrays. Nothing here touches a database or the clock, so the
service, the simulator and the benchmark all run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from replenishment.planning import classes, lots, prior, safety_stock
from replenishment.planning.allocation import PriceMemo, allocate_for_fill_rate
from replenishment.planning.classes import AbcCuts, FloatArray, StrArray, XyzCuts
from replenishment.planning.forecast import Forecasts, ForecastSettings, forecast_items
from replenishment.planning.policy import PolicyLevels, economic_order_quantity, policy_levels

DEFAULT_SERVICE_LEVELS = {"A": 0.98, "B": 0.95, "C": 0.90}


@dataclass(frozen=True)
class PlanningSettings:
    """How a planning run works; every field has a documented default."""

    periods_per_year: int = 12
    review_periods: int = 1
    abc_cuts: AbcCuts = field(default_factory=AbcCuts)
    xyz_cuts: XyzCuts = field(default_factory=XyzCuts)
    service_levels: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SERVICE_LEVELS))
    service_measure: str = "fill_rate"  # or "cycle"
    overall_fill_rate: float | None = None  # set: allocate stock to reach it at least value
    holding_rate: float = 0.25  # per year, of the unit cost
    history_window: int = 24  # periods of recent demand behind the empirical distribution
    grid: int = 256
    # items without demand in the history window take the pooled demand of items that were
    # quiet before (see `prior`); off: such items are planned for no demand
    quiet_item_prior: bool = False
    # items with 1..sparse_prior_max_count demand periods in the window: their per-period
    # distribution is shrunk by `sparse_prior_weight` towards what items with the same count
    # sold next (pooled from the past; see `prior.pooled_by_count`); weight 0 = off
    sparse_prior_max_count: int = 2
    sparse_prior_weight: float = 0.0
    # the EOQ covers at most this many periods of mean demand (obsolescence), and a larger lot
    # (MOQ or pack) is flagged: the item is non-stock or stocked at one lot; None: one year
    # (`periods_per_year`)
    max_lot_cover_periods: float | None = None
    chunk_items: int = 5000  # items whose demand distributions are computed at a time
    forecast: ForecastSettings = field(default_factory=ForecastSettings)

    @property
    def lot_cover_limit(self) -> float:
        limit = self.max_lot_cover_periods
        return float(self.periods_per_year if limit is None else limit)


@dataclass(frozen=True)
class ItemTerms:
    """Per-item purchasing terms (arrays over items)."""

    unit_cost: FloatArray
    lead_time_probs: FloatArray  # items x (max lead + 1), rows sum to 1
    order_cost: FloatArray
    moq: FloatArray
    pack_size: FloatArray

    @property
    def mean_lead_time(self) -> FloatArray:
        return self.lead_time_probs @ np.arange(self.lead_time_probs.shape[1])


@dataclass(frozen=True)
class Plan:
    abc: StrArray
    xyz: StrArray
    pattern: StrArray
    adi: FloatArray
    cv2: FloatArray
    forecasts: Forecasts
    curves: safety_stock.ServiceCurves
    protection_level: FloatArray
    levels: PolicyLevels
    service_target: FloatArray
    expected_fill_rate: FloatArray
    overall_expected_fill_rate: float
    lot: FloatArray  # units ordered at a time: max(MOQ, EOQ in whole packs)
    lot_cover: FloatArray  # the lot in periods of mean demand
    stocking: StrArray  # lots.STOCK, NON_STOCK or ONE_LOT


@dataclass(frozen=True)
class Groundwork:
    """Everything of a plan that does not depend on the service target."""

    abc: StrArray
    xyz: StrArray
    pattern: StrArray
    adi: FloatArray
    cv2: FloatArray
    forecasts: Forecasts
    curves: safety_stock.ServiceCurves  # lot-aware: the (R, s, nQ) policy with `lot`
    mean_demand: FloatArray
    lot: FloatArray  # units: max(MOQ, EOQ rounded up to packs)
    lot_cover: FloatArray  # the lot in periods of mean demand


def groundwork(
    history: FloatArray,
    terms: ItemTerms,
    settings: PlanningSettings,
    carried: Forecasts | None = None,
) -> Groundwork:
    """`carried`: the previous run's forecasts, whose model choice is kept while younger than
    `settings.forecast.reselect_every` periods (see `forecast_items`)."""
    adi, cv2 = classes.adi_and_cv2(history)
    pattern = classes.demand_patterns(adi, cv2)
    window = history[:, -settings.periods_per_year :]
    consumption = np.nan_to_num(np.nansum(window, axis=1)) * terms.unit_cost
    abc = classes.abc_classes(consumption, settings.abc_cuts)
    xyz = classes.xyz_classes(history, settings.xyz_cuts)
    forecasts = forecast_items(history, pattern, settings.forecast, carried)
    recent = history[:, -settings.history_window :]
    listed = (~np.isnan(recent)).sum(axis=1)
    empirical_mean = np.where(listed > 0, np.nansum(recent, axis=1) / np.maximum(listed, 1), 0.0)
    smooth = np.isin(pattern, ("smooth", "erratic"))
    mean_demand = np.where(smooth, forecasts.per_period, empirical_mean)
    prior_pmf = prior_weight = None
    if settings.sparse_prior_weight > 0:
        top = settings.sparse_prior_max_count
        pooled = prior.pooled_by_count(history, settings.history_window, settings.grid, top)
        count = prior.demand_periods(history, settings.history_window)
        usable = (count >= 1) & (count <= top)
        usable[usable] = ~np.isnan(pooled[count[usable], 0])
        prior_pmf = np.where(usable[:, None], np.nan_to_num(pooled[np.minimum(count, top)]), 0.0)
        prior_weight = np.where(usable & ~smooth, settings.sparse_prior_weight, 0.0)
        prior_mean = prior_pmf @ np.arange(settings.grid)
        mean_demand = (1 - prior_weight) * mean_demand + prior_weight * prior_mean
    quiet_pmf = None
    if settings.quiet_item_prior:
        quiet_pmf = prior.pooled_quiet_pmf(history, settings.history_window, settings.grid)
        if quiet_pmf is not None:
            quiet = prior.quiet_items(history, settings.history_window)
            mean_demand = np.where(quiet, quiet_pmf @ np.arange(len(quiet_pmf)), mean_demand)
    annual = mean_demand * settings.periods_per_year
    eoq = economic_order_quantity(annual, terms.order_cost, terms.unit_cost, settings.holding_rate)
    # bounded by obsolescence: the EOQ buys at most `lot_cover_limit` periods of demand
    eoq = np.minimum(eoq, settings.lot_cover_limit * mean_demand)
    lot = lots.lot_sizes(eoq, terms.moq, terms.pack_size)
    inputs = _CurveInputs(
        history,
        pattern,
        forecasts.per_period,
        forecasts.rmse,
        mean_demand,
        lot,
        prior_pmf,
        prior_weight,
    )
    curves = _curves_in_chunks(inputs, terms, settings, quiet_pmf)
    cover = lots.lot_cover(lot, mean_demand)
    return Groundwork(abc, xyz, pattern, adi, cv2, forecasts, curves, mean_demand, lot, cover)


@dataclass(frozen=True)
class _CurveInputs:
    """Per-item arrays the lot-aware service curves are built from."""

    history: FloatArray
    pattern: StrArray
    forecast: FloatArray
    rmse: FloatArray
    mean_demand: FloatArray
    lot: FloatArray
    prior_pmf: FloatArray | None
    prior_weight: FloatArray | None

    def rows(self, chunk: slice) -> _CurveInputs:
        pmf, weight = self.prior_pmf, self.prior_weight
        return _CurveInputs(
            self.history[chunk],
            self.pattern[chunk],
            self.forecast[chunk],
            self.rmse[chunk],
            self.mean_demand[chunk],
            self.lot[chunk],
            None if pmf is None else pmf[chunk],
            None if weight is None else weight[chunk],
        )


def _curves_in_chunks(
    inputs: _CurveInputs,
    terms: ItemTerms,
    settings: PlanningSettings,
    quiet_pmf: FloatArray | None,
) -> safety_stock.ServiceCurves:
    """Lot-aware curves, `settings.chunk_items` items at a time, so the temporary arrays of the
    lead-time demand (Fourier transforms, normal grids) stay bounded however many items."""
    parts = []
    n = len(inputs.mean_demand)
    for first in range(0, n, max(1, settings.chunk_items)):
        chunk = slice(first, min(n, first + settings.chunk_items))
        part = inputs.rows(chunk)
        unit, over_lr, over_l = safety_stock.demand_distributions(
            part.history,
            part.pattern,
            part.forecast,
            part.rmse,
            terms.lead_time_probs[chunk],
            settings.review_periods,
            window=settings.history_window,
            grid=settings.grid,
            quiet_pmf=quiet_pmf,
            prior_pmf=part.prior_pmf,
            prior_weight=part.prior_weight,
        )
        base = safety_stock.service_curves(
            unit, over_lr, over_l, part.mean_demand, settings.review_periods
        )
        parts.append(lots.lot_curves(base, part.lot))
    return safety_stock.ServiceCurves(
        *(np.concatenate([getattr(c, f) for c in parts]) for f in _CURVE_FIELDS)
    )


_CURVE_FIELDS = ("unit", "short", "on_hand", "cycle", "mean_demand")


def finish(
    base: Groundwork,
    terms: ItemTerms,
    settings: PlanningSettings,
    overall_fill_rate: float | None,
    prices: PriceMemo | None = None,
) -> Plan:
    """Protection levels for the targets, then reorder point, order-up-to and EOQ; `prices`
    keeps the fill-rate allocation's tried prices for the next call on the same groundwork."""
    curves = base.curves
    targets = np.array([settings.service_levels.get(c, 0.9) for c in base.abc], dtype=float)
    if overall_fill_rate is not None:
        protection, overall = allocate_for_fill_rate(
            curves, terms.unit_cost, overall_fill_rate, memo=prices
        )
        targets = np.full(len(targets), overall_fill_rate)
    else:
        protection = safety_stock.level_for_targets(curves, targets, settings.service_measure)
    steps = np.rint(protection / curves.unit).astype(int)
    rows = np.arange(len(steps))
    expected = curves.fill_rate_at(steps)
    if overall_fill_rate is None:
        demand = curves.mean_demand.sum()
        overall = 1 - curves.short[rows, steps].sum() / demand if demand > 0 else 1.0
    lead = terms.mean_lead_time
    levels = policy_levels(
        protection, base.mean_demand * (lead + settings.review_periods), base.lot
    )
    return Plan(
        abc=base.abc,
        xyz=base.xyz,
        pattern=base.pattern,
        adi=base.adi,
        cv2=base.cv2,
        forecasts=base.forecasts,
        curves=curves,
        protection_level=protection,
        levels=levels,
        service_target=targets,
        expected_fill_rate=expected,
        overall_expected_fill_rate=float(overall),
        lot=base.lot,
        lot_cover=base.lot_cover,
        stocking=lots.stocking(steps, base.lot, base.lot_cover, settings.lot_cover_limit),
    )


def plan(
    history: FloatArray, terms: ItemTerms, settings: PlanningSettings = PlanningSettings()
) -> Plan:
    """A full planning run: classes, forecasts, demand distributions, protection levels, policy."""
    return finish(groundwork(history, terms, settings), terms, settings, settings.overall_fill_rate)
