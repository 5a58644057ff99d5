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

from .._common.time import as_dates
from .._common.validation import as_float_array, check_choice, check_float, describe

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
    kind = check_choice(kind, "kind", ("level", "spike", "decay"))
    if kind in _KINDS:
        if delta is not None:
            raise ValueError(f"delta is only used with kind='decay', got delta={delta!r} for kind={kind!r}")
        rate = _KINDS[kind]
    else:
        if delta is None:
            raise ValueError("delta must be given (in (0, 1)) for kind='decay'")
        rate = check_float(delta, "delta", 0.0, 1.0, exclusive=True)
    if not isinstance(index, pd.Index) or len(index) == 0:
        raise TypeError(f"index must be a non-empty pandas Index (dates or numbers), got {describe(index)}")
    if isinstance(index, pd.DatetimeIndex):
        if index.tz is not None:
            raise ValueError(f"index must be time-zone-naive, got zone {index.tz}")
        dates = as_dates(at, "at")
        if len(dates) != 1:
            raise ValueError(f"at must be one date, got {len(dates)}")
        tau = dates[0]
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError("index must have a frequency to measure time since the intervention")
        full = pd.date_range(min(tau, index[0]), max(tau, index[-1]), freq=freq)
        pos = pd.Series(np.arange(len(full)), index=full)
        if tau not in pos.index:
            raise ValueError(f"at={at!r} is not on the {freq} grid of index")
        elapsed = pos.reindex(index).to_numpy() - pos[tau]
    elif pd.api.types.is_numeric_dtype(index.dtype) and not pd.api.types.is_bool_dtype(index.dtype):
        if isinstance(at, (str, bytes, bool)) or not isinstance(at, (int, float, np.integer, np.floating)):
            raise TypeError(f"at must be a number when index holds numbers ({index.dtype}), got {at!r}")
        elapsed = as_float_array(index, "index") - check_float(at, "at")
    else:
        raise TypeError(f"index must hold dates (a DatetimeIndex) or numbers, got dtype {index.dtype}")
    after = elapsed >= 0
    values = np.where(after, np.power(rate, np.where(after, elapsed, 0.0)), 0.0)
    if rate == 0.0:
        values = (elapsed == 0).astype(float)
    return pd.Series(values, index=index, name=f"{kind}_{at}")
