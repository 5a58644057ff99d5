"""Decompositions of the mean Brier score.

Murphy (1973), with bins: with N forecasts in bins k of n_k forecasts, mean
forecast p̄_k and observed frequency ō_k, and ō the overall frequency,

    BS = REL − RES + UNC + WBV − WBC,
    REL = Σ n_k (p̄_k − ō_k)² / N               reliability (calibration error)
    RES = Σ n_k (ō_k − ō)² / N                 resolution
    UNC = ō (1 − ō)                            uncertainty
    WBV = Σ_i (p_i − p̄_{k(i)})² / N            within-bin variance of forecasts
    WBC = 2 Σ_i (p_i − p̄_{k(i)})(y_i − ō_{k(i)}) / N   within-bin covariance

(Stephenson, Coelho & Jolliffe 2008).  The identity is exact: expand
(p_i − y_i)² around the bin means, and the law of total variance turns the
bins' outcome variances into UNC − RES.  Murphy's three-term form holds when
every bin holds a single forecast value (``bins="unique"``), where WBV = WBC
= 0; with coarser bins the two extra terms are what the three-term form
leaves out.  The residual reported is the rounding error of the identity.

CORP (Dimitriadis, Gneiting & Jordan 2021), without bins: recalibrate the
forecasts by isotonic regression (PAV) of y on p, giving ĉ; with S̄ the mean
Brier score,

    MCB = S̄(p) − S̄(ĉ)   miscalibration (≥ 0: PAV's fit is the best monotone one)
    DSC = S̄(ō) − S̄(ĉ)   discrimination (≥ 0: the constant ō is monotone too)
    UNC = S̄(ō) = ō(1 − ō)
    S̄(p) = MCB − DSC + UNC, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.summary import Summary
from ._bins import bin_forecasts
from ._inputs import paired

__all__ = ["BrierDecomposition", "CorpDecomposition", "brier_decomposition", "corp_decomposition", "isotonic_fit"]


@dataclass(frozen=True)
class BrierDecomposition:
    """Murphy's decomposition of a mean Brier score (see the module notes).

    ``brier = reliability - resolution + uncertainty + within_bin_variance -
    within_bin_covariance + residual``, the residual being rounding error.
    ``table`` lists the non-empty bins (edges, count, mean forecast, observed
    frequency).
    """

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float
    residual: float
    n: int
    table: pd.DataFrame = field(repr=False)

    def summary(self) -> Summary:
        terms = ["reliability", "resolution", "uncertainty", "within_bin_variance", "within_bin_covariance", "residual"]
        info = [("Mean Brier score", f"{self.brier:.6f}"), ("Forecasts", str(self.n)), ("Bins", str(len(self.table)))]
        info += [(t.replace("_", " ").capitalize(), f"{getattr(self, t):.6g}") for t in terms]
        return Summary("Brier score decomposition (Murphy 1973)", info, [("Bins", self.table)],
                       ["brier = reliability - resolution + uncertainty + within-bin variance - within-bin covariance"])

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def brier_decomposition(p: Any, y: Any, bins: Any = 10) -> BrierDecomposition:
    """Murphy's decomposition of the mean Brier score of binary forecasts.

    Parameters
    ----------
    p : array_like or Series
        Forecast probabilities in [0, 1].
    y : array_like or Series
        Outcomes, 0/1.
    bins : int, sequence of float or "unique", default 10
        Equal-width bins on [0, 1], explicit edges, or one bin per distinct
        forecast value (then the within-bin terms are zero).

    Returns
    -------
    BrierDecomposition
        Reliability, resolution and uncertainty with the within-bin variance
        and covariance terms, so that the terms add up to the mean Brier
        score exactly (the rounding residual is reported).
    """
    prob, outcome = paired(p, y)
    b = bin_forecasts(prob, outcome, bins)
    n = prob.size
    base_rate = outcome.mean()
    p_dev = prob - b.forecast_mean[b.code]
    y_dev = outcome - b.observed[b.code]
    rel = float(np.sum(b.count * (b.forecast_mean - b.observed) ** 2) / n)
    res = float(np.sum(b.count * (b.observed - base_rate) ** 2) / n)
    unc = float(base_rate * (1.0 - base_rate))
    wbv = float(np.sum(p_dev**2) / n)
    wbc = float(2.0 * np.sum(p_dev * y_dev) / n)
    score = float(np.mean((prob - outcome) ** 2))
    table = pd.DataFrame(
        {"bin_lower": b.lower, "bin_upper": b.upper, "n": b.count.astype(int),
         "forecast": b.forecast_mean, "observed": b.observed}
    )
    return BrierDecomposition(score, rel, res, unc, wbv, wbc, score - (rel - res + unc + wbv - wbc), n, table)


def isotonic_fit(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """PAV recalibration: (distinct forecast values, recalibrated values at
    them, counts, recalibrated value of every forecast)."""
    values, fit, count = _core.score.isotonic_calibration(p, y)
    return values, fit, count, fit[np.searchsorted(values, p)]


@dataclass(frozen=True)
class CorpDecomposition:
    """The CORP decomposition of a mean Brier score: ``score = mcb - dsc + unc``."""

    score: float
    mcb: float
    dsc: float
    unc: float
    n: int

    def summary(self) -> Summary:
        info = [("Mean Brier score", f"{self.score:.6f}"), ("Miscalibration (MCB)", f"{self.mcb:.6g}"),
                ("Discrimination (DSC)", f"{self.dsc:.6g}"), ("Uncertainty (UNC)", f"{self.unc:.6g}"),
                ("Forecasts", str(self.n))]
        return Summary("CORP decomposition (Dimitriadis, Gneiting & Jordan 2021)", info,
                       notes=["score = MCB - DSC + UNC; recalibration by isotonic regression (PAV)"])

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def corp_from_fit(p: np.ndarray, y: np.ndarray, recalibrated: np.ndarray) -> CorpDecomposition:
    score = float(np.mean((p - y) ** 2))
    score_recal = float(np.mean((recalibrated - y) ** 2))
    base_rate = y.mean()
    unc = float(np.mean((base_rate - y) ** 2))
    return CorpDecomposition(score, score - score_recal, unc - score_recal, unc, p.size)


def corp_decomposition(p: Any, y: Any) -> CorpDecomposition:
    """CORP decomposition of the mean Brier score into miscalibration (MCB),
    discrimination (DSC) and uncertainty (UNC), bin-free.

    Parameters
    ----------
    p : array_like or Series
        Forecast probabilities in [0, 1].
    y : array_like or Series
        Outcomes, 0/1.

    Returns
    -------
    CorpDecomposition
        ``score = mcb - dsc + unc`` with ``mcb, dsc >= 0``.
    """
    prob, outcome = paired(p, y)
    return corp_from_fit(prob, outcome, isotonic_fit(prob, outcome)[3])
