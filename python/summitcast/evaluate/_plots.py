"""Plots of forecast evaluation: reliability diagram with sharpness
histogram, PIT histogram, score over time.

matplotlib is optional (``pip install summitcast[plot]``).  Every function
draws on ``ax`` (a new figure's axes when None), labels its axes, sets a
title and returns the axes; none calls ``plt.show()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.validation import as_float_array, check_bool, check_float, check_int
from ._inputs import refuse

__all__ = ["draw_reliability", "plot_pit", "plot_score_over_time"]


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("plotting needs matplotlib: pip install 'summitcast[plot]'") from err
    _, ax = plt.subplots(figsize=(6, 5))
    return ax


def draw_reliability(result: Any, *, ax: Any = None, histogram: bool = True, title: str | None = None) -> Any:
    """Draw a :class:`~summitcast.evaluate.Reliability` result: observed
    frequency against forecast probability, the bootstrap band and a
    sharpness histogram (see :func:`summitcast.evaluate.plot_reliability`,
    which also takes forecasts and outcomes)."""
    histogram = check_bool(histogram, "histogram")
    ax = _axes(ax)
    t = result.table
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="perfect calibration")
    has_band = "lower" in t.columns
    if result.method == "isotonic":
        ax.step(t["forecast"], t["observed"], where="post", color="C0", label="CORP (isotonic) curve")
        if has_band:
            ax.fill_between(t["forecast"], t["lower"], t["upper"], step="post", color="C0", alpha=0.2,
                            label=f"{result.level:.0%} bootstrap band")
        d = result.decomposition
        text = f"MCB {d.mcb:.3f}\nDSC {d.dsc:.3f}\nUNC {d.unc:.3f}"
        ylabel = "Recalibrated probability (CORP)"
    else:
        if has_band:
            err = np.vstack([t["observed"] - t["lower"], t["upper"] - t["observed"]]).clip(min=0)
            ax.errorbar(t["forecast"], t["observed"], yerr=err, color="C0", marker="o", capsize=3,
                        label=f"observed frequency ({result.level:.0%} bootstrap band)")
        else:
            ax.plot(t["forecast"], t["observed"], color="C0", marker="o", label="observed frequency")
        d = result.decomposition
        text = f"REL {d.reliability:.3f}\nRES {d.resolution:.3f}\nUNC {d.uncertainty:.3f}"
        ylabel = "Observed frequency"
    # The regions above-left and below-right of the diagonal are empty for a
    # calibrated forecaster: the legend goes top left, the numbers and the
    # sharpness histogram bottom right.
    ax.text(0.97, 0.36, f"Brier {d.brier if hasattr(d, 'brier') else d.score:.3f}\n{text}", transform=ax.transAxes,
            va="bottom", ha="right", fontsize="small", family="monospace")
    if histogram:
        inset = ax.inset_axes([0.62, 0.08, 0.35, 0.25])
        inset.hist(result.forecasts, bins=np.linspace(0, 1, 21), color="0.5")
        inset.set_xlim(0, 1)
        inset.set_xlabel("Forecast", fontsize="x-small")
        inset.set_ylabel("Count", fontsize="x-small")
        inset.tick_params(labelsize="x-small")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Forecast probability")
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"Reliability diagram ({result.method}, {result.n} forecasts)")
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return ax


def plot_pit(u: Any, bins: int = 10, *, ax: Any = None, band: float | None = 0.9, title: str | None = None) -> Any:
    """PIT histogram, with the band in which a uniform histogram's bars fall.

    Parameters
    ----------
    u : array_like or Series
        PIT values in [0, 1] (from :func:`pit`).
    bins : int, default 10
    ax : matplotlib Axes, optional
    band : float or None, default 0.9
        Pointwise coverage of the band for each bar's height under
        uniformity (binomial counts, normal approximation); None for none.
        It assumes independent PIT values; dependent ones (overlapping
        windows) scatter more.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    values = as_float_array(u, "u", 1)
    refuse(values, (values < 0) | (values > 1), "u", "a PIT value in [0, 1]")
    bins = check_int(bins, "bins", 1)
    ax = _axes(ax)
    ax.hist(values, bins=np.linspace(0, 1, bins + 1), density=True, color="C0", alpha=0.7, edgecolor="white",
            label="PIT values")
    ax.axhline(1.0, color="0.3", linestyle="--", linewidth=1, label="uniform")
    if band is not None:
        band = check_float(band, "band", 0.0, 1.0, exclusive=True)
        n, q = values.size, 1.0 / bins
        z = float(_core.normal_ppf(0.5 + band / 2.0))
        half = z * np.sqrt(n * q * (1 - q)) / (n * q)
        ax.axhspan(max(0.0, 1.0 - half), 1.0 + half, color="0.5", alpha=0.25, zorder=0,
                   label=f"{band:.0%} band if uniform")
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT value")
    ax.set_ylabel("Density")
    ax.set_title(title or f"PIT histogram ({values.size} forecasts)")
    ax.legend(loc="lower center", fontsize="small", framealpha=0.9)
    return ax


def plot_score_over_time(score: Any, *, window: int = 12, ax: Any = None, title: str | None = None,
                         ylabel: str | None = None) -> Any:
    """Scores against time: each forecast's score and its rolling mean.

    Parameters
    ----------
    score : Series or DataFrame
        Scores indexed by time (the forecast origin or the target month);
        several columns (the forecaster and its baselines) give one rolling
        mean each.  Several scores at one time (pooled series or horizons)
        are averaged first.
    window : int, default 12
        Length of the rolling mean, in observations.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if isinstance(score, pd.Series):
        frame = score.to_frame(score.name if score.name is not None else "score")
    elif isinstance(score, pd.DataFrame):
        frame = score
    else:
        frame = pd.DataFrame({"score": as_float_array(score, "score", 1)})
    as_float_array(frame, "score", 2)
    window = check_int(window, "window", 1)
    if frame.index.has_duplicates:
        frame = frame.groupby(level=0).mean()
    frame = frame.sort_index()
    index = frame.index.to_timestamp() if isinstance(frame.index, pd.PeriodIndex) else frame.index
    ax = _axes(ax)
    for i, column in enumerate(frame.columns):
        values = frame[column].to_numpy(dtype=float)
        if len(frame.columns) == 1:
            ax.plot(index, values, color="C0", alpha=0.35, linewidth=0.8, label=f"{column} (each forecast)")
        rolling = pd.Series(values).rolling(window, min_periods=1).mean().to_numpy()
        ax.plot(index, rolling, color=f"C{i}", linewidth=2, label=f"{column}, {window}-point rolling mean")
    dated = isinstance(index, pd.DatetimeIndex)
    ax.set_xlabel("Month" if dated else (frame.index.name or "Forecast"))
    ax.set_ylabel(ylabel or ("Score" if len(frame.columns) > 1 else str(frame.columns[0])))
    ax.set_title(title or "Score over time")
    ax.legend(fontsize="small", frameon=False)
    if dated:
        ax.figure.autofmt_xdate()
    return ax
