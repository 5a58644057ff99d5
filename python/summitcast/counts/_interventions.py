"""Intervention covariates for count models (tscount's interv_covariate).

An intervention at time τ enters the linear predictor as η·X_t with

    X_t = δ^(t − τ) · 1{t ≥ τ},

so δ = 0 is a single-period spike, δ = 1 a permanent level shift, and
0 < δ < 1 an effect that decays geometrically (half-life log 0.5 / log δ).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_KINDS = {"spike": 0.0, "level": 1.0}


def intervention(index: pd.Index, at: Any, kind: str = "level", delta: float | None = None) -> pd.Series:
    """Build an intervention covariate on ``index``.

    Parameters
    ----------
    index : pandas.Index
        The time index (of the sample, or of the forecast horizon).
    at : label
        The time τ of the intervention (a label of the same kind as ``index``;
        it may lie outside it).
    kind : {"level", "spike", "decay"}
        Level shift (δ = 1), spike (δ = 0) or decaying effect (0 < δ < 1).
    delta : float, optional
        The decay rate δ for ``kind="decay"``.

    Returns
    -------
    pandas.Series
        X_t on ``index``, named ``"<kind>_<at>"``.
    """
    if kind in _KINDS:
        if delta is not None:
            raise ValueError(f"delta is only used with kind='decay', got delta={delta!r} for kind={kind!r}")
        rate = _KINDS[kind]
    elif kind == "decay":
        if delta is None or not (0.0 < float(delta) < 1.0):
            raise ValueError(f"delta must be in (0, 1) for kind='decay', got {delta!r}")
        rate = float(delta)
    else:
        raise ValueError(f"kind must be 'level', 'spike' or 'decay', got {kind!r}")
    if isinstance(index, pd.DatetimeIndex):
        tau = pd.Timestamp(at)
        freq = index.freq or pd.infer_freq(index)
        if freq is None:
            raise ValueError("index must have a frequency to measure time since the intervention")
        full = pd.date_range(min(tau, index[0]), max(tau, index[-1]), freq=freq)
        pos = pd.Series(np.arange(len(full)), index=full)
        if tau not in pos.index:
            raise ValueError(f"at={at!r} is not on the {freq} grid of index")
        elapsed = pos.reindex(index).to_numpy() - pos[tau]
    else:
        elapsed = np.asarray(index, dtype=float) - float(at)
    after = elapsed >= 0
    values = np.where(after, np.power(rate, np.where(after, elapsed, 0.0)), 0.0)
    if rate == 0.0:
        values = (elapsed == 0).astype(float)
    return pd.Series(values, index=index, name=f"{kind}_{at}")
