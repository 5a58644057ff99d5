"""Argument checks shared by every public entry point.

Everything that reaches the compiled core passes through here first, so a bad
argument gets an error that names it and its value: ``TypeError`` when the
argument is of the wrong kind (a string where a number belongs, a complex
array, a boolean count), ``ValueError`` when it is of the right kind but
outside what the function accepts (a negative variance, NaN, an empty array).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_ARRAY_VALUES",
    "MAX_COUNT",
    "MAX_ITERATIONS",
    "MAX_THREADS",
    "as_count_series",
    "as_endog",
    "as_exog",
    "as_exog_frame",
    "as_float_array",
    "as_future_exog",
    "as_lags",
    "as_names",
    "as_param_vector",
    "check_alpha",
    "check_allocation",
    "check_bool",
    "check_choice",
    "check_float",
    "check_index",
    "check_int",
    "check_path",
    "check_paths",
    "check_positive",
    "check_probability",
    "check_threads",
    "describe",
]

#: Values larger than this cannot be squared (as variances of them are) in
#: double precision without overflow; refuse them instead of returning NaN.
MAX_ABS_VALUE = 1e100

#: Counts handed to the compiled core (draws, paths, steps, lags, threads) are
#: C ints there; a larger one is refused here with its name, not by pybind11.
MAX_COUNT = 2**31 - 1

#: Results summitcast allocates for you (draws × chains × parameters, paths ×
#: months, ...) are refused beyond this many values (1 GiB of float64), with
#: the sizes in the message: asking for more is a typo far more often than a
#: plan, and failing fast beats a MemoryError (or swapping) minutes later.
MAX_ARRAY_VALUES = 2**27

#: Iterations of one loop (warm-up or kept sampler iterations per chain,
#: burn-in of a simulation): a hundred million is hours of work for the
#: cheapest model, so more is refused as a typo.  Long runs poll Ctrl-C.
MAX_ITERATIONS = 10**8

#: Threads (``cores``) beyond this are refused as a typo.
MAX_THREADS = 4096


def describe(value: Any, limit: int = 60) -> str:
    """A short repr of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return f"{type(value).__name__} of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------- scalars
def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python int, refusing booleans, floats and strings."""
    if not _is_integer(value):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    out = int(value)
    if minimum is not None and out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {out}")
    return out


def check_float(
    value: Any,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    exclusive: bool = False,
    allow_inf: bool = False,
) -> float:
    """``value`` as a finite Python float within [minimum, maximum]
    (open bounds with ``exclusive=True``)."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    out = float(value)
    if math.isnan(out) or (math.isinf(out) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {out}")
    if minimum is not None and (out < minimum or (exclusive and out == minimum)):
        raise ValueError(f"{name} must be {'>' if exclusive else '>='} {minimum:g}, got {out:g}")
    if maximum is not None and (out > maximum or (exclusive and out == maximum)):
        raise ValueError(f"{name} must be {'<' if exclusive else '<='} {maximum:g}, got {out:g}")
    return out


def check_positive(value: Any, name: str) -> float:
    """A finite, strictly positive float."""
    return check_float(value, name, 0.0, exclusive=True)


def check_probability(value: Any, name: str) -> float:
    """A probability in [0, 1]."""
    return check_float(value, name, 0.0, 1.0)


def check_alpha(value: Any, name: str = "alpha") -> float:
    """A tail probability strictly between 0 and 1 (intervals cover 1 - alpha)."""
    out = check_float(value, name)
    if not 0.0 < out < 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {out:g}")
    if out < 1e-300:  # alpha / 2 would underflow
        raise ValueError(f"{name} must be at least 1e-300, got {out:g}")
    return out


def check_threads(cores: Any, name: str = "cores") -> int:
    """Threads to use: ``None`` for every CPU, else an integer in [1, MAX_THREADS]."""
    import os

    if cores is None:
        return os.cpu_count() or 1
    return check_int(cores, name, 1, MAX_THREADS)


def check_allocation(what: str, **sizes: int) -> None:
    """Refuse a result of ``prod(sizes)`` values beyond :data:`MAX_ARRAY_VALUES`,
    naming every size: ``check_allocation("posterior draws", draws=10**9,
    chains=4, parameters=3)``."""
    total = math.prod(int(v) for v in sizes.values())
    if total > MAX_ARRAY_VALUES:
        factors = " x ".join(f"{k}={int(v):,}" for k, v in sizes.items())
        raise ValueError(
            f"{what} would hold {factors} = {total:,} values, beyond summitcast's limit of {MAX_ARRAY_VALUES:,} "
            f"({MAX_ARRAY_VALUES * 8 / 2**30:g} GiB of float64): ask for fewer"
        )


def check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def as_names(value: Any, name: str, *, single: bool = True, allow_empty: bool = True) -> list[str]:
    """A list of labels (strings) from a string (one label, when ``single``)
    or an iterable of strings; anything else is a TypeError naming ``name``."""
    if isinstance(value, str):
        if not single:
            raise TypeError(f"{name} must be a list of strings, got the string {value!r}")
        return [value]
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of strings, got {describe(value)}")
    out = list(value)
    bad = [v for v in out if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{name} must hold strings, got {describe(bad[0])}")
    if not out and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    return out


def check_path(value: Any, name: str = "path") -> str:
    """An existing file: a str or ``os.PathLike`` (TypeError otherwise),
    FileNotFoundError naming the path when there is no file there."""
    import os

    if isinstance(value, (bytes, bytearray)) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {describe(value)}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise TypeError(f"{name} must be a text path, got {describe(path)}")
    if "\0" in path:
        raise ValueError(f"{name} contains a NUL character: {path!r}")
    if os.path.isdir(path):
        raise FileNotFoundError(f"{name} is a directory, not a file: {path}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{name}: no such file: {path}")
    return path


def check_paths(value: Any, name: str = "paths") -> list[str]:
    """One path or an iterable of paths, each checked by :func:`check_path`
    (an element is named by its position: ``paths[1]``)."""
    import os

    if isinstance(value, (str, os.PathLike)):
        return [check_path(value, name)]
    if isinstance(value, (bytes, bytearray, dict)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a path or a list of paths, got {describe(value)}")
    items = list(value)
    if not items:
        raise ValueError(f"{name} is empty: give at least one file")
    return [check_path(p, f"{name}[{i}]") for i, p in enumerate(items)]


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices`` (compared with ==)."""
    options = list(choices)
    if isinstance(value, str) or not isinstance(value, (list, dict, set, np.ndarray)):
        for option in options:
            if value == option and type(value) is type(option):
                return value
    shown = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {shown}; got {describe(value)}")


# ------------------------------------------------------------------ arrays
def _first(mask: np.ndarray) -> int | tuple[int, ...]:
    """Position of the first True in ``mask``: an int for 1-D, a tuple otherwise."""
    pos = tuple(int(j) for j in np.argwhere(mask)[0])
    return pos[0] if len(pos) == 1 else pos


def _numeric_dtype_or_raise(dtype: Any, name: str) -> None:
    """Refuse dtypes that numpy would silently turn into floats (or not)."""
    if isinstance(dtype, np.dtype) and dtype.kind in "fiu":  # plain numbers: none of the checks below applies
        return
    if isinstance(dtype, pd.CategoricalDtype):
        raise TypeError(f"{name} must be numeric, got a categorical dtype")
    kind = np.dtype(dtype).kind if not isinstance(dtype, pd.api.extensions.ExtensionDtype) else None
    if kind == "c":
        raise TypeError(f"{name} must be real, got complex dtype {dtype} (summitcast does not drop imaginary parts)")
    if kind == "b" or pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"{name} must be numeric, got boolean dtype {dtype}")
    if kind in ("M", "m") or pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise TypeError(f"{name} must be numeric, got date/time dtype {dtype}")
    if kind in ("U", "S") or pd.api.types.is_string_dtype(dtype) and kind != "O":
        raise TypeError(f"{name} must be numeric, got text dtype {dtype}")


def _objects_to_float(raw: np.ndarray, name: str) -> np.ndarray:
    """An object array as floats, element by element (None is NaN); an element
    that is not a real number is a TypeError naming its position."""
    flat = raw.ravel()
    out = np.empty(flat.size)
    for i, item in enumerate(flat):
        if item is None:
            out[i] = np.nan
        elif _is_real(item):
            out[i] = float(item)
        else:
            pos = tuple(int(j) for j in np.unravel_index(i, raw.shape)) if raw.ndim > 1 else i
            raise TypeError(f"{name} must be numeric; the element at position {pos} is {describe(item)}")
    return out.reshape(raw.shape)


def as_float_array(
    value: Any,
    name: str,
    ndim: int | Sequence[int] | None = None,
    *,
    allow_nan: bool = False,
    allow_inf: bool = False,
    min_size: int = 1,
) -> np.ndarray:
    """A C-contiguous float64 copy-or-view of ``value``.

    Object arrays are converted element by element, and an element that is not
    a real number gives a TypeError naming the argument and the element's
    position.  Complex, boolean, date and text inputs are refused.  NaN and
    infinite values are refused unless allowed; so are magnitudes above
    ``MAX_ABS_VALUE``, which overflow once squared.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a string {describe(value)}")
    if value is None or isinstance(value, (dict, set)):
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    if isinstance(value, (pd.Series, pd.DataFrame, pd.Index)):
        if isinstance(value, pd.DataFrame):
            dtypes = list(value.dtypes)
            for column, dtype in zip(value.columns, dtypes):
                _numeric_dtype_or_raise(dtype, f"{name} column {column!r}")
        else:
            dtypes = [value.dtype]
            _numeric_dtype_or_raise(value.dtype, name)
        if any(isinstance(d, np.dtype) and d.kind == "O" for d in dtypes):
            arr = _objects_to_float(value.to_numpy(dtype=object), name)
        else:
            arr = value.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            raw = np.asarray(value)
        except ValueError:  # ragged nesting: [[1, 2], [3]]
            raise ValueError(f"{name} must be a rectangular array of numbers, got ragged nested sequences") from None
        _numeric_dtype_or_raise(raw.dtype, name)
        arr = _objects_to_float(raw, name) if raw.dtype.kind == "O" else raw.astype(float, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} value(s), got {arr.size}")
    if arr.size and arr.dtype == np.float64:
        # The common case in two cheap passes instead of four: min and max
        # within the bounds means no NaN (which both propagate), no infinity
        # and no huge value, so every check below would pass.
        if -MAX_ABS_VALUE <= arr.min() and arr.max() <= MAX_ABS_VALUE:
            return np.ascontiguousarray(arr)
    if arr.ndim == 0 and not np.isfinite(arr) and not (np.isnan(arr) and allow_nan or np.isinf(arr) and allow_inf):
        raise ValueError(f"{name} must be finite, got {float(arr)}")
    nan = np.isnan(arr)
    if nan.any() and not allow_nan:
        raise ValueError(f"{name} contains NaN values ({int(nan.sum())} of them; first at position {_first(nan)})")
    inf = np.isinf(arr)
    if inf.any() and not allow_inf:
        raise ValueError(f"{name} contains infinite values ({int(inf.sum())} of them; first at position {_first(inf)})")
    with np.errstate(invalid="ignore"):
        huge = (np.abs(arr) > MAX_ABS_VALUE) & ~inf
    if huge.any():
        raise ValueError(
            f"{name} has values beyond ±{MAX_ABS_VALUE:g} (first at position {_first(huge)}), too large to square "
            "in double precision; rescale the data"
        )
    return np.ascontiguousarray(arr)


def as_param_vector(value: Any, name: str, names: Sequence[str], *, allow_empty: bool = False,
                    model: str = "") -> np.ndarray:
    """Parameters as a finite 1-D float64 array with one value per entry of
    ``names`` (in that order), e.g. a model's ``param_names``; ``model``
    describes the specification that fixes them (named in a length error)."""
    arr = as_float_array(value, name, 1, allow_nan=True, allow_inf=True, min_size=0 if allow_empty or not names else 1)
    if arr.shape[0] != len(names):
        spec = f" for {model}" if model else ""
        raise ValueError(f"{name} must have {len(names)} values ({', '.join(map(str, names))}){spec}, "
                         f"got {arr.shape[0]}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name}: {names[bad[0]]} must be finite, got {arr[bad[0]]}")
    return arr


# ------------------------------------------------------------------ series
def _as_one_series(value: Any, name: str) -> pd.Series:
    if isinstance(value, pd.DataFrame):
        if value.shape[1] != 1:
            raise ValueError(f"{name} must be one series, got a DataFrame with {value.shape[1]} columns")
        value = value.iloc[:, 0]
    if isinstance(value, pd.Series):
        return value
    if isinstance(value, (str, bytes)) or np.ndim(value) == 0:
        raise TypeError(f"{name} must be a Series or a 1-D array of numbers, got {describe(value)}")
    arr = np.asarray(value)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return pd.Series(arr)


def check_index(index: pd.Index, name: str) -> pd.Index:
    """A sorted, unique index; a DatetimeIndex must have (or imply) a regular
    frequency, and a time-zone-aware one is refused (months have no zone)."""
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(f"{name} has a duplicated index value: {dup!r}")
    if isinstance(index, pd.MultiIndex):
        raise TypeError(f"{name} must have a flat index, got a MultiIndex")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}'s index must be sorted in increasing order")
    if isinstance(index, pd.DatetimeIndex):
        if index.tz is not None:
            raise ValueError(f"{name} has a time-zone-aware index ({index.tz}); use tz-naive dates (index.tz_localize(None))")
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError(f"{name} has a DatetimeIndex with no regular frequency; give it one (e.g. .asfreq('MS'))")
        if index.freq is None:
            index = pd.DatetimeIndex(index, freq=freq)
    return index


def as_endog(endog: Any, name: str = "endog") -> tuple[np.ndarray, pd.Index]:
    """(values as float64, index) for a 1-D series of continuous observations.

    NaN marks a missing value; infinite values, non-numeric data, an all-NaN
    series and irregular or duplicated indexes are refused.
    """
    series = _as_one_series(endog, name)
    values = as_float_array(series, name, 1, allow_nan=True)
    if np.isnan(values).all():
        raise ValueError(f"{name} has no observed values: all {values.size} are NaN")
    return values, check_index(series.index, name)


def as_count_series(endog: Any, name: str = "endog") -> pd.Series:
    """``endog`` as a float Series of non-negative integer counts.

    Missing values are refused (not dropped): a count autoregression feeds
    every observation into the conditional means that follow, so a gap has no
    neutral value.  The error names how many there are and where the first
    is, so the caller can fill or truncate explicitly.
    """
    series = _as_one_series(endog, name)
    index = check_index(series.index, name)
    values = as_float_array(series, name, 1, allow_nan=True, allow_inf=True)
    missing = np.isnan(values)
    if missing.any():
        first = index[int(np.argmax(missing))]
        raise ValueError(
            f"{name} has {int(missing.sum())} missing value(s) (first at {first!r}); count models need a complete "
            "series because each count feeds the later conditional means: fill the gaps (e.g. with 0 if no "
            "event was recorded) or truncate the series explicitly"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"{name} must hold non-negative integer counts, got {values[i]!r} at {index[i]!r} ({int(bad.sum())} such value(s))"
        )
    return pd.Series(values, index=index, name=series.name)


def as_exog(exog: Any, nobs: int, index: pd.Index, name: str = "exog") -> tuple[np.ndarray, list[str]]:
    """(n x k float64 array, column names) for regressors aligned with ``index``.

    A DataFrame or Series with a non-default index must carry exactly the
    observations' index (it is matched by label, never by position).  Missing
    regressors are an error: a regression effect cannot be formed where x_t is
    unknown, and silently dropping or filling rows would change the model.
    """
    if exog is None:
        return np.zeros((nobs, 0)), []
    frame = as_exog_frame(exog, index, name)
    return np.ascontiguousarray(frame.to_numpy()), [str(c) for c in frame.columns]


def as_exog_frame(exog: Any, index: pd.Index, name: str = "exog") -> pd.DataFrame | None:
    """Covariates as a float DataFrame on ``index`` (see :func:`as_exog`)."""
    if exog is None:
        return None
    if isinstance(exog, pd.Series):
        exog = exog.to_frame(name=exog.name if exog.name is not None else "x1")
    if isinstance(exog, pd.DataFrame):
        frame = exog
        if len(frame) != len(index):
            raise ValueError(f"{name} must have {len(index)} rows (one per observation), got {len(frame)}")
        if not isinstance(frame.index, pd.RangeIndex) or not isinstance(index, pd.RangeIndex):
            if not frame.index.equals(index):
                raise ValueError(
                    f"{name}'s index does not match the observations' index (regressors are matched by label, "
                    "not position: reindex them first)"
                )
    else:
        arr = np.asarray(exog) if not isinstance(exog, (str, bytes)) else exog
        if isinstance(arr, (str, bytes)) or np.ndim(arr) == 0:
            raise TypeError(f"{name} must be a DataFrame or a 2-D array of numbers, got {describe(exog)}")
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(f"{name} must be one- or two-dimensional, got shape {arr.shape}")
        if arr.shape[0] != len(index):
            raise ValueError(f"{name} must have {len(index)} rows (one per observation), got {arr.shape[0]}")
        frame = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    for col in frame.columns:
        try:
            _numeric_dtype_or_raise(frame[col].dtype, f"{name} column {col!r}")
        except TypeError as err:
            raise TypeError(str(err)) from None
    values = as_float_array(frame, name, 2, allow_nan=True, allow_inf=True, min_size=0)
    bad_rows = np.flatnonzero(~np.isfinite(values).all(axis=1))
    if bad_rows.size:
        raise ValueError(
            f"{name} has NaN or infinite values in {bad_rows.size} row(s) (first at {index[bad_rows[0]]!r}); "
            "summitcast does not fill or drop regressors for you"
        )
    return pd.DataFrame(values, index=index, columns=[str(c) for c in frame.columns])


def as_future_exog(exog: Any, columns: Sequence[str], index: pd.Index, name: str = "exog") -> np.ndarray:
    """Regressors for the forecast periods ``index`` (steps × the model's
    ``columns``): one row per step; a DataFrame is matched to the model by
    column name (and reordered) and by its index (see :func:`as_exog_frame`)."""
    steps, k = len(index), len(columns)
    if k == 0:
        if exog is not None:
            raise ValueError(f"{name} was given for the forecast but the model has no regressors")
        return np.zeros((steps, 0))
    if exog is None:
        raise ValueError(f"{name} must be given for the {steps} forecast steps: the model has regressors "
                         f"{list(columns)} (give {name} for the {steps} forecast steps)")
    rows = len(exog) if isinstance(exog, (pd.DataFrame, pd.Series)) or np.ndim(exog) > 0 else None
    if rows is not None and rows != steps:
        raise ValueError(f"{name} must have {steps} rows for the forecast (one per step: steps={steps}), got {rows}")
    if isinstance(exog, pd.DataFrame):
        by_name = {str(c): c for c in exog.columns}
        missing = [c for c in columns if c not in by_name]
        if missing:
            raise ValueError(f"{name} for the forecast lacks columns {missing}")
        exog = exog[[by_name[c] for c in columns]]  # in the model's order
    values = as_exog_frame(exog, index, name).to_numpy()
    if values.shape[1] != k:
        raise ValueError(f"{name} for the forecast must have {k} columns like the model's, got {values.shape[1]}")
    return np.ascontiguousarray(values)


def as_lags(lags: Any, name: str) -> list[int]:
    """Lags as tscount writes them: ``None`` (or an empty list) for none, an
    integer ``k`` for the single lag ``k``, a sequence for exactly those lags
    (returned sorted; repeats are refused)."""
    if lags is None:
        return []
    if _is_integer(lags):
        lags = [int(lags)]
    elif isinstance(lags, (str, bytes, bool, np.bool_, float, np.floating)) or not isinstance(lags, Iterable):
        raise TypeError(f"{name} must be an integer lag or a list of integer lags, got {describe(lags)}")
    out = []
    for lag in lags:
        if not _is_integer(lag):
            raise TypeError(f"{name} must contain integers, got {describe(lag)}")
        if not 1 <= lag <= MAX_COUNT:
            raise ValueError(f"{name} lags must be positive (and at most {MAX_COUNT}), got {lag}")
        out.append(int(lag))
    if len(set(out)) != len(out):
        raise ValueError(f"{name} has repeated lags: {out}")
    return sorted(out)
