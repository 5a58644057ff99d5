"""Tables of scores of a backtest frame, one row per model and group.

For each model and group of windows (all of them, a horizon, a series and a
horizon) the table gives

``n``            forecasts scored;
``n_effective``  the effective number of independent windows behind the
                 mean scores: overlapping windows are not independent, so
                 for each series the mean Brier score per origin is taken in
                 time order and its autocorrelation turns n into
                 n / τ (``effective_sample_size``; the count itself for
                 fewer than four origins), summed over series;
``events``       windows that held a meeting; ``event_rate`` their share;
``mean_forecast``;
``brier``, ``log_score``  mean Brier and log scores (smaller is better);
``auc``          ROC AUC (NaN when the windows are all events or all
                 non-events: it is then undefined);
``ece``          expected calibration error over ten equal bins;
``bss_<b>``      Brier skill score ``1 - brier / brier_b`` against each
                 baseline b, on the same windows (positive: better than b).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._binary import auc, brier, log_score, skill_score
from ._bootstrap import effective_sample_size
from ._calibration import ece

__all__ = ["score_table"]

_WINDOW = ["series", "origin", "horizon"]


def _n_effective(group: pd.DataFrame) -> float:
    total = 0.0
    for _, one in group.groupby("series", sort=False):
        per_origin = one.groupby("origin", sort=True)["brier"].mean().to_numpy()
        total += effective_sample_size(per_origin) if per_origin.size >= 4 else float(per_origin.size)
    return total


def _row(group: pd.DataFrame, references: list[str]) -> dict:
    y = group["outcome"].to_numpy()
    p = group["forecast"].to_numpy()
    both = 0 < y.sum() < y.size
    row = {
        "n": int(y.size),
        "n_effective": _n_effective(group),
        "events": int(y.sum()),
        "event_rate": float(y.mean()),
        "mean_forecast": float(p.mean()),
        "brier": float(group["brier"].mean()),
        "log_score": float(group["log_score"].mean()),
        "auc": auc(p, y) if both else np.nan,
        "ece": ece(p, y),
    }
    for b in references:
        row[f"bss_{b}"] = skill_score(group["brier"].to_numpy(), group[f"_ref_{b}"].to_numpy())
    return row


def score_table(frame: pd.DataFrame, keys: list[str], references: list[str]) -> pd.DataFrame:
    """Scores of every model in ``frame`` grouped by ``keys`` (a subset of
    ``series``, ``horizon``), with skill against each model in ``references``."""
    scored = frame.assign(brier=brier(frame["forecast"], frame["outcome"]),
                          log_score=log_score(frame["forecast"], frame["outcome"]))
    for b in references:
        ref = scored.loc[scored["model"] == b, [*_WINDOW, "brier"]].rename(columns={"brier": f"_ref_{b}"})
        scored = scored.merge(ref, on=_WINDOW, how="left", validate="many_to_one")
    out = []
    index = []
    models = list(dict.fromkeys(scored["model"]))
    for model in models:
        mine = scored[scored["model"] == model]
        groups = mine.groupby(keys, sort=True) if keys else [((), mine)]
        for key, group in groups:
            key = key if isinstance(key, tuple) else (key,)
            index.append((model, *key))
            out.append(_row(group, references))
    names = ["model", *keys]
    table = pd.DataFrame(out, index=pd.MultiIndex.from_tuples(index, names=names) if keys else
                         pd.Index([i[0] for i in index], name="model"))
    return table
