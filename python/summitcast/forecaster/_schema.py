"""The versioned JSON document of a forecast (``summitcast forecast --format json``).

The schema is shipped as ``schema/forecast-v1.json`` (JSON Schema, draft
2020-12).  Version 1 is stable: fields may be added (consumers must ignore
unknown ones), none is removed or changes meaning without a new version.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_NAME", "SCHEMA_VERSION", "forecast_document", "load_schema"]

SCHEMA_NAME = "summitcast.forecast"
SCHEMA_VERSION = 1


def load_schema() -> dict[str, Any]:
    """The JSON Schema of the forecast document."""
    text = resources.files(__package__).joinpath("schema", f"forecast-v{SCHEMA_VERSION}.json").read_text("utf-8")
    return json.loads(text)


def _num(value: Any) -> float | None:
    v = float(value)
    return v if math.isfinite(v) else None


def forecast_document(forecast: Any) -> dict[str, Any]:
    """The forecast as plain JSON types."""
    frame = forecast.frame
    level_cols = sorted(c for c in frame.columns if c.startswith("p_level_"))
    ge_cols = sorted(c for c in frame.columns if c.startswith("p_held_level_ge_"))
    horizons = []
    for _, row in frame.iterrows():
        item = {"months": int(row["months"]), "month": f"{row['month']:%Y-%m}", "p_held": _num(row["p_held"]),
                "lower": _num(row["lower"]), "upper": _num(row["upper"]), "sd": _num(row["sd"]),
                "var_indicators": _num(row["var_indicators"]), "var_parameters": _num(row["var_parameters"])}
        horizons.append(item)
    outcomes = {
        "levels": [{"level": int(k), "label": str(v)} for k, v in forecast.outcome_levels.items()],
        "by_horizon": [
            {"months": int(row["months"]),
             "p_level_given_held": [_num(row[c]) for c in level_cols],
             "p_held_with_level_at_least": [_num(row[c]) for c in ge_cols]}
            for _, row in frame.iterrows()
        ] if level_cols else [],
    }
    drivers = {
        "baseline": forecast.baseline,
        "groups": [
            {"group": str(group), "shift": {str(col).split()[0]: _num(v) for col, v in row.items()}}
            for group, row in forecast.drivers.iterrows()
        ],
    }
    em, mm = forecast.expected_month, forecast.median_month
    settings = dict(forecast.settings)
    return {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "series": forecast.series,
        "as_of": f"{forecast.as_of:%Y-%m}",
        "interval": 1.0 - forecast.alpha,
        "horizons": horizons,
        "expected_month": None if em is None else f"{em:%Y-%m}",
        "median_month": None if mm is None else f"{mm:%Y-%m}",
        "outcomes": outcomes,
        "drivers": drivers,
        "data": forecast.data,
        "settings": {"mode": settings["mode"], "method": settings["method"], "seed": int(settings["seed"]),
                     "draws": int(settings["draws"]), "paths": int(settings["paths"]),
                     "horizon": int(settings["horizon"]), "recalibration": settings.get("recalibration")},
        "diagnostics": _plain(forecast.diagnostics),
        "notes": [str(n) for n in forecast.notes],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    try:
        return _num(value)
    except (TypeError, ValueError):
        return str(value)
