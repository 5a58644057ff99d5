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
           "load", "save"]

FORMAT = "summitcast"
VERSION = 1

#: kind → "module:function" of the loader that rebuilds the object from its
#: payload.  Only these functions can be reached from a file.
LOADERS: dict[str, str] = {
    "statespace.UnobservedComponentsResults": "summitcast.statespace.unobserved_components:results_from_payload",
    "counts.INGARCHResults": "summitcast.counts._ingarch:results_from_payload",
    "events.HawkesResults": "summitcast.events._hawkes:results_from_payload",
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
    module_name, function = LOADERS[kind].split(":")
    loader = getattr(importlib.import_module(module_name), function)
    try:
        return loader(payload)
    except (KeyError, TypeError, IndexError) as err:
        raise FileFormatError(f"{path}: the {kind} payload is incomplete or malformed ({type(err).__name__}: {err})") from None


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
