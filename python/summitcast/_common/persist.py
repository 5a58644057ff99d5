"""Saving fitted objects to a data format and loading them back.

Every fitted object summitcast can save is written as one JSON document
(UTF-8, no pickle, nothing executable)::

    {"format": "summitcast", "version": 1, "kind": "<what it is>",
     "summitcast_version": "0.1.0", "payload": {...}}

``kind`` names the object (e.g. ``"statespace.UnobservedComponentsResults"``),
and ``payload`` holds the model's specification, its data (with the index)
and the estimates, as plain numbers and strings; NaN is written as ``null``.
Loading rebuilds the model from the payload and refits nothing it need not.
:func:`load` reads any of them: it checks the envelope, looks the kind up in
:data:`LOADERS` (a fixed table of summitcast's own functions, so a file can
never name code to run) and hands the payload to that loader.  A truncated,
tampered or foreign file raises ``ValueError`` naming the file and what is
wrong; a missing one ``FileNotFoundError``.
"""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .validation import check_path

__all__ = ["FORMAT", "LOADERS", "VERSION", "decode_floats", "decode_index", "encode_floats", "encode_index",
           "decode_table", "encode_table", "from_payload", "load", "save"]

FORMAT = "summitcast"
VERSION = 1

#: kind → "module:function" of the loader that rebuilds the object from its
#: payload.  Only these functions can be reached from a file.
LOADERS: dict[str, str] = {
    "statespace.UnobservedComponentsResults": "summitcast.statespace.unobserved_components:results_from_payload",
    "counts.INGARCHResults": "summitcast.counts._ingarch:results_from_payload",
    "events.HawkesResults": "summitcast.events._hawkes:results_from_payload",
    "forecaster.SummitForecaster": "summitcast.forecaster._forecaster:results_from_payload",
}


class FileFormatError(ValueError):
    """A file is not a (valid) summitcast save file."""


def save(path: str | Path, kind: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` as a summitcast document of ``kind`` to ``path``."""
    from .. import __version__

    if kind not in LOADERS:
        raise ValueError(f"kind must be one of {sorted(LOADERS)}, got {kind!r}")
    path = Path(path)
    doc = {"format": FORMAT, "version": VERSION, "kind": kind, "summitcast_version": __version__, "payload": payload}
    text = json.dumps(doc, indent=1, allow_nan=False)
    path.write_text(text, encoding="utf-8")
    return path


def read(path: str | Path) -> tuple[str, dict[str, Any]]:
    """The (kind, payload) of a summitcast document, checked."""
    try:
        path = Path(check_path(path, "path"))
    except FileNotFoundError as err:
        raise FileNotFoundError(f"no summitcast file: {err}") from None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise FileFormatError(f"{path} is not a summitcast save file (not UTF-8 text: {err.reason})") from None
    except json.JSONDecodeError as err:
        raise FileFormatError(f"{path} is not a summitcast save file (invalid JSON at line {err.lineno}, "
                              f"column {err.colno}: {err.msg}; truncated?)") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise FileFormatError(f"{path} is not a summitcast save file (no 'format': 'summitcast' field)")
    if doc.get("version") != VERSION:
        raise FileFormatError(f"{path} has format version {doc.get('version')!r}; this summitcast reads version {VERSION}")
    kind = doc.get("kind")
    if kind not in LOADERS:
        raise FileFormatError(f"{path} holds an unknown kind {kind!r}; known kinds are {sorted(LOADERS)}")
    payload = doc.get("payload")
    if not isinstance(payload, dict):
        raise FileFormatError(f"{path} has no payload object")
    return kind, payload


def load(path: str | Path) -> Any:
    """Load any fitted object saved by summitcast (``results.save(path)``)."""
    kind, payload = read(path)
    return from_payload(kind, payload, str(path))


def from_payload(kind: Any, payload: Any, where: str) -> Any:
    """Rebuild the object of ``kind`` from its payload (also for objects saved
    inside another's payload); ``where`` names the file (and the part of it)
    in errors."""
    if kind not in LOADERS:
        raise FileFormatError(f"{where} holds an unknown kind {kind!r}; known kinds are {sorted(LOADERS)}")
    if not isinstance(payload, dict):
        raise FileFormatError(f"{where} has no payload object")
    module_name, function = LOADERS[kind].split(":")
    loader = getattr(importlib.import_module(module_name), function)
    try:
        return loader(payload)
    except (KeyError, TypeError, IndexError, AttributeError) as err:
        raise FileFormatError(f"{where}: the {kind} payload is incomplete or malformed ({type(err).__name__}: {err})") from None


# ------------------------------------------------------------ value codecs
def encode_floats(values: Any) -> list:
    """Floats as a (nested) list, NaN and ±inf as None."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        v = float(arr)
        return None if not math.isfinite(v) else v  # type: ignore[return-value]
    return [encode_floats(row) for row in arr] if arr.ndim > 1 else [None if not math.isfinite(v) else float(v) for v in arr]


def decode_floats(values: Any, name: str) -> np.ndarray:
    """The inverse of :func:`encode_floats` (None → NaN), checked for numbers."""
    def conv(v: Any) -> Any:
        if isinstance(v, list):
            return [conv(x) for x in v]
        if v is None:
            return np.nan
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise FileFormatError(f"{name} holds a non-number {v!r}")
        return float(v)
    try:
        return np.array(conv(values), dtype=float)
    except ValueError as err:  # ragged nesting
        raise FileFormatError(f"{name} is not a rectangular array of numbers: {err}") from None


def encode_index(index: pd.Index) -> dict[str, Any]:
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr, "values": [str(p) for p in index]}
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "freq": index.freqstr, "values": [t.isoformat() for t in index]}
    if pd.api.types.is_integer_dtype(index.dtype):
        return {"kind": "integer", "values": [int(v) for v in index]}
    raise ValueError(f"cannot save an index of dtype {index.dtype}")


def decode_index(spec: Any, name: str = "index") -> pd.Index:
    if not isinstance(spec, dict):
        raise FileFormatError(f"{name} must be an object")
    kind, values = spec.get("kind"), spec.get("values")
    if not isinstance(values, list):
        raise FileFormatError(f"{name} has no list of values")
    try:
        if kind == "period":
            return pd.PeriodIndex(values, freq=spec["freq"])
        if kind == "datetime":
            return pd.DatetimeIndex(values, freq=spec.get("freq"))
        if kind == "integer":
            return pd.Index([int(v) for v in values], dtype="int64")
    except (TypeError, ValueError) as err:
        raise FileFormatError(f"{name} could not be read: {err}") from None
    raise FileFormatError(f"{name} has an unknown kind {kind!r}")


#: Column dtypes a saved table may name (anything else is refused on load).
TABLE_DTYPES = ("float64", "int64", "bool", "boolean", "str", "string", "object",
                "datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]")


def _encode_object(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return {"float": encode_floats(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return {"tuple": list(value)}
    raise ValueError(f"cannot save a table cell of type {type(value).__name__}")


def _decode_object(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict) and set(value) == {"tuple"} and isinstance(value["tuple"], list) \
            and all(isinstance(v, str) for v in value["tuple"]):
        return tuple(value["tuple"])
    if isinstance(value, dict) and set(value) == {"float"}:
        return float(decode_floats(value["float"], name))
    raise FileFormatError(f"{name} holds a cell that is not a saved value: {value!r}")


def encode_table(frame: pd.DataFrame, index: bool = False) -> dict[str, Any]:
    """A DataFrame as plain lists, column by column, with each column's dtype
    (and the index when ``index``), so :func:`decode_table` rebuilds it exactly."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        dtype = str(col.dtype)
        if dtype not in TABLE_DTYPES:
            raise ValueError(f"cannot save column {name!r} of dtype {dtype}")
        if dtype == "float64":
            values = encode_floats(col.to_numpy())
        elif dtype.startswith("datetime64"):
            values = [None if pd.isna(v) else v.isoformat() for v in col]
        elif dtype == "object":
            values = [_encode_object(v) for v in col]
        elif dtype in ("int64",):
            values = [int(v) for v in col]
        else:  # bool, boolean, str, string: None where missing
            values = [None if pd.isna(v) else (bool(v) if "bool" in dtype else str(v)) for v in col]
        columns.append({"name": str(name), "dtype": dtype, "values": values})
    doc: dict[str, Any] = {"rows": int(len(frame)), "columns": columns}
    if index:
        doc["index"] = encode_index(frame.index)
        doc["index_name"] = frame.index.name
        if isinstance(frame.index, pd.DatetimeIndex):
            doc["index_unit"] = frame.index.unit
    return doc


def decode_table(doc: Any, name: str) -> pd.DataFrame:
    """The inverse of :func:`encode_table`, checked (dtypes from :data:`TABLE_DTYPES` only)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list):
        raise FileFormatError(f"{name} is not a saved table")
    rows = doc.get("rows")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise FileFormatError(f"{name} has no row count")
    data: dict[str, pd.Series] = {}
    for spec in doc["columns"]:
        if not isinstance(spec, dict):
            raise FileFormatError(f"{name} has a column that is not an object")
        col, dtype, values = spec.get("name"), spec.get("dtype"), spec.get("values")
        where = f"{name} column {col!r}"
        if not isinstance(col, str) or dtype not in TABLE_DTYPES or not isinstance(values, list) or len(values) != rows:
            raise FileFormatError(f"{where}: needs a name, a dtype of {list(TABLE_DTYPES)} and {rows} values")
        try:
            if dtype == "float64":
                series = pd.Series(decode_floats(values, where), dtype="float64")
            elif dtype.startswith("datetime64"):
                series = pd.Series(pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")).astype(dtype)
            elif dtype == "object":
                cells = np.empty(rows, dtype=object)
                cells[:] = [_decode_object(v, where) for v in values]
                series = pd.Series(cells, dtype=object)
            elif dtype == "int64":
                if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                    raise FileFormatError(f"{where} holds a value that is not an integer")
                series = pd.Series(values, dtype="int64")
            else:
                kind = bool if "bool" in dtype else str
                if not all(v is None or isinstance(v, kind) for v in values):
                    raise FileFormatError(f"{where} holds a value that is not a {kind.__name__}")
                series = pd.Series(values, dtype=dtype)
        except (TypeError, ValueError) as err:
            if isinstance(err, FileFormatError):
                raise
            raise FileFormatError(f"{where} could not be read: {err}") from None
        data[col] = series
    frame = pd.DataFrame(data)
    if not data:
        frame = pd.DataFrame(index=range(rows))
    if "index" in doc:
        index = decode_index(doc["index"], f"{name} index")
        if len(index) != rows:
            raise FileFormatError(f"{name} index has {len(index)} labels for {rows} rows")
        if isinstance(index, pd.DatetimeIndex) and doc.get("index_unit") in ("ns", "us", "ms", "s"):
            index = index.as_unit(doc["index_unit"])
        index.name = doc.get("index_name")
        frame.index = index
    return frame
