"""Input checks shared by the count models: pandas in, validated arrays out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def as_count_series(endog: Any, name: str = "endog") -> pd.Series:
    """Return ``endog`` as a float Series of non-negative integer counts.

    Missing values are refused (not dropped): the INGARCH recursion feeds every
    observation into the conditional means that follow, so a gap has no
    neutral value.  The error names how many there are and where the first is,
    so the caller can fill or truncate explicitly.
    """
    if isinstance(endog, pd.DataFrame):
        if endog.shape[1] != 1:
            raise ValueError(f"{name} must be one series, got a DataFrame with {endog.shape[1]} columns")
        endog = endog.iloc[:, 0]
    if isinstance(endog, pd.Series):
        series = endog
    else:
        arr = np.asarray(endog)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        series = pd.Series(arr)
    if series.dtype == bool or not (
        pd.api.types.is_numeric_dtype(series.dtype)
    ):
        raise TypeError(f"{name} must hold numbers (counts), got dtype {series.dtype}")
    values = series.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if missing.any():
        first = series.index[int(np.argmax(missing))]
        raise ValueError(
            f"{name} has {int(missing.sum())} missing value(s) (first at {first!r}); count models need a complete "
            "series because each count feeds the later conditional means: fill the gaps (e.g. with 0 if no "
            "event was recorded) or truncate the series explicitly"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"{name} must hold non-negative integer counts, got {values[i]!r} at {series.index[i]!r}"
            f" ({int(bad.sum())} such value(s))"
        )
    return pd.Series(values, index=series.index, name=series.name)


def as_exog_frame(exog: Any, index: pd.Index, name: str = "exog") -> pd.DataFrame | None:
    """Return covariates as a float DataFrame aligned (by position) with ``index``."""
    if exog is None:
        return None
    if isinstance(exog, pd.Series):
        frame = exog.to_frame(name=exog.name if exog.name is not None else "x1")
    elif isinstance(exog, pd.DataFrame):
        frame = exog
    else:
        arr = np.asarray(exog, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(f"{name} must be one- or two-dimensional, got shape {arr.shape}")
        frame = pd.DataFrame(arr, columns=[f"x{i + 1}" for i in range(arr.shape[1])])
    if len(frame) != len(index):
        raise ValueError(f"{name} must have {len(index)} rows (one per observation), got {len(frame)}")
    try:
        values = frame.to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must hold numbers: {err}") from None
    if not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return pd.DataFrame(values, index=index, columns=[str(c) for c in frame.columns])


def as_lags(lags: Any, name: str) -> list[int]:
    """``None`` → no lags; an int k → lags 1..k; a sequence → those lags (sorted, unique)."""
    if lags is None:
        return []
    if isinstance(lags, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int or a list of ints, got {lags!r}")
    if isinstance(lags, (int, np.integer)):
        if lags < 0:
            raise ValueError(f"{name} must be non-negative, got {lags}")
        return list(range(1, int(lags) + 1))
    out = []
    for lag in lags:
        if isinstance(lag, (bool, np.bool_)) or not isinstance(lag, (int, np.integer)):
            raise TypeError(f"{name} must contain integers, got {lag!r}")
        if lag < 1:
            raise ValueError(f"{name} lags must be positive, got {lag}")
        out.append(int(lag))
    if len(set(out)) != len(out):
        raise ValueError(f"{name} has repeated lags: {list(lags)}")
    return sorted(out)
