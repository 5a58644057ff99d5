"""The Kalman filter and smoother for a general state-space system."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._common.validation import MAX_COUNT, as_float_array, check_bool, check_int


def _as_list(value: Any, name: str, n: int) -> list[np.ndarray]:
    """A system matrix as one 2-D array (time-invariant) or a 3-D array (n, rows, cols)."""
    arr = as_float_array(value, name, (2, 3), min_size=0)
    if arr.ndim == 2:
        return [np.asfortranarray(arr)]
    if arr.shape[0] != n:
        raise ValueError(f"{name} is time-varying with {arr.shape[0]} slices but y has {n} time points")
    return [np.asfortranarray(a) for a in arr]


def _check_shape(matrices: list[np.ndarray], name: str, rows: int, cols: int, why: str) -> None:
    got = matrices[0].shape
    if got != (rows, cols):
        raise ValueError(f"{name} must be {rows} x {cols}, got {got[0]} x {got[1]} ({why})")


def _intercept(value: Any, name: str, n: int, k: int, what: str) -> np.ndarray:
    """d (k = p) or c (k = m): (k,) time-invariant or (n, k), as k x 1 or k x n."""
    if value is None:
        return np.zeros((k, 1), order="F")
    arr = as_float_array(value, name, (1, 2))
    if arr.ndim == 1:
        if arr.shape[0] != k:
            raise ValueError(f"{name} must have {k} values ({what}), got {arr.shape[0]}")
        return np.asfortranarray(arr[:, None])
    if arr.shape != (n, k):
        raise ValueError(f"{name} must be ({k},) or ({n}, {k}) (time points x {what}), got {arr.shape}")
    return np.asfortranarray(arr.T)


def kalman_filter(
    y: Any,
    Z: Any,
    H: Any,
    T: Any,
    R: Any,
    Q: Any,
    a1: Any,
    P1: Any = None,
    P1_diffuse: Any = None,
    d: Any = None,
    c: Any = None,
    smooth: bool = True,
    steady_state: bool = True,
    loglikelihood_burn: int = 0,
) -> dict[str, np.ndarray]:
    """Filter (and smooth) y_t = d_t + Z_t α_t + ε_t, α_{t+1} = c_t + T_t α_t + R_t η_t.

    Parameters
    ----------
    y : array (n,) or (n, p)
        Observations, NaN where missing (whole rows or single elements).
    Z, H, T, R, Q : arrays
        System matrices, each 2-D (time-invariant) or 3-D with time first.
        H must be diagonal (the filter treats observations one at a time).
    a1, P1, P1_diffuse : arrays
        Initial state mean and the proper and diffuse parts of its variance
        (P1_diffuse = I for the states with an exact diffuse prior).
    d, c : arrays, optional
        Observation (n, p) or (p,) and state (n, m) or (m,) intercepts.

    Returns
    -------
    dict
        ``loglike``, ``loglike_t``, ``predicted_state`` (n + 1, m),
        ``filtered_state`` (n, m), ``forecast_error`` and its variances
        (n, p), and with ``smooth``: ``smoothed_state`` (n, m),
        ``smoothed_state_cov`` (n, m, m), ``smoothed_obs_disturbance``
        (n, p), ``smoothed_state_disturbance`` (n, r).
    """
    y = as_float_array(y, "y", (1, 2), allow_nan=True, allow_inf=True, min_size=0)  # the core names infinities
    if y.ndim == 1:
        y = y[:, None]
    n, p = y.shape
    Tl = _as_list(T, "T", n)
    m = Tl[0].shape[0]
    if m < 1:
        raise ValueError(f"T must have at least one state (1 x 1 or larger), got {Tl[0].shape}")
    _check_shape(Tl, "T", m, m, "square: states x states")
    Zl, Hl, Rl, Ql = _as_list(Z, "Z", n), _as_list(H, "H", n), _as_list(R, "R", n), _as_list(Q, "Q", n)
    if Zl[0].shape[0] != p:
        raise ValueError(f"y has {p} series (columns) but Z has {Zl[0].shape[0]} rows (one per series); they must agree")
    _check_shape(Zl, "Z", p, m, f"the {p} series of y x the {m} states of T")
    _check_shape(Hl, "H", p, p, f"the {p} series of y")
    r = Rl[0].shape[1]
    _check_shape(Rl, "R", m, r, f"the {m} states of T x disturbances")
    _check_shape(Ql, "Q", r, r, f"the {r} disturbances of R")
    a1 = as_float_array(a1, "a1", (1, 2)).reshape(-1)
    if a1.shape[0] != m:
        raise ValueError(f"a1 must have {m} values (the states of T), got {a1.shape[0]}")
    initial = []
    for value, name in ((P1, "P1"), (P1_diffuse, "P1_diffuse")):
        arr = np.zeros((m, m)) if value is None else as_float_array(value, name, 2)
        _check_shape([arr], name, m, m, f"the {m} states of T")
        initial.append(arr)
    d_arr = _intercept(d, "d", n, p, "the series of y")
    c_arr = _intercept(c, "c", n, m, "the states of T")
    smooth = check_bool(smooth, "smooth")
    steady_state = check_bool(steady_state, "steady_state")
    loglikelihood_burn = check_int(loglikelihood_burn, "loglikelihood_burn", -MAX_COUNT, MAX_COUNT)  # the core checks the range
    out = _core.statespace.kalman_filter(
        Zl, Hl, Tl, Rl, Ql, d_arr, c_arr, a1, initial[0], initial[1], np.asfortranarray(y.T),
        True, smooth, steady_state, loglikelihood_burn,
    )
    if smooth:
        raw = out["smoothed_state_cov"]
        out["smoothed_state_cov"] = raw.reshape(m, m, -1, order="F").transpose(2, 0, 1)
    raw = out.pop("predicted_state_cov")
    out["predicted_state_cov"] = raw.reshape(m, m, -1, order="F").transpose(2, 0, 1)
    return out
