"""INGARCH count autoregressions (Poisson and negative binomial) — the user API.

The model (see ``cpp/include/summitcast/counts/ingarch_model.hpp``)::

    Y_t | past ~ Poisson(λ_t)  or  NB2(λ_t, nb_alpha)   (Var = λ + nb_alpha·λ²)
    ν_t = β0 + Σ_k β_k g(Y_{t−i_k}) + Σ_l α_l ν_{t−j_l} + η'X_t
    log link:      λ_t = exp(ν_t), g(y) = log(1 + y)
    identity link: λ_t = ν_t,      g(y) = y   (coefficients constrained ≥ 0, Σβ + Σα < 1)
"""

from __future__ import annotations

import math
import warnings
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common import persist
from .._common.exceptions import BoundaryWarning, ConvergenceWarning
from .._common.persist import decode_floats, decode_index, encode_floats, encode_index
from .._common.inference import coefficient_table, covariance_from_hessian, standard_errors, wald_intervals
from .._common.summary import HtmlSummary, Summary
from .._common.seeds import check_seed
from .._common.time import future_index
from .._common.validation import (
    MAX_COUNT,
    MAX_ITERATIONS,
    as_count_series,
    as_exog_frame,
    as_future_exog,
    as_lags,
    as_param_vector,
    check_allocation,
    check_bool,
    check_choice,
    check_int,
    describe,
)

_LINKS = ("log", "identity")
_FAMILIES = ("poisson", "negbin")
_INITS = ("marginal", "iid", "firstobs", "zero")


class INGARCH:
    """Count time-series model with feedback (INGARCH / log-linear, tscount's ``tsglm``).

    Parameters
    ----------
    endog : pandas.Series or array-like
        Counts (non-negative integers), e.g. incidents per month with a monthly
        DatetimeIndex.  Missing values raise ValueError (see Notes).
    past_obs : int or sequence of int, default 1
        Regression on past observations: an int k means lags 1..k, a list
        gives the lags (e.g. ``[1, 12]``).
    past_mean : int or sequence of int, optional
        Regression on past linear predictors ν (the GARCH-like feedback).
    exog : pandas.DataFrame, Series or array-like, optional
        Covariates X_t, one row per observation (see :func:`intervention`).
        With the identity link they must be non-negative.
    link : {"log", "identity"}
    family : {"poisson", "negbin"}
    init : {"marginal", "iid", "firstobs", "zero"}
        Pre-sample values of the recursion: the stationary mean of ν of the model
        without covariates (tscount's default), the intercept, the first
        observation, or zero.
    init_drop : bool, default False
        Condition on the first ``max(past_obs)`` observations instead of using
        pre-sample values for them (their likelihood terms are left out).

    Notes
    -----
    Missing counts are refused, not dropped: every observation feeds the
    conditional means that follow it, so a gap has no neutral value.  Fill
    (e.g. with zero where "no report" means "no event") or truncate explicitly.

    The negative binomial is fitted by full maximum likelihood over all
    parameters (tscount instead estimates the mean by Poisson quasi-likelihood
    and the dispersion afterwards).
    """

    def __init__(
        self,
        endog: Any,
        past_obs: Any = 1,
        past_mean: Any = None,
        exog: Any = None,
        link: str = "log",
        family: str = "poisson",
        init: str = "marginal",
        init_drop: bool = False,
    ) -> None:
        self.link = check_choice(link, "link", _LINKS)
        self.family = check_choice(family, "family", _FAMILIES)
        self.init = check_choice(init, "init", _INITS)
        self.init_drop = check_bool(init_drop, "init_drop")
        self.endog = as_count_series(endog)
        self.exog = as_exog_frame(exog, self.endog.index)
        self.past_obs = as_lags(past_obs, "past_obs")
        self.past_mean = as_lags(past_mean, "past_mean")
        for name, lags in (("past_obs", self.past_obs), ("past_mean", self.past_mean)):
            if lags and lags[-1] >= len(self.endog):
                raise ValueError(f"{name} has lag {lags[-1]}, beyond the {len(self.endog)} observations of endog")
        if self.link == "identity" and self.exog is not None and (self.exog.to_numpy() < 0).any():
            col = self.exog.columns[(self.exog < 0).any().to_numpy()][0]
            raise ValueError(f"exog column {col!r} has negative values; the identity link needs non-negative covariates")
        k = len(self.param_names)
        usable = len(self.endog) - (max(self.past_obs, default=0) if self.init_drop else 0)
        if usable < k + 1:
            raise ValueError(f"endog has {usable} usable observations; this model with {k} parameters needs at least {k + 1}")

    # -- helpers ---------------------------------------------------------
    @property
    def param_names(self) -> list[str]:
        return _param_names(self.past_obs, self.past_mean, [] if self.exog is None else list(self.exog.columns),
                            self.family)

    @property
    def k_exog(self) -> int:
        return 0 if self.exog is None else self.exog.shape[1]

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        y = self.endog.to_numpy(dtype=float)
        X = np.zeros((len(y), 0)) if self.exog is None else self.exog.to_numpy(dtype=float)
        return y, X

    def _spec(self) -> dict[str, Any]:
        return dict(
            past_obs=self.past_obs,
            past_mean=self.past_mean,
            link=self.link,
            family=self.family,
            init=self.init,
            init_drop=self.init_drop,
        )

    def loglike(self, params: Any) -> float:
        """Log-likelihood at ``params`` (natural scale, order of ``param_names``)."""
        return self.loglike_and_score(params)[0]

    def loglike_and_score(self, params: Any) -> tuple[float, np.ndarray]:
        """Log-likelihood and its analytic gradient at ``params``."""
        y, X = self._arrays()
        p = as_param_vector(params, "params", self.param_names)
        ll, grad, _ = _core.counts.ingarch_loglike(y, X, p, **self._spec())
        return float(ll), np.asarray(grad)

    def fit(self, start_params: Any = None, presample: str = "exact", maxiter: int = 500) -> "INGARCHResults":
        """Maximum-likelihood fit.

        Parameters
        ----------
        start_params : array-like, optional
            Starting values (natural scale).  Explosive or inadmissible values
            raise ValueError.
        presample : {"exact", "plugin"}
            ``"exact"`` maximises the likelihood with the pre-sample values as
            functions of the parameters (the MLE).  ``"plugin"`` holds them at
            their value under the estimate (a fixed point), which is what R's
            tscount computes; use it to reproduce tscount's published numbers.
        maxiter : int
            Maximum BFGS iterations.
        """
        presample = check_choice(presample, "presample", ("exact", "plugin"))
        maxiter = check_int(maxiter, "maxiter", 1, MAX_COUNT)
        start = None if start_params is None else as_param_vector(start_params, "start_params", self.param_names)
        y, X = self._arrays()
        out = _core.counts.ingarch_fit(y, X, **self._spec(), start_params=start, max_iterations=int(maxiter), presample=presample)
        return INGARCHResults(self, out, presample)


class INGARCHResults(HtmlSummary):
    """Results of :meth:`INGARCH.fit` (statsmodels-style)."""

    def __init__(self, model: INGARCH, out: dict[str, Any], presample: str) -> None:
        self.model = model
        self.presample = presample
        self._out = out  # the compiled fit's output, as saved by save()
        self._names = model.param_names
        self._theta = np.asarray(out["params"])
        self._hess = np.asarray(out["hessian"])
        self._score = np.asarray(out["gradient"])
        self._nu = np.asarray(out["linear_predictor"])
        self.llf = float(out["value"])
        self.nobs = int(out["nobs"])
        self.converged = bool(out["converged"])
        self.optimizer_message = str(out["message"])
        self.iterations = int(out["iterations"])
        self.at_boundary = [self._names[i] for i in out["at_boundary"]]
        if not self.converged:
            warnings.warn(f"INGARCH fit did not converge: {self.optimizer_message}", ConvergenceWarning, stacklevel=3)
        if self.at_boundary:
            warnings.warn(
                f"INGARCH estimates at the boundary of the parameter space: {self.at_boundary} (a zero "
                "coefficient under the identity link, or feedback coefficients summing to ±1, i.e. a "
                "non-stationary fit); their standard errors are not valid",
                BoundaryWarning,
                stacklevel=3,
            )

    # pandas views are built on first access (a fit in a loop pays only for the numbers)
    @cached_property
    def params(self) -> pd.Series:
        return pd.Series(self._theta, index=self._names, name="params")

    @cached_property
    def score(self) -> pd.Series:
        """Gradient of the log-likelihood at the estimate (≈ 0)."""
        return pd.Series(self._score, index=self._names, name="score")

    @cached_property
    def hessian(self) -> pd.DataFrame:
        return pd.DataFrame(self._hess, index=self._names, columns=self._names)

    @cached_property
    def cov_params(self) -> pd.DataFrame:
        """Inverse observed information (NaN if it is not positive definite)."""
        return pd.DataFrame(covariance_from_hessian(self._hess), index=self._names, columns=self._names)

    @property
    def bse(self) -> pd.Series:
        """Standard errors (NaN, with a ``BoundaryWarning``, where undefined)."""
        return standard_errors(np.diag(self.cov_params.to_numpy()), self._names)

    @cached_property
    def linear_predictor(self) -> pd.Series:
        return pd.Series(self._nu, index=self.model.endog.index, name="linear_predictor")

    @cached_property
    def fittedvalues(self) -> pd.Series:
        """Conditional means λ_t."""
        lam = np.exp(self._nu) if self.model.link == "log" else self._nu
        return pd.Series(lam, index=self.model.endog.index, name="fitted")

    # -- information criteria -------------------------------------------------
    @property
    def k_params(self) -> int:
        return len(self.params)

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self.k_params

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + math.log(self.nobs) * self.k_params

    @property
    def nb_alpha(self) -> float:
        return float(self.params["nb_alpha"]) if self.model.family == "negbin" else 0.0

    @property
    def tvalues(self) -> pd.Series:
        return coefficient_table(self.params, self.bse)["z"].rename("tvalues")

    @property
    def pvalues(self) -> pd.Series:
        return coefficient_table(self.params, self.bse)["P>|z|"].rename("pvalues")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals params ± z_{1−alpha/2}·bse."""
        return wald_intervals(self.params, self.bse, alpha)

    @property
    def resid(self) -> pd.Series:
        """Response residuals y_t − λ_t."""
        return (self.model.endog - self.fittedvalues).rename("resid")

    @property
    def resid_pearson(self) -> pd.Series:
        lam = self.fittedvalues
        var = lam + self.nb_alpha * lam**2
        return (self.resid / np.sqrt(var)).rename("resid_pearson")

    # -- predictive checks -----------------------------------------------------
    def _fitted_distribution(self) -> dict[str, np.ndarray]:
        first = max(self.model.past_obs, default=0) if self.model.init_drop else 0
        y = self.model.endog.to_numpy()[first:]
        lam = self.fittedvalues.to_numpy()[first:]
        alpha = self.nb_alpha if self.model.family == "negbin" else 1.0
        return _core.counts.count_distribution(y, lam, self.model.family, alpha)

    def pit(self, bins: int = 10) -> pd.Series:
        """Non-randomised PIT histogram of the one-step predictive distributions.

        Czado, Gneiting & Held (2009): with P_t(k) the predictive CDF, the PIT of
        a count y is uniform on (P_t(y−1), P_t(y)); averaging these CDFs over t
        gives F̄(u), and the bin heights F̄(u_j) − F̄(u_{j−1}) are ≈ 1/bins for a
        calibrated model.  Returns them indexed by the bins' upper edges.
        """
        bins = check_int(bins, "bins", 2, MAX_COUNT)
        check_allocation("the PIT histogram", bins=bins + 1, observations=self.nobs)
        d = self._fitted_distribution()
        lo, hi = np.asarray(d["cdf_below"]), np.asarray(d["cdf"])
        u = np.linspace(0.0, 1.0, bins + 1)
        width = np.maximum(hi - lo, 1e-300)
        Fbar = np.clip((u[:, None] - lo[None, :]) / width[None, :], 0.0, 1.0).mean(axis=1)
        return pd.Series(np.diff(Fbar), index=pd.Index(u[1:], name="pit_upper"), name="relative_frequency")

    def scores(self) -> pd.Series:
        """Mean log score (−log p(y_t | λ_t)) and ranked probability score of the fitted values."""
        d = self._fitted_distribution()
        return pd.Series({"log_score": float(-np.mean(d["logpmf"])), "rps": float(np.mean(d["rps"]))}, name="score")

    # -- forecasting ---------------------------------------------------------------
    def simulate(self, steps: int, paths: int = 2000, seed: int | None = None, exog: Any = None) -> "CountForecast":
        """Simulated counts for the ``steps`` periods after the data (seeded).

        Returns a :class:`CountForecast` (a ``ForecastPaths`` whose
        probabilities average the exact conditional distributions over the
        paths).  ``exog`` gives the covariates of the forecast periods: a
        DataFrame on the future index (matched by label) or an array.
        """
        from ._forecast import CountForecast

        steps = check_int(steps, "steps", 1, MAX_COUNT)
        paths = check_int(paths, "paths", 1, MAX_COUNT)
        check_allocation("the simulated paths (counts and their means)", paths=paths, steps=steps, arrays=2)
        seed = check_seed(seed)
        index = future_index(self.model.endog.index, steps)
        columns = [] if self.model.exog is None else list(self.model.exog.columns)
        Xf = as_future_exog(exog, columns, index)
        y, X = self.model._arrays()
        draws, lam = _core.counts.ingarch_forecast_paths(
            y, X, self._theta, **self.model._spec(), exog_future=Xf, steps=steps, paths=paths, seed=seed
        )
        name = str(self.model.endog.name) if self.model.endog.name is not None else "count"
        return CountForecast(np.asarray(draws), np.asarray(lam), index, self.model.family, self.nb_alpha, name, seed)

    def get_forecast(self, steps: int = 1, exog: Any = None, paths: int = 2000, seed: int | None = None) -> "CountForecast":
        """Predictive distributions h = 1..steps ahead (``simulate`` with the
        statsmodels argument order)."""
        return self.simulate(steps, paths=paths, seed=seed, exog=exog)

    # -- persistence -------------------------------------------------------------
    #: ``kind`` of the saved document (a key of ``summitcast._common.persist.LOADERS``).
    save_kind = "counts.INGARCHResults"

    def save(self, path: Any) -> None:
        """Write the model, data and fit to a JSON file (read it back with ``summitcast.load``)."""
        persist.save(path, self.save_kind, self.to_payload())

    def to_payload(self) -> dict[str, Any]:
        """The saved document's payload (plain numbers and strings)."""
        m = self.model
        out = self._out
        payload = {
            "model": {**m._spec(), "past_obs": list(m.past_obs), "past_mean": list(m.past_mean)},
            "endog": {"name": None if m.endog.name is None else str(m.endog.name), "values": encode_floats(m.endog),
                      "index": encode_index(m.endog.index)},
            "exog": None if m.exog is None else {"names": list(m.exog.columns), "values": encode_floats(m.exog)},
            "presample": self.presample,
            "fit": {
                "params": encode_floats(out["params"]), "loglike": float(out["value"]),
                "score": encode_floats(out["gradient"]), "hessian": encode_floats(out["hessian"]),
                "linear_predictor": encode_floats(out["linear_predictor"]),
                "at_boundary": [int(i) for i in out["at_boundary"]], "iterations": int(out["iterations"]),
                "converged": bool(out["converged"]), "message": str(out["message"]), "nobs": int(out["nobs"]),
            },
        }
        return payload

    # -- presentation ------------------------------------------------------------
    def _header(self) -> list[tuple[str, str]]:
        m = self.model
        return [
            ("Model", f"INGARCH ({m.family}, {m.link} link)"),
            ("past_obs", str(m.past_obs)),
            ("past_mean", str(m.past_mean)),
            ("Init", f"{m.init}{' (init_drop)' if m.init_drop else ''}, presample={self.presample}"),
            ("No. observations", str(self.nobs)),
            ("Log-likelihood", f"{self.llf:.4f}"),
            ("AIC", f"{self.aic:.4f}"),
            ("BIC", f"{self.bic:.4f}"),
            ("Converged", f"{self.converged} ({self.optimizer_message})"),
        ]

    def summary(self, alpha: float = 0.05) -> Summary:
        """Model, fit statistics and the coefficient table (text and HTML)."""
        notes = [f"Warning: at the parameter-space boundary: {self.at_boundary}"] if self.at_boundary else []
        table = coefficient_table(self.params, self.bse, alpha)
        return Summary("INGARCH results", self._header(), [("", table)], notes)

    def __repr__(self) -> str:
        return f"<INGARCHResults {self.model.family}/{self.model.link} llf={self.llf:.4f} nobs={self.nobs}>"

    def plot(self, ax: Any = None) -> Any:
        """Observed counts and fitted conditional means; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        ax.plot(self.model.endog.index, self.model.endog.to_numpy(), ".", color="0.3", label="observed")
        ax.plot(self.fittedvalues.index, self.fittedvalues.to_numpy(), "-", color="C0", label="fitted mean λ_t")
        ax.set_ylabel(self.model.endog.name or "count")
        ax.legend(loc="upper left")
        return ax


def simulate_ingarch(
    params: Any,
    nobs: int,
    past_obs: Any = 1,
    past_mean: Any = None,
    exog: Any = None,
    link: str = "log",
    family: str = "poisson",
    burn: int = 200,
    seed: int = 0,
    index: pd.Index | None = None,
) -> pd.Series:
    """Simulate a count series from an INGARCH model (seeded).

    ``params`` follow :attr:`INGARCH.param_names`; ``exog`` has ``nobs`` rows.
    The recursion starts at the stationary mean and discards ``burn`` steps.
    The returned Series is named ``"simulated_counts"``.
    """
    link = check_choice(link, "link", _LINKS)
    family = check_choice(family, "family", _FAMILIES)
    nobs = check_int(nobs, "nobs", 1, MAX_COUNT)
    check_allocation("the simulated series", nobs=nobs)
    burn = check_int(burn, "burn", 0, MAX_ITERATIONS)
    seed = check_seed(seed)
    if index is None:
        idx = pd.RangeIndex(nobs)
    elif not isinstance(index, pd.Index) or len(index) != nobs:
        raise ValueError(f"index must be a pandas Index of nobs={nobs} labels, got {describe(index)}")
    else:
        idx = index
    obs, mean = as_lags(past_obs, "past_obs"), as_lags(past_mean, "past_mean")
    X = as_exog_frame(exog, idx)
    Xa = np.zeros((nobs, 0)) if X is None else X.to_numpy()
    names = _param_names(obs, mean, [] if X is None else list(X.columns), family)
    theta = as_param_vector(params, "params", names, model=f"past_obs={obs}, past_mean={mean}")
    y = _core.counts.ingarch_simulate(theta, Xa, obs, mean, link, family, burn=burn, seed=seed)
    return pd.Series(np.asarray(y, dtype=float), index=idx, name="simulated_counts")


def _param_names(past_obs: list[int], past_mean: list[int], exog_names: list[str], family: str) -> list[str]:
    """The parameters of an INGARCH model in the order the core takes them."""
    names = ["intercept"] + [f"beta_{i}" for i in past_obs] + [f"alpha_{j}" for j in past_mean] + list(exog_names)
    return names + (["nb_alpha"] if family == "negbin" else [])


def results_from_payload(payload: dict[str, Any]) -> INGARCHResults:
    """Rebuild saved INGARCH results (the loader ``summitcast.load`` dispatches to)."""
    index = decode_index(payload["endog"]["index"], "endog index")
    endog = pd.Series(decode_floats(payload["endog"]["values"], "endog"), index=index, name=payload["endog"]["name"])
    exog = None
    if payload["exog"] is not None:
        exog = pd.DataFrame(decode_floats(payload["exog"]["values"], "exog"), index=index,
                            columns=payload["exog"]["names"])
    spec = dict(payload["model"])
    model = INGARCH(endog, exog=exog, **spec)
    fit = payload["fit"]
    out = {key: fit[key] for key in ("at_boundary", "iterations", "converged", "message", "nobs")}
    out["value"] = float(fit["loglike"])
    for key in ("params", "hessian", "linear_predictor"):
        out[key] = decode_floats(fit[key], key)
    out["gradient"] = decode_floats(fit["score"], "score")
    if out["params"].shape != (len(model.param_names),):
        raise ValueError(f"the saved parameters do not match the model's {model.param_names}")
    out["params"] = as_param_vector(out["params"], "the saved params", model.param_names)
    return INGARCHResults(model, out, str(payload["presample"]))
