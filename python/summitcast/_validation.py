"""Input validation shared by the user-facing models.

Everything that reaches the compiled core passes through here first, so a bad
argument gets a ValueError or TypeError that names it and its value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def as_endog(endog: Any, name: str = "endog") -> tuple[np.ndarray, pd.Index]:
    """Return (values as float64, index) for a 1-D series of observations.

    Accepts a pandas Series (DatetimeIndex or PeriodIndex with a regular
    frequency, or an integer index) or a 1-D array.  NaN marks a missing value;
    infinite values, non-numeric data and irregular or duplicated indexes are
    rejected.
    """
    if isinstance(endog, pd.DataFrame):
        if endog.shape[1] != 1:
            raise ValueError(f"{name} must be one series, got a DataFrame with {endog.shape[1]} columns")
        endog = endog.iloc[:, 0]
    if isinstance(endog, pd.Series):
        series = endog
    else:
        arr = np.asarray(endog)
        if arr.ndim == 2 and 1 in arr.shape:
            arr = arr.reshape(-1)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        series = pd.Series(arr)
    if series.dtype == bool or not pd.api.types.is_numeric_dtype(series.dtype):
        raise TypeError(f"{name} must be numeric, got dtype {series.dtype}")
    values = series.to_numpy(dtype=float, na_value=np.nan)
    if values.size == 0:
        raise ValueError(f"{name} is empty")
    bad = np.isinf(values)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} contains infinite values ({int(bad.sum())} of them; first at position {first})")
    if np.isnan(values).all():
        raise ValueError(f"{name} has no observed values: all {values.size} are NaN")
    index = check_index(series.index, name)
    return values, index


def check_index(index: pd.Index, name: str) -> pd.Index:
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(f"{name} has a duplicated index value: {dup!r}")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}'s index must be sorted in increasing order")
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError(
                f"{name} has a DatetimeIndex with no regular frequency; give it one (e.g. .asfreq('MS'))"
            )
        if index.freq is None:
            index = pd.DatetimeIndex(index, freq=freq)
    return index


def as_exog(exog: Any, nobs: int, index: pd.Index, name: str = "exog") -> tuple[np.ndarray, list[str]]:
    """Return (n x k float64 array, column names) for regressors.

    Policy for missing regressors: an error.  A regression effect cannot be
    formed where x_t is unknown, and silently dropping or filling rows would
    change the model; fill or drop them before fitting.
    """
    if exog is None:
        return np.zeros((nobs, 0)), []
    if isinstance(exog, pd.Series):
        exog = exog.to_frame(name=exog.name if exog.name is not None else "x0")
    if isinstance(exog, pd.DataFrame):
        if len(exog) == nobs and not isinstance(index, pd.RangeIndex) and not exog.index.equals(index):
            raise ValueError(f"{name}'s index does not match endog's index")
        names = [str(c) for c in exog.columns]
        frame = exog
    else:
        arr = np.asarray(exog)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(f"{name} must be two-dimensional, got shape {arr.shape}")
        names = [f"x{j}" for j in range(arr.shape[1])]
        frame = pd.DataFrame(arr)
    if len(frame) != nobs:
        raise ValueError(f"{name} must have {nobs} rows (one per observation), got {len(frame)}")
    for col in frame.columns:
        if frame[col].dtype == bool or not pd.api.types.is_numeric_dtype(frame[col].dtype):
            raise TypeError(f"{name} column {col!r} must be numeric, got dtype {frame[col].dtype}")
    values = frame.to_numpy(dtype=float, na_value=np.nan)
    nan_rows = np.flatnonzero(~np.isfinite(values).all(axis=1))
    if nan_rows.size:
        raise ValueError(
            f"{name} has NaN or infinite values in {nan_rows.size} rows (first at position {nan_rows[0]}); "
            "summitcast does not fill or drop regressors for you"
        )
    return np.ascontiguousarray(values), names


def future_index(index: pd.Index, steps: int) -> pd.Index:
    """The `steps` index labels that follow `index`: dates continue its
    frequency, integers count on with their step."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError("the endog DatetimeIndex has no frequency; give it one (e.g. asfreq('MS'))")
        return pd.date_range(index[-1], periods=steps + 1, freq=freq)[1:]
    if pd.api.types.is_integer_dtype(index.dtype) and len(index) > 0:
        step = int(index[1] - index[0]) if len(index) > 1 else 1
        return pd.RangeIndex(int(index[-1]) + step, int(index[-1]) + step * (steps + 1), step)
    return pd.RangeIndex(len(index), len(index) + steps)


def check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def check_alpha(alpha: Any) -> float:
    if not isinstance(alpha, (float, int)) or not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    return float(alpha)
