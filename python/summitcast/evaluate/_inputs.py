"""The one place where score functions turn their arguments into arrays.

Every score takes numpy arrays, scalars or pandas objects.  The pandas
objects among the arguments must share one index (they are matched by
position once that is checked, never silently aligned), and the result
carries that index: pandas in, pandas out.  The checks say which argument is
wrong, with the offending value and where it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._common.validation import as_float_array, describe

__all__ = [
    "binary_outcomes",
    "broadcast",
    "categorical",
    "counts",
    "member_rows",
    "numbers",
    "output",
    "refuse",
    "paired",
    "pandas_index",
    "probabilities",
]


def _first_bad(mask: np.ndarray) -> int | tuple[int, ...]:
    """The position of the first True in ``mask`` (an int for 1-D arrays)."""
    pos = tuple(int(i) for i in np.argwhere(mask)[0])
    return pos[0] if len(pos) == 1 else pos


def refuse(values: np.ndarray, bad: np.ndarray, name: str, what: str, shown: Any = None) -> None:
    """Raise ``ValueError("{name} must be {what}, got {value} at position
    {pos}")`` for the first True in ``bad``, with the count when several are."""
    if not bad.any():
        return
    pos = _first_bad(bad)
    value = shown(pos) if shown is not None else repr(float(values[pos]))
    where = "" if values.ndim == 0 else f" at position {pos}"
    count = int(bad.sum())
    more = f" ({count} such values)" if count > 1 else ""
    raise ValueError(f"{name} must be {what}, got {value}{where}{more}")


def pandas_index(**inputs: Any) -> pd.Index | None:
    """The index shared by the pandas arguments (None if there are none).

    Two pandas arguments with different indexes are refused: aligning them
    silently could drop or duplicate forecasts.
    """
    found: tuple[str, pd.Index] | None = None
    for name, value in inputs.items():
        if isinstance(value, (pd.Series, pd.DataFrame)):
            if found is None:
                found = (name, value.index)
            elif not value.index.equals(found[1]):
                raise ValueError(
                    f"{found[0]} and {name} have different indexes; align them first "
                    f"(e.g. {found[0]}, {name} = {found[0]}.align({name}, join='inner'))"
                )
    return None if found is None else found[1]


def numbers(value: Any, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Finite float64 values (no NaN, no infinity, at least one value)."""
    arr = as_float_array(value, name, ndim)
    return arr.reshape(np.shape(value)) if arr.ndim != np.ndim(value) else arr  # keep scalars 0-d


def probabilities(value: Any, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Finite values in [0, 1]."""
    p = numbers(value, name, ndim)
    refuse(p, (p < 0.0) | (p > 1.0), name, "a probability in [0, 1]")
    return p


def _booleans_as_float(value: Any, name: str) -> Any:
    """Boolean outcomes (True = the event happened) as 0.0/1.0."""
    dtype = getattr(value, "dtype", None)
    if dtype is None and not np.isscalar(value):
        dtype = np.asarray(value).dtype
    if dtype is not None and pd.api.types.is_bool_dtype(dtype):
        if isinstance(value, pd.Series):
            if value.isna().any():
                raise ValueError(f"{name} contains {int(value.isna().sum())} missing value(s)")
            return value.astype(float)
        return np.asarray(value, dtype=float)
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    return value


def binary_outcomes(value: Any, name: str) -> np.ndarray:
    """Outcomes of a binary event: 0/1 (or False/True), nothing else."""
    y = numbers(_booleans_as_float(value, name), name)
    refuse(y, (y != 0.0) & (y != 1.0), name, "0 or 1 (the event did not / did happen)")
    return y


def paired(p: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """1-D probability forecasts and binary outcomes of equal length (for the
    scores of a whole sample: decompositions, calibration, AUC)."""
    pandas_index(p=p, y=y)
    prob = probabilities(p, "p", 1)
    outcome = binary_outcomes(y, "y")
    if outcome.ndim != 1 or outcome.size != prob.size:
        raise ValueError(f"p and y must have the same length, got {prob.size} and {outcome.size}")
    return prob, outcome


def counts(value: Any, name: str) -> np.ndarray:
    """Non-negative integer counts (as float64)."""
    y = numbers(value, name)
    refuse(y, (y < 0.0) | (y != np.floor(y)), name, "a non-negative integer count")
    return y


def member_rows(samples: Any) -> Any:
    """Samples with one row per forecast: a ForecastPaths (paths x months)
    becomes its months x paths frame, on its monthly index; anything else is
    returned as it is."""
    from .._common.paths import ForecastPaths

    return samples.to_frame() if isinstance(samples, ForecastPaths) else samples


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays broadcast to one shape, as C-contiguous float64 copies."""
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"arguments must have the same length (or be scalars), got shapes {shapes}") from None
    # contiguous views where possible (a copy only for broadcast scalars); 0-d stays 0-d
    return [np.ascontiguousarray(a) if a.ndim else np.array(a, dtype=float) for a in out]


def output(values: np.ndarray, index: pd.Index | None, name: str) -> Any:
    """A Series on ``index`` when the inputs were pandas, a float for scalar
    inputs, else the array."""
    if index is not None:
        if values.ndim != 1 or len(values) != len(index):
            raise ValueError(f"{name}: the result of shape {values.shape} does not fit the index of length {len(index)}")
        return pd.Series(values, index=index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


def categorical(p_cat: Any, y_cat: Any, p_name: str = "p_cat", y_name: str = "y_cat") -> tuple[np.ndarray, np.ndarray]:
    """Forecast probabilities of K categories (n × K) and the observed
    categories as codes 0..K-1.

    With a DataFrame of probabilities, its columns are the categories (in
    their order, which matters for ordered scores) and ``y_cat`` holds column
    labels; otherwise ``y_cat`` holds integer codes 0..K-1.  Each row must sum
    to one (within 1e-6).
    """
    probs = probabilities(p_cat, p_name, (1, 2))
    if probs.ndim == 1:
        probs = probs[None, :]
    n, k = probs.shape
    if k < 2:
        raise ValueError(f"{p_name} must have at least 2 categories (columns), got {k}")
    sums = probs.sum(axis=1)
    off = np.abs(sums - 1.0) > 1e-6
    if off.any():
        i = int(np.argmax(off))
        raise ValueError(f"{p_name} rows must sum to 1, got {float(sums[i])!r} in row {i} ({int(off.sum())} such row(s))")
    if isinstance(p_cat, pd.DataFrame):
        labels = pd.Index(p_cat.columns)
        observed = pd.Series(y_cat).to_numpy() if not np.isscalar(y_cat) else np.array([y_cat])
        codes = labels.get_indexer(observed)
        if (codes < 0).any():
            i = int(np.argmax(codes < 0))
            raise ValueError(
                f"{y_name} must name one of {p_name}'s columns {list(labels)}, got {observed[i]!r} at position {i}"
            )
        codes = codes.astype(np.intp)
    else:
        raw = np.asarray(y_cat)
        if raw.dtype.kind not in "iuf" or raw.dtype == bool:
            raise TypeError(f"{y_name} must be integer category codes 0..{k - 1}, got {describe(y_cat)}")
        values = numbers(raw, y_name, (0, 1)).reshape(-1)
        bad = (values != np.floor(values)) | (values < 0) | (values > k - 1)
        refuse(values, bad, y_name, f"an integer category code in 0..{k - 1}")
        codes = values.astype(np.intp)
    if codes.size != n:
        raise ValueError(f"{p_name} has {n} forecasts (rows) but {y_name} has {codes.size} outcomes")
    return probs, codes
