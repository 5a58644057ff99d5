"""The Kalman filter and smoother for a general state-space system."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core


def _as_list(value: Any, name: str, n: int) -> list[np.ndarray]:
    """A system matrix as one 2-D array (time-invariant) or a 3-D array (n, rows, cols)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 2:
        return [np.asfortranarray(arr)]
    if arr.ndim == 3:
        if arr.shape[0] != n:
            raise ValueError(f"{name} is time-varying with {arr.shape[0]} slices but y has {n} time points")
        return [np.asfortranarray(a) for a in arr]
    raise ValueError(f"{name} must be 2-D, or 3-D (time, rows, cols), got shape {arr.shape}")


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
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or 2-D (time, series), got shape {y.shape}")
    n, p = y.shape
    Zl = _as_list(Z, "Z", n)
    m = Zl[0].shape[1]
    a1 = np.asarray(a1, dtype=float).reshape(-1)
    P1 = np.zeros((m, m)) if P1 is None else np.asarray(P1, dtype=float)
    P1_diffuse = np.zeros((m, m)) if P1_diffuse is None else np.asarray(P1_diffuse, dtype=float)
    d_arr = np.zeros((p, 1)) if d is None else np.asarray(d, dtype=float)
    if d_arr.ndim == 1:
        d_arr = d_arr[:, None]
    elif d_arr.shape[0] == n and d_arr.shape[1] == p:
        d_arr = d_arr.T
    c_arr = np.zeros((m, 1)) if c is None else np.asarray(c, dtype=float)
    if c_arr.ndim == 1:
        c_arr = c_arr[:, None]
    elif c_arr.shape[0] == n and c_arr.shape[1] == m:
        c_arr = c_arr.T
    out = _core.statespace.kalman_filter(
        Zl, _as_list(H, "H", n), _as_list(T, "T", n), _as_list(R, "R", n), _as_list(Q, "Q", n),
        np.asfortranarray(d_arr), np.asfortranarray(c_arr), a1, P1, P1_diffuse, np.asfortranarray(y.T),
        True, bool(smooth), bool(steady_state), int(loglikelihood_burn),
    )
    if smooth:
        raw = out["smoothed_state_cov"]
        out["smoothed_state_cov"] = raw.reshape(m, m, -1, order="F").transpose(2, 0, 1)
    raw = out.pop("predicted_state_cov")
    out["predicted_state_cov"] = raw.reshape(m, m, -1, order="F").transpose(2, 0, 1)
    return out
