"""What every maximum-likelihood result of this layer shares: checking a
parameter vector against the model's names, and Wald inference from the
Hessian of the log-likelihood (statsmodels' ``cov_type="approx"``)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.validation import check_alpha


def params_array(params: Any, names: list[str], name: str = "params") -> np.ndarray:
    """`params` (a Series labelled with `names`, or array-like in their order)
    as a float array; ValueError for a missing label, a wrong length, a
    non-finite value or a negative variance (names starting ``sigma2.``)."""
    if isinstance(params, pd.Series):
        missing = [p for p in names if p not in params.index]
        if missing:
            raise ValueError(f"{name} lacks {missing}")
        params = params[names].to_numpy(dtype=float)
    arr = np.asarray(params, dtype=float).reshape(-1)
    if arr.size != len(names):
        raise ValueError(f"{name} must have {len(names)} values ({names}), got {arr.size}")
    for value, pname in zip(arr, names):
        if not np.isfinite(value):
            raise ValueError(f"{name}: {pname} must be finite, got {value}")
        if pname.startswith("sigma2.") and value < 0:
            raise ValueError(f"{name}: variance {pname} must be non-negative, got {value}")
    return arr


class WaldInference:
    """``cov_params``, ``bse`` and ``conf_int`` for a results class with
    ``params`` (a Series) and ``_loglike_hessian()`` (the Hessian of the
    log-likelihood in the natural parameters)."""

    params: pd.Series

    def _loglike_hessian(self) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def cov_params(self) -> pd.DataFrame:
        """Inverse of the negative Hessian (NaN where it cannot be inverted)."""
        names = list(self.params.index)
        hess = np.asarray(self._loglike_hessian(), dtype=float)
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:
            cov = np.full_like(hess, np.nan)
        return pd.DataFrame(cov, index=names, columns=names)

    @property
    def bse(self) -> pd.Series:
        """Standard errors (NaN where the variance estimate is not positive,
        as at a variance on its zero boundary)."""
        var = np.diag(self.cov_params.to_numpy())
        with np.errstate(invalid="ignore"):
            se = np.where(var > 0, np.sqrt(np.abs(var)), np.nan)
        return pd.Series(se, index=self.params.index, name="bse")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals params ± z·bse."""
        z = float(_core.normal_ppf(1.0 - check_alpha(alpha) / 2.0))
        return pd.DataFrame({"lower": self.params - z * self.bse, "upper": self.params + z * self.bse})
