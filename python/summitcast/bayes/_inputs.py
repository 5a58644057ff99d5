"""Validation of user data: pandas or array-like in, contiguous float arrays out.

Every check names the argument and the offending value, so a user sees
``ValueError: X contains 2 non-finite values (first at row 5, column 'gpa')``
rather than a crash or a silent NaN.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._common.validation import as_float_array

from .._common.exceptions import DataWarning


@dataclass(frozen=True)
class Design:
    """A validated design matrix with its column names and row index."""

    values: np.ndarray  # n x p, float64, C-contiguous
    names: list[str]
    index: pd.Index


def _bool_as_float(X: object) -> object:
    """Boolean columns (dummies) as 0/1 floats; every other dtype is left for
    :func:`as_float_array` to accept or refuse."""
    if isinstance(X, pd.DataFrame):
        flags = [c for c, d in X.dtypes.items() if pd.api.types.is_bool_dtype(d)]
        return X.astype({c: float for c in flags}) if flags else X
    if isinstance(X, np.ndarray) and X.dtype.kind == "b":
        return X.astype(float)
    return X


def as_design(X: object, name: str = "X") -> Design:
    """Validate a design matrix (DataFrame, Series, 2-d or 1-d array).

    Numbers and booleans (dummies, as 0/1) are accepted; complex, text,
    date, categorical and object columns are refused with a TypeError, NaN
    and infinite values with a ValueError naming the row and column.
    """
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{name} has duplicate column names: {names}")
        index = X.index
    values = as_float_array(_bool_as_float(X), name, (1, 2), allow_nan=True, allow_inf=True, min_size=0)
    if values.ndim == 1:
        values = values[:, None]
    if not isinstance(X, pd.DataFrame):
        names = [f"x{j}" for j in range(values.shape[1])]
        index = pd.RangeIndex(values.shape[0])
    if values.shape[0] == 0:
        raise ValueError(f"{name} must have at least one row, got 0")
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf); first at row {i}, "
            f"column {names[j]!r}: {float(values[i, j])!r}"
        )
    return Design(np.ascontiguousarray(values), names, index)


def predictor_array(X: object, names: list[str], name: str = "X") -> np.ndarray:
    """Predictor values for prediction: a DataFrame (columns matched to
    ``names`` by name) becomes rows × k; an array keeps its leading shape and
    must have ``len(names)`` entries on its last axis (in ``names`` order)."""
    if isinstance(X, pd.DataFrame):
        missing = [c for c in names if c not in map(str, X.columns)]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing} of the fitted model")
        return as_design(X.rename(columns=str)[names], name).values
    values = as_float_array(X, name, min_size=0)
    if values.ndim == 0 or values.shape[-1] != len(names):
        raise ValueError(f"{name} must have {len(names)} predictors {names} on its last axis, got shape {values.shape}")
    return values


def as_vector(v: object, name: str, n: int) -> np.ndarray:
    """A 1-d float vector of length n (Series or array), finite."""
    if isinstance(v, pd.DataFrame):
        if v.shape[1] != 1:
            raise ValueError(f"{name} must be one column, got {v.shape[1]}")
        v = v.iloc[:, 0]
    if isinstance(v, pd.Series) and pd.api.types.is_bool_dtype(v.dtype):
        v = v.astype(float)
    arr = as_float_array(_bool_as_float(v), name, allow_nan=True, allow_inf=True, min_size=0)
    arr = np.ravel(arr) if arr.ndim > 1 and arr.size == max(arr.shape) else arr
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows but X has {n}; lengths must match")
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} contains {int(bad.sum())} non-finite value(s); first at row {i}: {float(arr[i])!r}")
    return np.ascontiguousarray(arr)


def as_binary(y: object, n: int, name: str = "y") -> np.ndarray:
    """Binary outcome coded 0/1 (bool or numeric)."""
    arr = as_vector(y, name, n)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must contain only 0 and 1 (or False/True); got {float(arr[i])!r} at row {i}")
    return arr


def optional_vector(v: object, name: str, n: int, nonnegative: bool = False) -> np.ndarray:
    """Optional per-row vector: None gives an empty array (the C++ default)."""
    if v is None:
        return np.zeros(0)
    arr = as_vector(v, name, n)
    if nonnegative and (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise ValueError(f"{name} must be non-negative; got {float(arr[i])!r} at row {i}")
    return arr


@dataclass(frozen=True)
class Standardizer:
    """Column centring and scaling: z_j = (x_j - center_j) / scale_j.

    Constant columns keep center 0; their scale is the larger of 1 and their
    magnitude, so a constant far from 1 (a duration term of a spell that has
    lasted centuries, say) enters the sampler as ±1 and the prior applies to
    its contribution, not to a coefficient squeezed to 1e-10.
    """

    center: np.ndarray
    scale: np.ndarray

    @staticmethod
    def identity(p: int) -> Standardizer:
        return Standardizer(np.zeros(p), np.ones(p))

    @staticmethod
    def fit(values: np.ndarray, names: list[str], center: bool, warn_name: str = "X") -> Standardizer:
        sd = values.std(axis=0, ddof=1) if values.shape[0] > 1 else np.zeros(values.shape[1])
        constant = ~(sd > 1e-12 * np.maximum(1.0, np.abs(values).max(axis=0)))
        if constant.any():
            cols = [names[j] for j in np.flatnonzero(constant)]
            warnings.warn(
                f"{warn_name} has constant column(s) {cols}: their coefficients are identified only by the prior "
                "(and not at all under a flat prior)",
                DataWarning,
                stacklevel=4,
            )
        mean = values.mean(axis=0) if center else np.zeros(values.shape[1])
        mean = np.where(constant, 0.0, mean)
        scale = np.where(constant, np.maximum(np.abs(values).max(axis=0, initial=0.0), 1.0), sd)
        return Standardizer(mean, scale)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray((values - self.center) / self.scale)


def regression_inputs(
    X: object, link: str, offset: object, weights: object
) -> tuple[Design, int, np.ndarray, np.ndarray]:
    """What every regression model checks first: the link, the design matrix
    X and the optional offset and (non-negative) weights, one per row of X."""
    if link not in ("logit", "probit"):
        raise ValueError(f"link must be 'logit' or 'probit', got {link!r}")
    design = as_design(X, "X")
    n = design.values.shape[0]
    return (
        design,
        n,
        optional_vector(offset, "offset", n),
        optional_vector(weights, "weights", n, nonnegative=True),
    )


def check_tiny(n: int, k: int, what: str = "observations") -> None:
    """Warn when there are no more observations than parameters."""
    if n <= k:
        warnings.warn(
            f"only {n} {what} for {k} parameters: the posterior is dominated by the prior",
            DataWarning,
            stacklevel=4,
        )
