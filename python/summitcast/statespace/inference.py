"""What every maximum-likelihood result of this layer shares: checking a
parameter vector against the model's names, the fit report (estimates,
log-likelihood, convergence, information criteria) and Wald inference from
the Hessian of the log-likelihood (statsmodels' ``cov_type="approx"``)."""

from __future__ import annotations

import warnings
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._common.exceptions import ConvergenceWarning
from .._common.inference import standard_errors, wald_intervals
from .._common.summary import HtmlSummary
from .._common.validation import as_param_vector


def params_array(params: Any, names: list[str], name: str = "params") -> np.ndarray:
    """`params` (a Series labelled with `names`, or array-like in their order)
    as a float array; ValueError for a missing label, a wrong length, a
    non-finite value or a negative variance (names starting ``sigma2.``),
    TypeError for values that are not real numbers."""
    if isinstance(params, pd.Series):
        missing = [p for p in names if p not in params.index]
        if missing:
            raise ValueError(f"{name} lacks {missing}")
        params = params[names]
    if (isinstance(params, np.ndarray) and params.dtype == np.float64 and params.shape == (len(names),)
            and np.isfinite(params).all()):
        arr = params  # already what as_param_vector returns (an optimiser's inner loop passes these)
    else:
        arr = as_param_vector(params, name, names)
    for value, pname in zip(arr, names):
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
        """Standard errors (NaN, with a ``BoundaryWarning`` naming them, where
        the variance estimate is not positive, as at a variance on its zero
        boundary; see :mod:`summitcast._common.inference`)."""
        scale = self.params.abs().max()
        at_zero = [n for n, v in self.params.items() if str(n).startswith("sigma2.") and v <= 1e-8 * scale]
        reason = f"{at_zero} at the boundary 0" if at_zero else None
        return standard_errors(np.diag(self.cov_params.to_numpy()), list(self.params.index), reason=reason)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals params ± z·bse."""
        return wald_intervals(self.params, self.bse, alpha)


class StateSpaceResults(WaldInference, HtmlSummary):
    """The fit report of a state-space model: ``params`` (natural scale), ``llf``,
    ``converged``, ``iterations``, ``fit_message`` (a ``ConvergenceWarning``
    when a fit stopped short), and ``aic``/``bic`` from ``df_model``.

    Subclasses define ``df_model`` and may narrow ``nobs_effective`` (the
    observations BIC counts)."""

    def __init__(self, model: Any, params: np.ndarray, fit_info: dict[str, Any]):
        # model: the model these results belong to (its public engine methods only)
        self.model = model
        self.params = pd.Series(np.asarray(params, dtype=float), index=model.param_names, name="params")
        self.llf = float(fit_info["value"])
        self._hessian = fit_info.get("hessian")
        self.converged = bool(fit_info.get("converged", True))
        self.iterations = int(fit_info.get("iterations", 0))
        self.fit_message = str(fit_info.get("message", ""))
        if self._hessian is not None and not self.converged:
            warnings.warn(f"maximum likelihood did not converge: {self.fit_message}", ConvergenceWarning, stacklevel=3)

    @property
    def df_model(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def k_params(self) -> int:
        return self.model.k_params

    @property
    def nobs(self) -> int:
        return self.model.nobs

    @property
    def nobs_effective(self) -> int:
        """Observations whose log-likelihood contributions are summed."""
        return self.nobs

    @property
    def aic(self) -> float:
        """−2 log L + 2 df_model (parameters + diffuse states, as Durbin & Koopman and statsmodels)."""
        return -2.0 * self.llf + 2.0 * self.df_model

    @property
    def bic(self) -> float:
        """−2 log L + df_model · log(observations summed)."""
        return -2.0 * self.llf + self.df_model * np.log(self.nobs_effective)
