"""Leave-future-out logistic recalibration of binary forecasts.

A forecaster whose past forecasts were too high (or too timid) on average
says so in its own record.  Recalibration maps its forecast p through

    logit p′ = a + b · logit p,

the logistic (Platt) form of the beta-transformed linear pool with one
component (Ranjan & Gneiting 2010): a shifts every forecast's log odds (a
bias), b stretches or shrinks their spread (b > 1: sharper).  (a, b) is
the maximum a posteriori of the Bernoulli likelihood of past windows under
Gaussian priors centred on the identity map (a = 0, b = 1), found by Newton
steps (the log posterior is strictly concave: a logistic regression on the
two columns [1, logit p] plus two Gaussian log densities).

*Leave future out*, as in :mod:`summitcast.evaluate._stacking`: the map used
at origin o is learned only from windows whose outcome was known at o (an
h-month window of origin o′ with o′ + h ≤ o), so the recalibrated forecast
is itself a no-look-ahead forecast.  Each window is weighted 1/h: an h-month
window shares its months with its h − 1 neighbours, so h consecutive
windows carry about one window's information, and the prior is weighed
against that effective size rather than the count.  With no window known
the map is the prior's mode, the identity.

*A slope per series* (``series_slope``, recalibration 5): a series more
regular than the pool gets forecasts too timid, one less regular too
sharp, and a shift cannot mend either; logit p′ = a + u_s + (b + v_s)
logit p with v_s ~ N(0, series_slope²) lets each series' spread differ
from the pool's, partially pooled as the shifts are.

*Forgetting* (``half_life``, recalibration 4 of
``benchmarks/results/skill_configurations.md``): a bias that drifts is
better followed by weighing old windows less, as the decaying-average bias
correction of ensemble post-processing does (Cui, Toth, Zhu & Hou 2012).
With a half-life of H months, the map at month o weighs a window that
closed at month c by (1/h) · 2^(−(o − c)/H); the total weight then levels
off near H / ln 2 months' worth of windows instead of growing without end,
so the priors keep their say.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._common.logistic import expit
from .._common.validation import as_float_array, check_choice, check_float, check_positive
from ._backtest_result import Backtest
from ._inputs import binary_outcomes, probabilities
from ._record import month_ordinals, ordinal_month

__all__ = ["RECALIBRATED", "logistic_recalibration", "recalibrate", "recalibrate_backtest"]

RECALIBRATED = "recalibrated"
#: Priors of the map (recalibration 1 of ``benchmarks/results/skill_configurations.md``):
#: a ~ N(0, 0.5²): a bias beyond one unit of log odds is implausible; b ~ N(1, 0.25²):
#: forecasts too spread or too timid by up to about half.
PRIOR_SHIFT = (0.0, 0.5)
PRIOR_SLOPE = (1.0, 0.25)
#: Forecasts are clipped to [CLIP, 1 − CLIP] before their logit (a forecast of exactly 0 or 1 has none).
CLIP = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, CLIP, 1.0 - CLIP)
    return np.log(q) - np.log1p(-q)


def _check_prior(value: Any, name: str) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (mean, sd), got {value!r}")
    return check_float(value[0], f"{name}[0]"), check_positive(value[1], f"{name}[1]")


def _map(design: np.ndarray, y: np.ndarray, w: np.ndarray, mean: np.ndarray, precision: np.ndarray,
         start: np.ndarray) -> np.ndarray:
    """MAP coefficients of the weighted logistic regression of y on the columns of ``design``
    under independent Gaussian priors (``mean``, ``precision`` = 1 / sd² per coefficient)."""

    def log_post(theta: np.ndarray) -> float:
        eta = design @ theta
        # y eta − log(1 + e^eta) = y eta − max(eta, 0) − log1p(e^−|eta|)
        lik = w @ (y * eta - np.maximum(eta, 0.0) - np.log1p(np.exp(-np.abs(eta))))
        return float(lik - 0.5 * precision @ (theta - mean) ** 2)

    theta = start.copy()
    value = log_post(theta)
    for _ in range(100):
        prob = expit(design @ theta)
        grad = design.T @ (w * (y - prob)) - precision * (theta - mean)
        hess = -(design.T * (w * prob * (1.0 - prob))) @ design - np.diag(precision)
        step = np.linalg.solve(hess, -grad)
        scale = 1.0
        while True:  # halve until the log posterior does not fall (it is concave: a small step ascends)
            trial = theta + scale * step
            new = log_post(trial)
            if new >= value or scale < 1e-12:
                break
            scale /= 2.0
        theta, moved, value = trial, float(np.max(np.abs(scale * step))), new
        if moved < 1e-12:
            break
    return theta


def _priors(prior_a: tuple[float, float], prior_b: tuple[float, float], shifts: int = 0,
            shift_sd: float = 1.0, slopes: int = 0, slope_sd: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Prior means and precisions of (a, b, u_1 … u_shifts, v_1 … v_slopes), u_s ~ N(0, shift_sd²),
    v_s ~ N(0, slope_sd²)."""
    mean = np.concatenate([[prior_a[0], prior_b[0]], np.zeros(shifts + slopes)])
    precision = np.concatenate([[prior_a[1] ** -2, prior_b[1] ** -2], np.full(shifts, shift_sd ** -2),
                                np.full(slopes, slope_sd ** -2)])
    return mean, precision


def logistic_recalibration(p: Any, y: Any, *, weights: Any = None, prior_shift: tuple[float, float] = PRIOR_SHIFT,
                           prior_slope: tuple[float, float] = PRIOR_SLOPE) -> tuple[float, float]:
    """The map logit p′ = a + b logit p that best fits past forecasts ``p`` and outcomes ``y``.

    Parameters
    ----------
    p : array (n,)
        Forecast probabilities.
    y : array (n,)
        Outcomes 0/1.
    weights : array (n,), optional
        Non-negative weights of the windows (default 1 each).
    prior_shift, prior_slope : (mean, sd)
        Gaussian priors of a and b (defaults: N(0, 0.5²) and N(1, 0.25²)).

    Returns
    -------
    (a, b) : the maximum a posteriori map.
    """
    probs = probabilities(p, "p")
    outcome = binary_outcomes(y, "y")
    if outcome.size != probs.size:
        raise ValueError(f"p has {probs.size} forecasts but y has {outcome.size} outcomes")
    w = np.ones(probs.size) if weights is None else as_float_array(weights, "weights", 1)
    if w.size != probs.size:
        raise ValueError(f"weights has {w.size} entries but p has {probs.size} forecasts")
    if np.any(w < 0):
        raise ValueError(f"weights must be non-negative, got {float(w.min())!r}")
    prior_a, prior_b = _check_prior(prior_shift, "prior_shift"), _check_prior(prior_slope, "prior_slope")
    x = _logit(probs)
    mean, precision = _priors(prior_a, prior_b)
    a, b = _map(np.column_stack([np.ones_like(x), x]), outcome, w, mean, precision, mean)
    return float(a), float(b)


def recalibrate(p: Any, a: float, b: float) -> np.ndarray:
    """p′ = expit(a + b logit p) (p clipped to [1e-6, 1 − 1e-6] first)."""
    return expit(check_float(a, "a") + check_float(b, "b") * _logit(probabilities(p, "p")))


def recalibration_slope(p: Any, a: float, b: float) -> np.ndarray:
    """dp′/dp = b p′(1 − p′) / (q(1 − q)), q = p clipped as :func:`recalibrate` clips it
    (the delta method's factor for a standard deviation carried through the map)."""
    q = np.clip(probabilities(p, "p"), CLIP, 1.0 - CLIP)
    mapped = recalibrate(q, a, b)
    return check_float(b, "b") * mapped * (1.0 - mapped) / (q * (1.0 - q))


def recalibrate_backtest(result: Backtest, model: str | None = None, *, by: tuple[str, ...] = ("horizon",),
                         prior_shift: tuple[float, float] = PRIOR_SHIFT,
                         prior_slope: tuple[float, float] = PRIOR_SLOPE,
                         series_shift: float | None = None, series_slope: float | None = None,
                         half_life: float | None = None) -> Backtest:
    """Add ``model``'s leave-future-out recalibrated forecast as ``"recalibrated"``.

    Parameters
    ----------
    result : Backtest
    model : str, optional
        The model recalibrated (default: the first, the forecaster when there is one).
    by : ("horizon",), ("series", "horizon") or ()
        One map per horizon pooled over series, one per series and horizon,
        or one map for every horizon and series (learned from the windows of
        every horizon; its rows in ``maps`` have horizon ``"all"``).
    prior_shift, prior_slope : (mean, sd)
        Gaussian priors of a and b.
    series_shift : float, optional
        With ``by=()`` only: the sd of a shift per series, partially pooled,
        logit p′ = a + u_s + b logit p with u_s ~ N(0, series_shift²),
        learned jointly with (a, b) (recalibration 3 of
        ``benchmarks/results/skill_configurations.md``); ``maps`` then has a
        row per series and month whose ``a`` is a + u_s.  None (default):
        no shift per series.
    series_slope : float, optional
        With ``series_shift`` only: the sd of a slope per series, partially
        pooled, logit p′ = a + u_s + (b + v_s) logit p with v_s ~ N(0,
        series_slope²) (recalibration 5); ``maps`` then has b + v_s in ``b``.
        None (default): one slope for every series.
    half_life : float, optional
        Months after which a closed window's weight has halved (the map at
        month o weighs a window closed at c by (1/h) · 2^(−(o − c)/half_life));
        None (default): every closed window weighs 1/h whatever its age.

    Returns
    -------
    Backtest
        The same forecasts with the ``recalibrated`` rows added; its
        ``info["recalibration"]`` holds the settings and ``maps``: one row
        per (series or "pooled", horizon, month) with ``n_known`` (windows
        closed by then), ``a`` and ``b``, for every month from the first
        origin to the month the last window closes (the map a forecast made
        then would use; ``SummitForecaster(recalibration=maps)`` reads it).
    """
    if not isinstance(result, Backtest):
        raise TypeError(f"result must be a Backtest, got {type(result).__name__}")
    frame = result.frame[result.frame["model"] != RECALIBRATED]
    models = list(dict.fromkeys(frame["model"]))
    model = models[0] if model is None else check_choice(model, "model", models)
    by = tuple(check_choice(tuple(by), "by", [("horizon",), ("series", "horizon"), ()]))
    prior_a, prior_b = _check_prior(prior_shift, "prior_shift"), _check_prior(prior_slope, "prior_slope")
    if series_shift is not None:
        series_shift = check_positive(series_shift, "series_shift")
        if by:
            raise ValueError(f"series_shift needs by=() (one map for every horizon and series), got by={by!r}")
    if series_slope is not None:
        series_slope = check_positive(series_slope, "series_slope")
        if series_shift is None:
            raise ValueError(f"series_slope needs series_shift (a shift per series besides), got series_slope="
                             f"{series_slope!r} with series_shift=None")
    if half_life is not None:
        half_life = check_positive(half_life, "half_life")
    rows = frame[frame["model"] == model].reset_index(drop=True)
    ordinal = month_ordinals(rows["origin"])
    x = _logit(probabilities(rows["forecast"].to_numpy(), "forecast"))
    y = binary_outcomes(rows["outcome"].to_numpy(), "outcome")
    forecast = np.empty(len(rows))
    maps = []
    horizon = rows["horizon"].to_numpy(dtype=np.int64)
    closes = ordinal + horizon
    weight = 1.0 / horizon
    # the design: [1, logit p], with series_shift an indicator column per series, and with
    # series_slope logit p times each indicator
    names = sorted(rows["series"].astype(str).unique()) if series_shift is not None else []
    columns = [np.ones_like(x), x]
    if names:
        code = pd.Categorical(rows["series"].astype(str), categories=names).codes
        indicators = [(code == k).astype(float) for k in range(len(names))]
        columns += indicators + ([x * ind for ind in indicators] if series_slope is not None else [])
    design = np.column_stack(columns)
    slopes = len(names) if series_slope is not None else 0
    mean, precision = _priors(prior_a, prior_b, len(names), series_shift or 1.0, slopes, series_slope or 1.0)
    groups = rows.groupby(list(by), sort=True) if by else [((), rows)]
    for key, group in groups:
        idx = group.index.to_numpy()
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        theta = mean.copy()
        # every month from the first origin to the month the last window closes (ascending:
        # each map starts from the last); forecasts use the map of their origin
        for target in range(int(ordinal[idx].min()), int(closes[idx].max()) + 1):
            known = idx[closes[idx] <= target]
            if known.size:
                w = weight[known]
                if half_life is not None:  # older windows weigh less: 2^(-age / half_life)
                    w = w * np.exp2(-(target - closes[known]) / half_life)
                theta = _map(design[known], y[known], w, mean, precision, theta)
            here = idx[ordinal[idx] == target]
            forecast[here] = expit(design[here] @ theta)
            month = ordinal_month(target)
            if names:
                slope = theta[1] + (theta[2 + len(names):] if slopes else np.zeros(len(names)))
                maps += [(name, "all", month, known.size, theta[0] + theta[2 + k], slope[k])
                         for k, name in enumerate(names)]
            else:
                maps.append((keys.get("series", "pooled"), keys.get("horizon", "all"), month, known.size,
                             theta[0], theta[1]))
    added = rows.assign(model=RECALIBRATED, forecast=forecast)
    combined = pd.concat([frame, added], ignore_index=True)
    table = pd.DataFrame(maps, columns=["series", "horizon", "origin", "n_known", "a", "b"])
    table["origin"] = pd.DatetimeIndex(table["origin"])
    info = dict(result.info, recalibration={"model": model, "by": by, "prior_shift": prior_a,
                                            "prior_slope": prior_b, "series_shift": series_shift,
                                            "series_slope": series_slope, "half_life": half_life,
                                            "maps": table})
    return Backtest(combined, result.unscored, info, result.weights)
