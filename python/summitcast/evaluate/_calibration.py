"""Calibration of probability forecasts: reliability diagrams (binned and
CORP isotonic) with block-bootstrap bands, and the expected calibration error.

A forecaster is calibrated when, among the occasions it said p, the event
happened a fraction p of the time.  A reliability diagram plots that
observed frequency against the forecast:

* ``method="bins"``: forecasts grouped into bins (``_bins``), the observed
  frequency of each bin against its mean forecast;
* ``method="isotonic"``: the CORP curve (Dimitriadis, Gneiting & Jordan
  2021), the isotonic (PAV) regression of the outcomes on the forecasts,
  with no binning choice to make.

The band around each point is a block-bootstrap percentile interval
(``_bootstrap``) of the observed frequency (bins) or of the recalibrated
probability (isotonic, each refit evaluated at the original forecast
values by linear interpolation): how much the curve would move with
another sample of the same dependent process.  A point whose forecast lies
outside its band is miscalibrated beyond what sampling explains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.summary import Summary
from .._common.validation import check_choice, check_float
from ._bins import bin_forecasts
from ._bootstrap import BlockBootstrap, percentile_band, time_ordered
from ._decomposition import BrierDecomposition, CorpDecomposition, brier_decomposition, corp_from_fit, isotonic_fit
from ._inputs import paired
from ._plots import draw_reliability

__all__ = ["Reliability", "ece", "plot_reliability", "reliability"]


@dataclass(frozen=True)
class Reliability:
    """A reliability diagram's numbers.

    Attributes
    ----------
    method : {"bins", "isotonic"}
    table : DataFrame
        One row per non-empty bin (``bin_lower``, ``bin_upper``, ``n``,
        ``forecast`` = mean forecast, ``observed`` = observed frequency) or
        per distinct forecast value (``forecast``, ``n``, ``observed`` = the
        PAV-recalibrated probability), with the band ``lower``, ``upper``
        when one was computed.
    decomposition : BrierDecomposition or CorpDecomposition
        Murphy's decomposition over the same bins, or the CORP decomposition.
    forecasts : ndarray
        The forecasts (for the sharpness histogram).
    level : float or None
        Coverage of the band.
    scheme : BlockBootstrap or None
        How the band was resampled.
    n_effective : float or None
        Effective number of independent forecasts, from the autocorrelation
        of the Brier score series (n / block length is the number of blocks).
    """

    method: str
    table: pd.DataFrame
    decomposition: BrierDecomposition | CorpDecomposition
    forecasts: np.ndarray = field(repr=False)
    level: float | None
    scheme: BlockBootstrap | None
    n_effective: float | None

    @property
    def n(self) -> int:
        return int(self.forecasts.size)

    def summary(self) -> Summary:
        info = [("Method", self.method)]
        if self.scheme is not None:
            s = self.scheme
            info.append(("Band", f"{self.level:.0%} block bootstrap, block length {s.block_length}, "
                                  f"{s.n_boot} replicates, seed {s.seed}"))
            if self.n_effective is not None:
                info.append(("Effective forecasts", f"{self.n_effective:.1f} (autocorrelation of the Brier scores)"))
        info = self.decomposition.summary().info + info
        return Summary(f"Reliability ({self.method})", info, [("", self.table)])

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, ax: Any = None, *, histogram: bool = True, title: str | None = None) -> Any:
        """Reliability diagram with a sharpness histogram; see
        :func:`summitcast.evaluate.plot_reliability`."""
        return draw_reliability(self, ax=ax, histogram=histogram, title=title)


def reliability(
    p: Any,
    y: Any,
    method: str = "bins",
    *,
    bins: Any = 10,
    band: float | None = 0.9,
    block_length: int | None = None,
    circular: bool = True,
    n_boot: int = 1000,
    seed: int | None = None,
) -> Reliability:
    """Reliability diagram of binary probability forecasts, with bands.

    Parameters
    ----------
    p : array_like or Series
        Forecast probabilities in [0, 1], in time order.
    y : array_like or Series
        Outcomes, 0/1.
    method : {"bins", "isotonic"}, default "bins"
        Binned observed frequencies, or the CORP isotonic curve.
    bins : int, sequence of float or "unique", default 10
        The bins for ``method="bins"`` (see :func:`brier_decomposition`).
    band : float or None, default 0.9
        Coverage of the block-bootstrap band; None for no band.
    block_length : int, optional
        Block length of the bootstrap (default round(n^(1/3)); for forecasts
        of overlapping h-month windows use at least h).
    circular : bool, default True
        Circular (default) or moving blocks.
    n_boot : int, default 1000
        Bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap (fresh entropy if None; kept in the result).

    Returns
    -------
    Reliability
    """
    check_choice(method, "method", ["bins", "isotonic"])
    prob, outcome = paired(p, y)
    time_ordered(p, "p")
    scheme = None
    if band is not None:
        band = check_float(band, "band", 0.0, 1.0, exclusive=True)
        scheme = BlockBootstrap.make(prob.size, block_length, circular, n_boot, seed)
    if method == "bins":
        b = bin_forecasts(prob, outcome, bins)
        table = pd.DataFrame({"bin_lower": b.lower, "bin_upper": b.upper, "n": b.count.astype(int),
                              "forecast": b.forecast_mean, "observed": b.observed})
        decomposition: BrierDecomposition | CorpDecomposition = brier_decomposition(prob, outcome, bins)
        if scheme is not None:
            table["lower"], table["upper"] = percentile_band(scheme.group_means(outcome, b.code, len(b.count)), band)
    else:
        values, fit, count, recalibrated = isotonic_fit(prob, outcome)
        table = pd.DataFrame({"forecast": values, "n": count.astype(int), "observed": fit})
        decomposition = corp_from_fit(prob, outcome, recalibrated)
        if scheme is not None:
            replicates = _core.score.isotonic_bootstrap(prob, outcome, values, scheme.block_length, scheme.circular,
                                                        scheme.n_boot, scheme.seed)
            table["lower"], table["upper"] = percentile_band(replicates, band)
    n_effective = None
    if scheme is not None and prob.size >= 4:
        n_effective = float(_core.score.effective_sample_size((prob - outcome) ** 2))
    return Reliability(method, table, decomposition, prob, band, scheme, n_effective)


def ece(p: Any, y: Any, bins: Any = 10) -> float:
    """Expected calibration error: ``sum_k (n_k / N) |p̄_k - ō_k|``.

    The count-weighted mean absolute gap between the mean forecast and the
    observed frequency over equal-width bins (Naeini, Cooper & Hauskrecht
    2015; Guo et al. 2017).  It depends on the bins and is biased upwards in
    small samples (a calibrated forecaster scores above 0); the CORP
    miscalibration term (:func:`corp_decomposition`) is the bin-free
    alternative.

    Parameters
    ----------
    p : array_like or Series
        Forecast probabilities in [0, 1].
    y : array_like or Series
        Outcomes, 0/1.
    bins : int, sequence of float or "unique", default 10
        As for :func:`brier_decomposition`.

    Returns
    -------
    float
    """
    prob, outcome = paired(p, y)
    b = bin_forecasts(prob, outcome, bins)
    return float(np.sum(b.count * np.abs(b.forecast_mean - b.observed)) / prob.size)


def plot_reliability(
    result: Any,
    y: Any = None,
    *,
    method: str = "bins",
    ax: Any = None,
    histogram: bool = True,
    title: str | None = None,
    **options: Any,
) -> Any:
    """Reliability diagram: observed frequency against forecast probability,
    with the bootstrap band and a sharpness histogram of the forecasts.

    Parameters
    ----------
    result : Reliability or array_like
        A :func:`reliability` result, or the forecasts ``p`` (then ``y`` is
        required and ``method`` and ``options`` go to :func:`reliability`).
    y : array_like, optional
        Outcomes when ``result`` is the forecasts.
    method : {"bins", "isotonic"}
    ax : matplotlib Axes, optional
    histogram : bool, default True
        Add an inset histogram of the forecasts (their sharpness).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, Reliability):
        if y is None:
            raise TypeError("plot_reliability needs a Reliability result, or forecasts p and outcomes y")
        result = reliability(result, y, method, **options)
    elif y is not None or options:
        raise TypeError("give either a Reliability result or forecasts and outcomes, not both")
    return draw_reliability(result, ax=ax, histogram=histogram, title=title)
