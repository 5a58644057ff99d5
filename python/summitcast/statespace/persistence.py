"""Saving fitted state-space results to JSON and loading them back.

The file holds the model's specification, the data (with its index) and the
estimates; loading rebuilds the model and its results without executing any
code from the file (plain JSON, no pickle).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FORMAT = "summitcast.statespace.UnobservedComponentsResults"
VERSION = 1


def _encode_index(index: pd.Index) -> dict[str, Any]:
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "freq": index.freqstr, "values": [str(p) for p in index]}
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "freq": index.freqstr, "values": [t.isoformat() for t in index]}
    return {"kind": "integer", "values": [int(v) for v in index]}


def _decode_index(spec: dict[str, Any]) -> pd.Index:
    kind = spec.get("kind")
    if kind == "period":
        return pd.PeriodIndex(spec["values"], freq=spec["freq"])
    if kind == "datetime":
        return pd.DatetimeIndex(spec["values"], freq=spec["freq"])
    if kind == "integer":
        return pd.Index(spec["values"], dtype="int64")
    raise ValueError(f"unknown index kind {kind!r} in the saved file")


def _floats(values: np.ndarray) -> list:
    return [None if not math.isfinite(v) else float(v) for v in np.asarray(values, dtype=float).ravel()]


def save_results(results: Any, path: str | Path) -> None:
    model = results.model
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "model": model._init_kwargs,
        "endog": {"name": str(model.name), "values": _floats(model.endog), "index": _encode_index(model.index)},
        "exog": {"names": list(model.exog_names), "values": [_floats(row) for row in model.exog]},
        "params": {k: float(v) for k, v in results.params.items()},
        "llf": float(results.llf),
        "converged": bool(results.converged),
        "iterations": int(results.iterations),
        "message": results.fit_message,
    }
    Path(path).write_text(json.dumps(doc, indent=1), encoding="utf-8")


def load_results(path: str | Path):
    """Load results saved with ``results.save(path)``."""
    from .results import UnobservedComponentsResults
    from .unobserved_components import UnobservedComponents

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not a summitcast results file: {err}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a summitcast unobserved-components results file")
    if doc.get("version") != VERSION:
        raise ValueError(f"{path} has format version {doc.get('version')!r}; this summitcast reads version {VERSION}")
    index = _decode_index(doc["endog"]["index"])
    values = np.array([np.nan if v is None else v for v in doc["endog"]["values"]], dtype=float)
    endog = pd.Series(values, index=index, name=doc["endog"]["name"])
    exog = None
    if doc["exog"]["names"]:
        exog = pd.DataFrame(np.array(doc["exog"]["values"], dtype=float), index=index, columns=doc["exog"]["names"])
    model = UnobservedComponents(endog, exog=exog, **doc["model"])
    params = np.array([doc["params"][name] for name in model.param_names])
    info = {"value": model.loglike(params), "hessian": None, "converged": doc["converged"],
            "iterations": doc["iterations"], "message": doc["message"]}
    return UnobservedComponentsResults(model, params, info)
