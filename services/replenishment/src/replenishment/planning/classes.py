"""Item classes: ABC by consumption value, XYZ by variability, and the demand pattern.

All functions take numpy arrays over items and are pure. The demand pattern follows Syntetos,
Boylan and Croston (2005): ADI (average inter-demand interval) against CV² of the non-zero
demand sizes, cut at 1.32 and 0.49.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

ADI_CUT: Final = 1.32
CV2_CUT: Final = 0.49
PATTERNS: Final = ("smooth", "erratic", "intermittent", "lumpy")


@dataclass(frozen=True)
class AbcCuts:
    """Shares of total consumption value covered by A, then B (C is the rest)."""

    a: float = 0.80
    b: float = 0.15

    def __post_init__(self) -> None:
        if not (0 < self.a < 1 and self.b > 0 and self.a + self.b <= 1):
            raise ValueError("ABC cuts need 0 < a < 1, b > 0 and a + b <= 1")


@dataclass(frozen=True)
class XyzCuts:
    """Upper bounds of the coefficient of variation of period demand for X and Y."""

    x: float = 0.5
    y: float = 1.0


def abc_classes(consumption_value: FloatArray, cuts: AbcCuts = AbcCuts()) -> StrArray:
    """A for the items making the first `cuts.a` of value (largest first), B the next `cuts.b`.

    An item is in A when the cumulative share *before* it is below the cut, so the item that
    crosses the 80% line is still A (an A class is never empty when there is any value).
    """
    value = np.asarray(consumption_value, dtype=float)
    result = np.full(value.shape, "C", dtype="<U1")
    total = value.sum()
    if total <= 0:
        return result
    order = np.argsort(-value, kind="stable")
    share_before = (np.cumsum(value[order]) - value[order]) / total
    ranked = np.where(
        share_before < cuts.a, "A", np.where(share_before < cuts.a + cuts.b, "B", "C")
    )
    result[order] = ranked
    result[value <= 0] = "C"
    return result


def coefficient_of_variation(history: FloatArray) -> FloatArray:
    """Std / mean of each row (periods as columns, NaN = not yet listed); inf for zero mean."""
    mean = np.nanmean(history, axis=1)
    std = np.nanstd(history, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, std / mean, np.inf)


def xyz_classes(history: FloatArray, cuts: XyzCuts = XyzCuts()) -> StrArray:
    cv = coefficient_of_variation(history)
    return np.where(cv <= cuts.x, "X", np.where(cv <= cuts.y, "Y", "Z")).astype("<U1")


def adi_and_cv2(history: FloatArray) -> tuple[FloatArray, FloatArray]:
    """ADI = listed periods / periods with demand; CV² of the non-zero sizes (0 if fewer than 2).

    Items without any demand get ADI = inf.
    """
    listed = ~np.isnan(history)
    values = np.where(listed, history, 0.0)
    nonzero = values > 0
    count = nonzero.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(count > 0, listed.sum(axis=1) / count, np.inf)
        size_mean = np.where(count > 0, values.sum(axis=1) / count, 0.0)
        squares = np.where(nonzero, (values - size_mean[:, None]) ** 2, 0.0).sum(axis=1)
        size_var = np.where(count > 1, squares / count, 0.0)
        cv2 = np.where(size_mean > 0, size_var / size_mean**2, 0.0)
    return adi, cv2


def demand_patterns(adi: FloatArray, cv2: FloatArray) -> StrArray:
    """smooth (ADI < 1.32, CV² < 0.49), erratic (CV² high), intermittent (ADI high), lumpy."""
    frequent = adi < ADI_CUT
    steady = cv2 < CV2_CUT
    return np.where(
        frequent,
        np.where(steady, "smooth", "erratic"),
        np.where(steady, "intermittent", "lumpy"),
    ).astype("<U12")
