"""Forecast bins: the one convention for grouping probability forecasts.

``bins`` is an integer k (k equal-width bins on [0, 1]), an increasing
sequence of edges covering every forecast, or ``"unique"`` (one bin per
distinct forecast value, as Murphy's 1973 decomposition was first written).
Bin j holds the forecasts in [edge_j, edge_{j+1}); the last bin is closed,
so a forecast of exactly 1 lies in it.  Bins that hold no forecast are
left out of every table built on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._common.validation import as_float_array, check_int, describe

__all__ = ["Binned", "bin_forecasts"]


@dataclass(frozen=True)
class Binned:
    """Forecasts grouped into the K non-empty bins.

    ``code[i]`` is the bin of forecast i (0..K-1); ``lower``/``upper`` the
    bins' edges (equal for ``"unique"``), ``count`` the forecasts per bin and
    ``forecast_mean`` / ``observed`` the mean forecast and the observed
    frequency of the event in each bin.
    """

    code: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    count: np.ndarray
    forecast_mean: np.ndarray
    observed: np.ndarray


def _edges(bins: Any, p: np.ndarray) -> np.ndarray:
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, (bool, np.bool_)):
        k = check_int(bins, "bins", minimum=1)
        return np.linspace(0.0, 1.0, k + 1)
    if isinstance(bins, str) or np.ndim(bins) != 1:
        raise TypeError(f"bins must be an integer, a sequence of edges or 'unique', got {describe(bins)}")
    edges = as_float_array(bins, "bins", 1, min_size=2)
    if np.any(np.diff(edges) <= 0):
        raise ValueError(f"bins edges must be strictly increasing, got {edges.tolist()}")
    outside = (p < edges[0]) | (p > edges[-1])
    if outside.any():
        i = int(np.argmax(outside))
        raise ValueError(
            f"bins edges [{edges[0]:g}, {edges[-1]:g}] must cover every forecast; p has {float(p[i])!r} at position {i}"
        )
    return edges


def bin_forecasts(p: np.ndarray, y: np.ndarray, bins: Any) -> Binned:
    """Group forecasts ``p`` with outcomes ``y`` (1-D, equal length) into bins."""
    if isinstance(bins, str):
        if bins != "unique":
            raise ValueError(f"bins must be an integer, a sequence of edges or 'unique', got {bins!r}")
        values, code = np.unique(p, return_inverse=True)
        count = np.bincount(code).astype(float)
        # one bin per value: its mean is the value itself, free of summation rounding
        return Binned(code, values, values, count, values, np.bincount(code, weights=y) / count)
    edges = _edges(bins, p)
    raw = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    occupied, code = np.unique(raw, return_inverse=True)
    count = np.bincount(code).astype(float)
    return Binned(
        code=code,
        lower=edges[:-1][occupied],
        upper=edges[1:][occupied],
        count=count,
        forecast_mean=np.bincount(code, weights=p) / count,
        observed=np.bincount(code, weights=y) / count,
    )
