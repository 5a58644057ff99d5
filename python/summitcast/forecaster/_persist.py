"""A fitted SummitForecaster saved to the project's JSON format and loaded back.

``fc.save(path)`` writes one document of kind ``forecaster.SummitForecaster``
(:mod:`summitcast._common.persist`: versioned, plain numbers and strings,
nothing executable); ``summitcast.load(path)`` returns a fitted forecaster
whose ``forecast``, ``scenario`` and ``summary`` give the same numbers as the
original's for its seed.  The payload holds:

``settings``     series, mode, paths, draws, chains, indicator models, seed,
                 outcome level labels
``record``       the data as of the fitted month (the forecaster's ``Record``:
                 series with their meetings and steps, the indicator panel,
                 crises, leaders, elections, record-through dates), so nothing
                 dated after as-of is stored; the history (features, step
                 states) is rebuilt from it on load
``models``       each pooled model: features, design (centres, scales,
                 series, varying slopes), names of its parameters, its
                 diagnostics and notes, and the posterior draws the fusion
                 uses (of ``total`` draws, those at ``positions``: the draws
                 spread evenly for ``draws`` and for the driver attribution)
``indicators``   each input's model: kind, parameters and, for fitted ones,
                 the INGARCH, state-space or Hawkes results in their own
                 saved form
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._common import persist
from .._common.persist import FileFormatError, decode_floats, decode_table, encode_floats, encode_table
from .._common.time import as_month
from ._features import build_history
from ._indicators import IndicatorModel, IndicatorSet
from ._models import FittedModel, PooledDesign, PooledModels, even_positions
from ._recalibration import ForecastMap
from ._record import Record, SeriesInfo

__all__ = ["KIND", "restore_state", "save_forecaster"]

KIND = "forecaster.SummitForecaster"
#: Saved results an indicator model may hold (nothing else is rebuilt from inside a forecaster's file).
INDICATOR_KINDS = ("counts.INGARCHResults", "statespace.UnobservedComponentsResults", "events.HawkesResults")


# ----------------------------------------------------------------- stand-ins
@dataclass(frozen=True)
class SavedModel:
    """What the forecaster reads of a fitted model once it is loaded: its sizes and names."""

    kind: str
    nobs: int
    param_names: list[str]
    exog_names: list[str]
    cutpoint_names: list[str]
    levels: list[int]


@dataclass(frozen=True)
class SavedImportance:
    khat: float
    ess: float


class SavedPosterior:
    """The kept posterior draws on their original positions (others NaN, never used) and the diagnostics."""

    def __init__(self, draws: pd.DataFrame, diagnostics: dict[str, Any]) -> None:
        self.draws = draws
        self._diagnostics = diagnostics
        self.info = ({"psis": SavedImportance(diagnostics["khat"], diagnostics["ess"])}
                     if diagnostics.get("method") == "laplace+psis" else {})

    def diagnostics(self) -> dict[str, Any]:
        return dict(self._diagnostics)


# -------------------------------------------------------------------- save
def _timestamp(value: pd.Timestamp | None) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def _record_payload(record: Record) -> dict[str, Any]:
    series = {}
    for key, info in record.series.items():
        series[key] = {"members": list(info.members), "rotation": None if info.rotation is None else list(info.rotation),
                       "start": _timestamp(info.start), "end": _timestamp(info.end), "pending": bool(info.pending),
                       "meetings": encode_table(info.meetings), "steps": encode_table(info.steps)}
    return {"as_of": _timestamp(record.as_of), "data_as_of": _timestamp(record.data_as_of),
            "record_through": {k: _timestamp(v) for k, v in record.record_through.items()},
            "series": series, "indicators": encode_table(record.indicators, index=True),
            "crises": encode_table(record.crises), "leaders": encode_table(record.leaders),
            "elections": encode_table(record.elections)}


def _plain(value: Any) -> Any:
    """A diagnostic as JSON: text, an integer (counts) or a float (inf and NaN as null)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    return encode_floats(float(value))


def _model_payload(fm: FittedModel, positions: np.ndarray) -> dict[str, Any]:
    m = fm.model
    draws = fm.posterior.draws
    design = fm.design
    return {
        "name": fm.name, "features": list(fm.features), "notes": list(fm.notes),
        "model": {"kind": type(m).__name__, "nobs": int(m.nobs), "param_names": [str(n) for n in m.param_names],
                  "exog_names": [str(n) for n in m.exog_names],
                  "cutpoint_names": [str(n) for n in getattr(m, "cutpoint_names", [])],
                  "levels": [int(v) for v in getattr(m, "levels", [])]},
        "design": None if design is None else {
            "features": list(design.features), "center": encode_floats(design.center),
            "scale": encode_floats(design.scale), "groups": list(design.groups), "varying": list(design.varying)},
        "diagnostics": {k: _plain(v) for k, v in fm.diagnostics.items()},
        "draws": {"total": int(len(draws)), "positions": [int(i) for i in positions],
                  "columns": [str(c) for c in draws.columns],
                  "values": encode_floats(draws.to_numpy(dtype=float)[positions])},
    }


def _indicator_payload(model: IndicatorModel) -> dict[str, Any]:
    params = {}
    for k, v in model.params.items():
        params[k] = [str(w) for w in v] if isinstance(v, list) else float(v)
    fitted = None
    if model.fitted is not None:
        fitted = {"kind": model.fitted.save_kind, "payload": model.fitted.to_payload()}
    return {"kind": model.kind, "last": int(model.last), "params": params, "start_value": float(model.start_value),
            "fitted": fitted}


def save_forecaster(fc: Any, path: str | Path, uses: tuple[int, ...]) -> Path:
    """Write the fitted forecaster ``fc`` to ``path`` (see the module notes), keeping the
    posterior draws that selections of ``uses`` draws spread evenly take."""
    models = fc.models

    def kept(fm: FittedModel) -> np.ndarray:
        total = len(fm.posterior.draws)
        return np.unique(np.concatenate([even_positions(total, n) for n in uses]))

    payload = {
        "settings": {"series": fc.series, "mode": fc.mode, "paths": int(fc.paths), "draws": int(fc.draws),
                     "chains": int(fc.chains), "indicator_models": dict(fc.indicator_models), "seed": int(fc.seed),
                     "level_labels": {str(k): v for k, v in (fc._level_labels or {}).items()},
                     "recalibration_maps": {key: None if fm is None else fm.as_dict()
                                            for key, fm in fc.recalibration_maps.items()},
                     "recalibration_notes": dict(fc._recalibration_notes)},
        "record": _record_payload(fc.record),
        "models": {
            "mode": models.mode,
            "summit": _model_payload(models.summit, kept(models.summit)),
            "steps": {cls: _model_payload(fm, kept(fm)) for cls, fm in models.steps.items()},
            "outcome": None if models.outcome is None else _model_payload(models.outcome, kept(models.outcome)),
            "imputed": {k: float(v) for k, v in models.imputed.items()},
            "baseline": {str(k): float(v) for k, v in models.baseline.items()},
        },
        "indicators": {name: _indicator_payload(m) for name, m in fc.indicators.models.items()},
    }
    return persist.save(path, KIND, payload)


# -------------------------------------------------------------------- load
def _string_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FileFormatError(f"{name} must be a list of strings")
    return list(value)


def _month(value: Any, name: str) -> pd.Timestamp:
    if not isinstance(value, str):
        raise FileFormatError(f"{name} must be a date, got {value!r}")
    try:
        return pd.Timestamp(value)
    except ValueError as err:
        raise FileFormatError(f"{name} is not a date: {err}") from None


def _record_from(doc: dict[str, Any]) -> Record:
    series = {}
    for key, s in doc["series"].items():
        rotation = None if s["rotation"] is None else tuple(_string_list(s["rotation"], f"series {key} rotation"))
        series[key] = SeriesInfo(key=key, members=tuple(_string_list(s["members"], f"series {key} members")),
                                 rotation=rotation, start=_month(s["start"], f"series {key} start"),
                                 end=_month(s["end"], f"series {key} end"),
                                 meetings=decode_table(s["meetings"], f"series {key} meetings"),
                                 steps=decode_table(s["steps"], f"series {key} steps"), pending=bool(s["pending"]))
    indicators = decode_table(doc["indicators"], "record indicators")
    if not isinstance(indicators.index, pd.DatetimeIndex):
        raise FileFormatError("record indicators must be on a monthly DatetimeIndex")
    return Record(as_of=as_month(_month(doc["as_of"], "record as_of"), "as_of"), series=series, indicators=indicators,
                  crises=decode_table(doc["crises"], "record crises"),
                  leaders=decode_table(doc["leaders"], "record leaders"),
                  elections=decode_table(doc["elections"], "record elections"),
                  record_through={str(k): _month(v, f"record_through {k}") for k, v in doc["record_through"].items()},
                  data_as_of=_month(doc["data_as_of"], "record data_as_of"))


def _model_from(doc: dict[str, Any], what: str) -> FittedModel:
    m = doc["model"]
    model = SavedModel(kind=str(m["kind"]), nobs=int(m["nobs"]), param_names=_string_list(m["param_names"], what),
                       exog_names=_string_list(m["exog_names"], what),
                       cutpoint_names=_string_list(m["cutpoint_names"], what), levels=[int(v) for v in m["levels"]])
    d = doc["draws"]
    columns = _string_list(d["columns"], f"{what} draw columns")
    total = int(d["total"])
    positions = np.asarray(d["positions"], dtype=np.int64)
    values = decode_floats(d["values"], f"{what} draws")
    if positions.ndim != 1 or (positions.size and (positions.min() < 0 or positions.max() >= total)) \
            or values.shape != (positions.size, len(columns)):
        raise FileFormatError(f"{what}: {values.shape} draw values do not fit {positions.size} positions of "
                              f"{total} draws and {len(columns)} parameters")
    frame = np.full((total, len(columns)), np.nan)
    frame[positions] = values
    design = None
    if doc["design"] is not None:
        g = doc["design"]
        design = PooledDesign(_string_list(g["features"], what), decode_floats(g["center"], f"{what} centres"),
                              decode_floats(g["scale"], f"{what} scales"), _string_list(g["groups"], what),
                              _string_list(g["varying"], what))
    diagnostics = {str(k): (np.nan if v is None else v) for k, v in doc["diagnostics"].items()}
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in diagnostics.values()):
        raise FileFormatError(f"{what} diagnostics must be numbers or text")
    posterior = SavedPosterior(pd.DataFrame(frame, columns=columns), diagnostics)
    return FittedModel(str(doc["name"]), model, posterior, _string_list(doc["features"], what), design=design,
                       notes=_string_list(doc["notes"], f"{what} notes"))


def _indicator_from(name: str, doc: dict[str, Any], index: pd.DatetimeIndex) -> IndicatorModel:
    params: dict[str, Any] = {}
    for k, v in doc["params"].items():
        params[k] = _string_list(v, f"indicator {name} warnings") if isinstance(v, list) else float(v)
    fitted = None
    if doc["fitted"] is not None:
        if doc["fitted"]["kind"] not in INDICATOR_KINDS:
            raise FileFormatError(f"indicator {name}: a fitted indicator model is one of {list(INDICATOR_KINDS)}, "
                                  f"got {doc['fitted']['kind']!r}")
        # the fit's warnings were recorded with it (params["warnings"], the forecast's notes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = persist.from_payload(doc["fitted"]["kind"], doc["fitted"]["payload"], f"indicator {name}")
    last = int(doc["last"])
    if not 0 <= last < len(index):
        raise FileFormatError(f"indicator {name}: last known month {last} is outside the record's {len(index)} months")
    return IndicatorModel(name, str(doc["kind"]), last, index, params, fitted, float(doc["start_value"]))


def _maps_from(settings: dict[str, Any], series: Any) -> dict[str, Any]:
    """The recalibration maps of every series and their notes, from a file of any version: files
    written before the forecaster carried a map hold none (their forecasts stay as they were);
    files of one map pooled over series ("recalibration") apply it to every series."""
    if "recalibration_maps" in settings:
        maps = {str(k): None if doc is None else ForecastMap.from_dict(doc)
                for k, doc in settings["recalibration_maps"].items()}
        notes = {str(k): str(v) for k, v in settings.get("recalibration_notes", {}).items()}
    else:
        one = settings.get("recalibration")
        maps = {key: None if one is None else ForecastMap.from_dict(one) for key in series}
        note = settings.get("recalibration_note")
        notes = {key: note for key in series} if note else {}
    return {"recalibration_maps": maps, "_recalibration_notes": notes}


def restore_state(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(constructor arguments, fitted attributes) of a saved SummitForecaster."""
    s = payload["settings"]
    settings = {key: s[key] for key in ("series", "mode", "paths", "draws", "chains", "indicator_models")}
    record = _record_from(payload["record"])
    history = build_history(record)
    m = payload["models"]
    models = PooledModels(
        summit=_model_from(m["summit"], "summit model"),
        steps={str(cls): _model_from(doc, f"{cls} step model") for cls, doc in m["steps"].items()},
        outcome=None if m["outcome"] is None else _model_from(m["outcome"], "outcome model"),
        imputed={str(k): float(v) for k, v in m["imputed"].items()},
        baseline=pd.Series({str(k): float(v) for k, v in m["baseline"].items()}, dtype=float),
        mode=str(m["mode"]),
    )
    indicators = {name: _indicator_from(name, doc, history.index) for name, doc in payload["indicators"].items()}
    fitted = {"seed": int(s["seed"]), "models": models, "record": record, "history": history, "as_of": record.as_of,
              "indicators": IndicatorSet(indicators, history.index[-1], history.index),
              "_level_labels": {int(k): str(v) for k, v in s["level_labels"].items()},
              **_maps_from(s, record.series)}
    return settings, fitted
