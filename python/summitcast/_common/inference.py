"""Wald inference for maximum-likelihood results, shared by every layer.

An estimate's covariance is the inverse observed information, (−H)^{-1},
with H the Hessian of the log-likelihood at the estimate.  It exists only
where −H is positive definite; elsewhere (typically an estimate on the
boundary of the parameter space: a variance at 0, a branching ratio at 1) the
standard errors are NaN, and every accessor that returns them says so with a
``BoundaryWarning`` naming the parameters -- NaN with a reason, never silent.
Parameters held fixed (not estimated) have NaN standard errors too; their
reason travels in ``bse.attrs["why_nan"]`` and no warning is issued.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _core
from .exceptions import BoundaryWarning
from .validation import check_alpha

__all__ = ["coefficient_table", "covariance_from_hessian", "standard_errors", "two_sided_z", "wald_intervals"]

FIXED = "held fixed, not estimated"


def two_sided_z(alpha: float) -> float:
    """z with P(|Z| > z) = alpha, from the lower tail (−Φ^{-1}(alpha/2)), so a
    tiny alpha is not lost to rounding 1 − alpha/2 to 1."""
    return -float(_core.normal_ppf(check_alpha(alpha) / 2.0))


def covariance_from_hessian(hessian: np.ndarray) -> np.ndarray:
    """(−H)^{-1} when −H is finite and positive definite, else all NaN."""
    hessian = np.asarray(hessian, dtype=float)
    if np.isfinite(hessian).all():
        try:
            np.linalg.cholesky(-hessian)
            return np.linalg.inv(-hessian)
        except np.linalg.LinAlgError:
            pass
    return np.full_like(hessian, np.nan)


def _warn_undefined(bse: pd.Series, reason: str | None = None) -> None:
    explained = bse.attrs.get("why_nan", {})
    undefined = [str(n) for n, v in bse.items() if np.isnan(v) and n not in explained]
    if undefined:
        why = reason or "the observed information is not positive definite there (typically an estimate at the " \
                        "boundary of the parameter space)"
        warnings.warn(f"standard errors of {undefined} are undefined (NaN): {why}; Wald intervals and z statistics "
                      "do not apply to them", BoundaryWarning, stacklevel=4)


def standard_errors(variances: np.ndarray, names: Sequence[str], fixed: Sequence[str] = (),
                    reason: str | None = None) -> pd.Series:
    """√variance per parameter; NaN where the variance is not positive (with
    a ``BoundaryWarning``, or, for the ``fixed`` parameters, a reason in
    ``attrs["why_nan"]``).  ``reason`` replaces the generic explanation."""
    var = np.asarray(variances, dtype=float)
    with np.errstate(invalid="ignore"):
        se = np.where(np.isfinite(var) & (var > 0), np.sqrt(np.abs(var)), np.nan)
    bse = pd.Series(se, index=list(names), name="bse")
    bse.attrs["why_nan"] = {n: FIXED for n in fixed}
    _warn_undefined(bse, reason)
    return bse


def wald_intervals(params: pd.Series, bse: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """``lower, upper`` = params ∓ z_{1−alpha/2} · bse (NaN rows warned about
    as by :func:`standard_errors`, fixed ones explained in ``attrs``)."""
    z = two_sided_z(alpha)
    _warn_undefined(bse)
    frame = pd.DataFrame({"lower": params - z * bse, "upper": params + z * bse})
    frame.attrs["why_nan"] = dict(bse.attrs.get("why_nan", {}))
    return frame


def coefficient_table(params: pd.Series, bse: pd.Series, alpha: float = 0.05, *, z: bool = True,
                      pvalues: bool = True) -> pd.DataFrame:
    """The summary table: ``coef``, ``std err``, ``z`` and ``P>|z|`` (two-sided,
    normal) when asked for, and the ``1 − alpha`` Wald interval."""
    ci = wald_intervals(params, bse, alpha)
    table = pd.DataFrame({"coef": params, "std err": bse})
    stat = params / bse
    if z:
        table["z"] = stat
    if pvalues:
        table["P>|z|"] = 2.0 * np.asarray(_core.normal_cdf(-np.abs(stat.to_numpy())))
    table[f"[{alpha / 2:.3g}"] = ci["lower"]
    table[f"{1 - alpha / 2:.3g}]"] = ci["upper"]
    table.attrs["why_nan"] = ci.attrs["why_nan"]
    return table
