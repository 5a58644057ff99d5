"""Probability integral transform (PIT) values of predictive distributions.

If the outcome y is a draw from the predictive distribution F, then F(y) is
uniform on (0, 1) for continuous F: a PIT histogram that is not flat shows
bias (a slope), under-dispersion (a U) or over-dispersion (a hump).  For
counts F jumps, and the randomised PIT u = F(y − 1) + V (F(y) − F(y − 1)),
V ~ U(0, 1) independent, restores exact uniformity (Brockwell 2007; Czado,
Gneiting & Held 2009).  For m samples (an ensemble) with y exchangeable with
the members, the rank of y among the m + 1 values is uniform on {0..m}, and
u = (#{x_i < y} + V (#{x_i = y} + 1)) / (m + 1), ties broken at random, is
exactly uniform on (0, 1).  Without randomisation V = ½ (the mid-point).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._common.seeds import check_seed, generator
from .._common.validation import as_float_array, check_bool, describe
from ._inputs import counts, member_rows, numbers, output, pandas_index

__all__ = ["pit"]


def _cdf_values(cdf: Any, x: np.ndarray, name: str) -> np.ndarray:
    try:
        raw = cdf(x)
    except Exception as err:  # the user's function: say which call failed
        raise ValueError(f"{name} failed when evaluated at the outcomes: {err}") from err
    values = as_float_array(raw, f"{name}(y)")
    if values.shape != x.shape:
        try:
            values = np.broadcast_to(values, x.shape).copy()
        except ValueError:
            raise ValueError(f"{name} must return one value per outcome (shape {x.shape}), got shape {values.shape}") from None
    bad = (values < 0.0) | (values > 1.0)
    if bad.any():
        i = int(np.argmax(bad.reshape(-1)))
        raise ValueError(f"{name} must return probabilities in [0, 1], got {float(values.reshape(-1)[i])!r}")
    return values


def pit(
    y: Any,
    cdf: Any = None,
    *,
    samples: Any = None,
    discrete: bool | None = None,
    randomized: bool = True,
    seed: int | None = None,
) -> Any:
    """PIT values of outcomes under their predictive distributions.

    Give either ``cdf`` (the predictive CDFs) or ``samples`` (draws from them).

    Parameters
    ----------
    y : float, array_like or Series
        Outcomes.
    cdf : callable or object with a ``cdf`` method, optional
        Vectorised predictive CDF: ``cdf(x)`` returns F_i(x_i) for an array
        x shaped like y (e.g. a frozen ``scipy.stats`` distribution with
        array parameters, or ``lambda x: norm.cdf(x, mu, sigma)``).
    samples : (n, m) array_like, DataFrame or ForecastPaths, optional
        m draws from each of the n predictive distributions (rows; a
        ForecastPaths' paths for each of its months).
    discrete : bool, optional
        Whether the predictive distributions are integer-valued (counts): then
        y must be integers and the PIT is randomised over the jump
        F(y − 1)..F(y).  Default: True when ``cdf`` has a ``pmf`` method
        (a discrete scipy distribution), else False.
    randomized : bool, default True
        Randomise over jumps (counts) and ties (samples); False places the
        PIT at the middle of the jump, which is not uniform.
    seed : int, optional
        Seed of the randomisation (fresh entropy if None).  Continuous
        distributions without ties need no randomness.

    Returns
    -------
    float, ndarray or Series
        PIT values in [0, 1].
    """
    if (cdf is None) == (samples is None):
        raise TypeError("give exactly one of cdf and samples")
    randomized = check_bool(randomized, "randomized")
    samples = member_rows(samples)
    index = pandas_index(y=y, samples=samples)
    if samples is not None:
        outcome = numbers(y, "y", (0, 1))
        x = numbers(samples, "samples", (1, 2))
        if x.ndim == 1:
            x = x[None, :]
        if outcome.size != x.shape[0]:
            raise ValueError(f"samples has {x.shape[0]} forecasts (rows) but y has {outcome.size} outcomes")
        yy = outcome.reshape(-1)[:, None]
        below = (x < yy).sum(axis=1)
        ties = (x == yy).sum(axis=1)
        v = generator(check_seed(seed), "pit").random(below.size) if randomized else 0.5
        u = (below + v * (ties + 1)) / (x.shape[1] + 1)
        return output(u.reshape(outcome.shape), index, "pit")
    function = cdf.cdf if hasattr(cdf, "cdf") else cdf
    if not callable(function):
        raise TypeError(f"cdf must be callable or have a cdf method, got {describe(cdf)}")
    if discrete is None:
        discrete = hasattr(cdf, "pmf")
    discrete = check_bool(discrete, "discrete")
    outcome = counts(y, "y") if discrete else numbers(y, "y")
    upper = _cdf_values(function, outcome, "cdf")
    if not discrete:
        return output(upper, index, "pit")
    lower = _cdf_values(function, outcome - 1.0, "cdf")
    if (lower > upper + 1e-12).any():
        raise ValueError("cdf must be non-decreasing: cdf(y - 1) exceeds cdf(y) for some outcome")
    v = generator(check_seed(seed), "pit").random(outcome.shape) if randomized else 0.5
    return output(lower + v * (upper - lower), index, "pit")
