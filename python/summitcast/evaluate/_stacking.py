"""Leave-future-out stacking of binary forecasts (Yao, Vehtari, Simpson &
Gelman 2018; Bürkner, Gabry & Vehtari 2020).

Stacking combines K forecasters into the mixture p = Σ_k w_k p_k with
weights on the simplex chosen to maximise the log score of the mixture on
held-out outcomes:

    w = argmax_{w ≥ 0, Σ w = 1}  Σ_i log( Σ_k w_k f_ik ),
    f_ik = p_ik if y_i = 1 else 1 − p_ik,

a concave problem (the log of a linear function, summed), solved by
Newton steps on the simplex (:func:`stacking_weights`).

*Leave future out*: the weights used at origin o are learned only from
windows whose outcome was known at o — an h-month window of origin o' is
known at o only if o' + h ≤ o — so the stacked forecast at o uses nothing
after o and is itself a no-look-ahead forecast.  While fewer than
``min_windows`` windows are known (the first h + min_windows − 1 origins of
a monthly backtest) the weights fall back to equal weights 1/K, the
mixture that assumes nothing about which model is better; the ``fallback``
column of the weights says where.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._common.validation import as_float_array, check_choice, check_int
from ._backtest_result import Backtest
from ._inputs import binary_outcomes, probabilities
from ._record import month_ordinals, ordinal_month

__all__ = ["STACKED", "stack_backtest", "stacking_weights"]

STACKED = "stacked"


def _mean_log(f: np.ndarray, w: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(f @ w)))


def _newton_direction(r: np.ndarray, g: np.ndarray, free: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Newton direction on the free weights under sum(d) = 0, maximising
    g'd + d'Hd/2 with H = -r'r/n; a weight at 0 that the step would make
    negative leaves the free set and the system is solved again."""
    free = free.copy()
    d = np.zeros(w.size)
    while free.sum() > 1:
        m = int(free.sum())
        kkt = np.zeros((m + 1, m + 1))
        kkt[:m, :m] = -(r[:, free].T @ r[:, free]) / r.shape[0]
        kkt[:m, m] = kkt[m, :m] = 1.0
        d[:] = 0.0
        d[free] = np.linalg.lstsq(kkt, np.concatenate([-g[free], [0.0]]), rcond=None)[0][:m]
        blocked = free & (w == 0.0) & (d < 0.0)
        if not blocked.any():
            if g @ d > 0.0:
                return d
            break
        free &= ~blocked
    # projected gradient on the weights that may move (always an ascent
    # direction unless the optimality conditions hold)
    movable = (w > 0.0) | (g > 1.0)
    d = np.where(movable, g - g[movable].mean(), 0.0)
    while ((w == 0.0) & (d < 0.0)).any():
        movable &= ~((w == 0.0) & (d < 0.0))
        d = np.where(movable, g - g[movable].mean(), 0.0)
    return d


def stacking_weights(p: Any, y: Any, *, tol: float = 1e-10, max_iter: int = 500) -> np.ndarray:
    """Weights of the mixture of K forecasters with the best mean log score.

    Solved by Newton steps on the face of the simplex the weights lie on
    (an active-set method): with g = ∇ mean log score, the optimum has
    g_k = 1 where w_k > 0 and g_k ≤ 1 where w_k = 0 (Σ_k w_k g_k = 1 for
    every w).  Each step solves the Newton system on the free weights (the
    positive ones and those whose g_k > 1) under Σ d = 0, frees no weight
    at 0 that it would push below 0, falls back to the projected gradient
    when that is not an ascent direction, keeps w ≥ 0 and backtracks until
    the mean log score rises (Armijo).  Weights of forecasters no better than the others'
    mixture end exactly at 0.

    Parameters
    ----------
    p : array (n, K)
        Forecast probabilities of the event by each of K forecasters.
    y : array (n,)
        Outcomes 0/1.
    tol : float
        Stop when the optimality conditions hold to within ``tol``.
    max_iter : int

    Returns
    -------
    ndarray (K,)
        Non-negative weights summing to 1.
    """
    probs = probabilities(p, "p", 2)
    outcome = binary_outcomes(y, "y")
    if outcome.size != probs.shape[0]:
        raise ValueError(f"p has {probs.shape[0]} rows but y has {outcome.size} outcomes")
    f = np.where(outcome[:, None] == 1.0, probs, 1.0 - probs)
    # a window every forecaster gave probability 0 has log score -inf under
    # every mixture: it cannot inform the weights
    f = f[f.max(axis=1) > 0.0]
    k = f.shape[1]
    w = np.full(k, 1.0 / k)
    if f.shape[0] == 0 or k == 1:
        return w
    value = _mean_log(f, w)
    for _ in range(check_int(max_iter, "max_iter", 1)):
        r = f / (f @ w)[:, None]
        g = r.mean(axis=0)
        on = w > 0.0
        if np.all(np.abs(g[on] - 1.0) < tol) and np.all(g[~on] - 1.0 < tol):
            break
        d = _newton_direction(r, g, on | (g > 1.0 + tol), w)
        slope = float(g @ d)
        if not slope > 0.0:
            break
        shrinking = d < 0.0
        step = min(1.0, float(np.min(-w[shrinking] / d[shrinking]))) if shrinking.any() else 1.0
        while step > 1e-16:
            trial = np.maximum(w + step * d, 0.0)
            trial /= trial.sum()
            new = _mean_log(f, trial)
            if new >= value + 1e-4 * step * slope:
                break
            step /= 2.0
        else:
            break
        trial[trial < 1e-14] = 0.0
        w = trial / trial.sum()
        value = _mean_log(f, w)
    return w


def _weights_over_origins(origin: np.ndarray, horizon: int, p: np.ndarray, y: np.ndarray, targets: np.ndarray,
                          min_windows: int) -> tuple[np.ndarray, np.ndarray]:
    """(weights (T, K), known counts (T,)) at each target origin (ordinals),
    from the rows whose window closed by then (origin + horizon ≤ target)."""
    k = p.shape[1]
    closes = origin + horizon
    weights = np.empty((targets.size, k))
    known = np.empty(targets.size, dtype=np.int64)
    cache: dict[bytes, np.ndarray] = {}
    for t, target in enumerate(targets):
        mask = closes <= target
        known[t] = int(mask.sum())
        if known[t] < min_windows:
            weights[t] = 1.0 / k
            continue
        key = mask.tobytes()
        if key not in cache:
            cache[key] = stacking_weights(p[mask], y[mask])
        weights[t] = cache[key]
    return weights, known


def stack_backtest(result: Backtest, *, by: tuple[str, ...] = ("series", "horizon"), min_windows: int = 24) -> Backtest:
    """Add the leave-future-out stacked forecast of every model as ``"stacked"``.

    Parameters
    ----------
    result : Backtest
    by : ("series", "horizon") or ("horizon",)
        Weights per series and horizon, or per horizon pooled over series.
    min_windows : int, default 24
        Known windows needed before the weights are learned (equal weights
        until then).

    Returns
    -------
    Backtest
        The same forecasts with the ``stacked`` rows added, and
        ``weights``: one row per (series, horizon, origin) with
        ``n_known``, ``fallback`` and one column per model.
    """
    if not isinstance(result, Backtest):
        raise TypeError(f"result must be a Backtest, got {type(result).__name__}")
    by = tuple(check_choice(tuple(by), "by", [("series", "horizon"), ("horizon",)]))
    min_windows = check_int(min_windows, "min_windows", 1)
    frame = result.frame[result.frame["model"] != STACKED]
    models = list(dict.fromkeys(frame["model"]))
    wide = frame.pivot(index=["series", "origin", "horizon"], columns="model", values="forecast")[models]
    outcome = frame.drop_duplicates(["series", "origin", "horizon"]).set_index(["series", "origin", "horizon"])
    wide["outcome"] = outcome["outcome"].reindex(wide.index)
    wide = wide.reset_index()
    as_ordinal = month_ordinals(wide["origin"])
    stacked_rows, weight_rows = [], []
    for key, group in wide.groupby(list(by), sort=True):
        idx = group.index.to_numpy()
        h = int(group["horizon"].iloc[0])
        p = as_float_array(group[models].to_numpy(), "forecast", 2)
        targets = np.unique(as_ordinal[idx])
        w, known = _weights_over_origins(as_ordinal[idx], h, p, group["outcome"].to_numpy(), targets, min_windows)
        row_weights = w[np.searchsorted(targets, as_ordinal[idx])]
        stacked_rows.append(group[["series", "origin", "horizon", "outcome"]].assign(
            model=STACKED, forecast=np.clip(np.sum(row_weights * p, axis=1), 0.0, 1.0)))
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        table = pd.DataFrame(w, columns=models)
        table.insert(0, "fallback", known < min_windows)
        table.insert(0, "n_known", known)
        table.insert(0, "origin", pd.DatetimeIndex([ordinal_month(o) for o in targets]))
        table.insert(0, "horizon", h)
        table.insert(0, "series", keys.get("series", "pooled"))
        weight_rows.append(table)
    stacked = pd.concat(stacked_rows, ignore_index=True)
    stacked = stacked.sort_values(["series", "origin", "horizon"], kind="stable")
    order = {s: i for i, s in enumerate(result.info["series"])}
    stacked = stacked.sort_values("series", key=lambda s: s.map(order), kind="stable")
    combined = pd.concat([frame, stacked], ignore_index=True)
    weights = pd.concat(weight_rows, ignore_index=True)
    info = dict(result.info, stacking={"by": by, "min_windows": min_windows})
    return Backtest(combined, result.unscored, info, weights)
