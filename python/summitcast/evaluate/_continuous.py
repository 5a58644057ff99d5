"""Scores of predictive distributions for continuous quantities and counts:
the CRPS in closed form and from samples, and the interval score.

The CRPS, ``∫ (F(x) − 1{y ≤ x})² dx = E|X − y| − ½E|X − X'|``, is in the
units of the outcome, negatively oriented, and reduces to the absolute error
for a point forecast.  The closed forms and the ensemble sums run in C++
(``cpp/include/summitcast/score/``) with the GIL released.  All functions
broadcast their arguments like numpy and return one score per forecast: a
Series on the inputs' index when they were pandas, a float for scalars.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._common.validation import MAX_ABS_VALUE, check_bool, check_int
from ._inputs import broadcast, counts, member_rows, numbers, output, pandas_index, probabilities, refuse

__all__ = ["crps_ensemble", "crps_negbin", "crps_normal", "crps_poisson", "interval_score"]


def _run(kernel: Any, shape: tuple[int, ...], *arrays: np.ndarray) -> np.ndarray:
    flat = [np.ascontiguousarray(a.reshape(-1)) for a in arrays]
    return np.asarray(kernel(*flat)).reshape(shape)


def crps_normal(y: Any, mu: Any, sigma: Any) -> Any:
    """CRPS of normal predictive distributions N(mu, sigma²) at outcomes y.

    ``sigma * (z (2Φ(z) − 1) + 2φ(z) − 1/√π)`` with ``z = (y − mu)/sigma``
    (Gneiting, Raftery, Westveld & Goldman 2005).  ``sigma = 0`` is a point
    forecast, scored by its absolute error.

    Parameters
    ----------
    y : float, array_like or Series
        Outcomes.
    mu : float, array_like or Series
        Predictive means.
    sigma : float, array_like or Series
        Predictive standard deviations, >= 0.

    Returns
    -------
    float, ndarray or Series
    """
    index = pandas_index(y=y, mu=mu, sigma=sigma)
    yy, m, s = broadcast(y=numbers(y, "y"), mu=numbers(mu, "mu"), sigma=numbers(sigma, "sigma"))
    refuse(s, s < 0.0, "sigma", "a standard deviation >= 0")
    return output(_run(_core.score.crps_normal, yy.shape, yy, m, s), index, "crps")


def crps_poisson(y: Any, mu: Any) -> Any:
    """CRPS of Poisson predictive distributions with means mu at counts y.

    Closed form of Wei & Held (2014): ``(y − μ)(2F(y) − 1) + 2μ f(y) −
    μ e^{−2μ}(I₀(2μ) + I₁(2μ))`` with F, f the Poisson CDF and mass function
    and I the modified Bessel functions, evaluated without overflow for any
    mean (scaled Bessel functions beyond 2μ = 700).

    Parameters
    ----------
    y : int, array_like or Series
        Observed counts (non-negative integers).
    mu : float, array_like or Series
        Predictive means, >= 0 (0 is the point mass at 0).

    Returns
    -------
    float, ndarray or Series
    """
    index = pandas_index(y=y, mu=mu)
    yy, m = broadcast(y=counts(y, "y"), mu=numbers(mu, "mu"))
    refuse(m, m < 0.0, "mu", "a Poisson mean >= 0")
    return output(_run(_core.score.crps_poisson, yy.shape, yy, m), index, "crps")


def crps_negbin(y: Any, size: Any, prob: Any) -> Any:
    """CRPS of negative-binomial predictive distributions at counts y.

    R's parametrisation (``dnbinom(y, size, prob)``): the number of failures
    before the ``size``-th success with success probability ``prob``, mean
    ``size (1 − prob)/prob``; for a mean μ and size n, ``prob = n/(n + μ)``.
    Where the support is short (up to 2,000 terms: means up to a few hundred
    unless the tail is very heavy) the CRPS is summed from its definition,
    ``sum_k (F(k) - 1{y <= k})**2``, exactly; beyond, the closed form of Wei &
    Held (2014) is used, with the hypergeometric term
    ₂F₁(n + 1, ½; 2; −4(1 − p)/p²) from a quadrature of Euler's integral that
    stays accurate where the hypergeometric series diverges.

    Parameters
    ----------
    y : int, array_like or Series
        Observed counts (non-negative integers).
    size : float, array_like or Series
        Size (dispersion) parameters, > 0 (need not be integers).
    prob : float, array_like or Series
        Success probabilities in (0, 1] (1 is the point mass at 0).

    Returns
    -------
    float, ndarray or Series
    """
    index = pandas_index(y=y, size=size, prob=prob)
    yy, n, p = broadcast(y=counts(y, "y"), size=numbers(size, "size"), prob=probabilities(prob, "prob"))
    refuse(n, n <= 0.0, "size", "a negative-binomial size > 0")
    refuse(p, p <= 0.0, "prob", "a success probability in (0, 1]")
    return output(_run(_core.score.crps_negbin, yy.shape, yy, n, p), index, "crps")


def crps_ensemble(y: Any, samples: Any, fair: bool = False, *, axis: int = -1) -> Any:
    """CRPS of forecasts given as samples (ensemble members, simulated draws).

    Plain form: the CRPS of the samples' empirical distribution,
    ``mean|x_i − y| − (1/(2m²)) ΣΣ|x_i − x_j|``.  Fair form (``fair=True``;
    Ferro 2014): the second sum divided by ``2m(m − 1)`` instead, which makes
    the score of m independent draws from F unbiased for the CRPS of F itself
    (the plain form is biased upwards by ``E|X − X'|/(2m)``).  Each forecast
    costs O(m log m) (one sort).

    Parameters
    ----------
    y : float, array_like or Series
        Outcomes, one per forecast (shape ``samples.shape`` without ``axis``).
    samples : array_like, DataFrame or ForecastPaths
        The members; a DataFrame has one row per forecast and one column per
        member, a ForecastPaths one forecast per month (its paths are the
        members).  A 1-D array is one forecast.
    fair : bool, default False
        The fair (unbiased) form; needs at least 2 members.
    axis : int, default -1
        The members' axis of ``samples``.

    Returns
    -------
    float, ndarray or Series
    """
    check_bool(fair, "fair")
    samples = member_rows(samples)
    index = pandas_index(y=y, samples=samples)
    x = _members(samples)
    axis = check_int(axis, "axis")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis must be a valid axis of samples (shape {x.shape}), got {axis}")
    x = np.moveaxis(x, axis, -1)
    m = x.shape[-1]
    if fair and m < 2:
        raise ValueError(f"the fair CRPS needs at least 2 members, got samples with {m}")
    outcome = numbers(y, "y")
    if outcome.shape != x.shape[:-1]:
        try:
            outcome = np.broadcast_to(outcome, x.shape[:-1])
        except ValueError:
            raise ValueError(
                f"y must have one outcome per forecast: shape {x.shape[:-1]} for samples of shape {x.shape} "
                f"(members on axis {axis}), got {outcome.shape}"
            ) from None
    shape = outcome.shape
    # numpy's vectorised sort is several times faster than std::sort on rows
    # of this size; the core then makes one O(m) pass per forecast.
    members = np.sort(x.reshape(-1, m), axis=-1)
    # Sorted rows hold their extremes at the ends (NaN sorts last), so the
    # ends alone tell whether every member is finite and of usable size.
    ends = members[:, [0, -1]]
    if members.size and not (np.isfinite(ends).all() and np.abs(ends).max() <= MAX_ABS_VALUE):
        numbers(x, "samples")  # raises, naming the first bad member
    scores = _core.score.crps_ensemble(np.ascontiguousarray(outcome.reshape(-1)), members, fair, presorted=True)
    return output(np.asarray(scores).reshape(shape), index, "crps")


def _members(samples: Any) -> np.ndarray:
    """Ensemble members as float64; a float64 array is taken as it is (its
    values are checked after sorting, in O(n) rather than O(n m))."""
    if isinstance(samples, np.ndarray) and samples.dtype == np.float64:
        if samples.size == 0:
            raise ValueError(f"samples must have at least 1 value(s), got {samples.size}")
        return samples
    return numbers(samples, "samples")


def interval_score(y: Any, lower: Any, upper: Any, alpha: Any) -> Any:
    """Interval score of central (1 − alpha) prediction intervals [lower, upper].

    ``(u − l) + (2/α)(l − y) 1{y < l} + (2/α)(y − u) 1{y > u}`` (Gneiting &
    Raftery 2007, eq. 43): the width plus a penalty for missing the outcome,
    proper for the α/2 and 1 − α/2 quantiles.

    Parameters
    ----------
    y : float, array_like or Series
        Outcomes.
    lower, upper : float, array_like or Series
        Interval bounds, ``lower <= upper``.
    alpha : float or array_like
        Tail probability in (0, 1): a 90% interval has ``alpha = 0.1``.

    Returns
    -------
    float, ndarray or Series
    """
    index = pandas_index(y=y, lower=lower, upper=upper, alpha=alpha)
    yy, lo, hi, a = broadcast(y=numbers(y, "y"), lower=numbers(lower, "lower"), upper=numbers(upper, "upper"),
                              alpha=numbers(alpha, "alpha"))
    refuse(a, (a <= 0.0) | (a >= 1.0), "alpha", "in (0, 1)")
    refuse(lo, lo > hi, "lower", "at most upper", shown=lambda pos: f"{float(lo[pos])!r} > upper {float(hi[pos])!r}")
    score = (hi - lo) + (2.0 / a) * np.maximum(lo - yy, 0.0) + (2.0 / a) * np.maximum(yy - hi, 0.0)
    return output(score, index, "interval_score")
