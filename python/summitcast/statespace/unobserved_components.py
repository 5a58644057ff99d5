"""Unobserved-components models for continuous monthly indicators."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common import persist
from .._common.persist import decode_floats, decode_index, encode_floats, encode_index
from .._common.progress import progress as progress_bar
from .._common.seeds import check_seed
from .. import diagnostics
from .._common.exceptions import ConvergenceWarning
from .._common.time import future_index
from .._common.validation import (
    MAX_COUNT,
    MAX_ITERATIONS,
    as_endog,
    as_exog,
    as_future_exog,
    check_allocation,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_threads,
    describe,
)
from .bayes_results import UnobservedComponentsPosterior
from .inference import params_array
from .priors import InverseGamma
from .results import UnobservedComponentsResults

# level= name -> (level, stochastic_level, trend, stochastic_trend, irregular)
TREND_SPECS: dict[str, tuple[bool, bool, bool, bool, bool]] = {
    # the specification table of statsmodels' UnobservedComponents
    "irregular": (False, False, False, False, True),
    "fixed intercept": (True, False, False, False, False),
    "deterministic constant": (True, False, False, False, True),
    "local level": (True, True, False, False, True),
    "random walk": (True, True, False, False, False),
    "fixed slope": (True, False, True, False, False),
    "deterministic trend": (True, False, True, False, True),
    "local linear deterministic trend": (True, True, True, False, True),
    "random walk with drift": (True, True, True, False, False),
    "local linear trend": (True, True, True, True, True),
    "smooth trend": (True, False, True, True, True),
    "random trend": (True, False, True, True, False),
}


def component_spec(
    level: str | None,
    seasonal: int | None,
    freq_seasonal: Sequence[Mapping[str, int]] | None,
    irregular: bool | None,
    stochastic_seasonal: bool,
    stochastic_freq_seasonal: Sequence[bool] | None,
    n: int,
) -> Any:
    """The compiled component specification for the arguments of
    :class:`UnobservedComponents` (checked; `n` is the number of time points)."""
    if level is None or level is False:
        flags = (False, False, False, False, True)
    else:
        flags = TREND_SPECS[check_choice(level, "level", sorted(TREND_SPECS))]
    spec = _core.statespace.ComponentSpec()
    spec.level, spec.stochastic_level, spec.trend, spec.stochastic_trend, implied_irregular = flags
    spec.irregular = implied_irregular if irregular is None else bool(irregular)

    if seasonal is not None:
        seasonal = check_int(seasonal, "seasonal", 2)
        if seasonal > n:
            raise ValueError(f"seasonal period {seasonal} is longer than the data ({n} observations)")
        spec.seasonal = seasonal
        spec.stochastic_seasonal = bool(stochastic_seasonal)
    trig = []
    freq_seasonal = list(freq_seasonal or [])
    if stochastic_freq_seasonal is None:
        stochastic_freq_seasonal = [True] * len(freq_seasonal)
    if len(stochastic_freq_seasonal) != len(freq_seasonal):
        raise ValueError(f"stochastic_freq_seasonal must have one entry per freq_seasonal component "
                         f"({len(freq_seasonal)}), got {len(stochastic_freq_seasonal)}")
    for item, stochastic in zip(freq_seasonal, stochastic_freq_seasonal):
        if not isinstance(item, Mapping) or "period" not in item:
            raise ValueError(f"each freq_seasonal entry must be a dict with 'period' (and 'harmonics'), got {item!r}")
        period = check_int(item["period"], "freq_seasonal period", 2)
        if period > n:
            raise ValueError(f"freq_seasonal period {period} is longer than the data ({n} observations)")
        harmonics = check_int(item.get("harmonics", period // 2), "freq_seasonal harmonics", 1)
        trig.append(_core.statespace.TrigSeasonal(period, harmonics, bool(stochastic)))
    spec.trig = trig
    stochastic = (
        spec.irregular or spec.stochastic_level or spec.stochastic_trend
        or (spec.seasonal > 0 and spec.stochastic_seasonal) or any(tr.stochastic for tr in trig)
    )
    if not stochastic:
        # As statsmodels does: a model with no stochastic element has a
        # degenerate likelihood, so an irregular is added (with a warning).
        warnings.warn(
            f"the model {level!r} has no stochastic element; an irregular component was added",
            UserWarning, stacklevel=3,  # the caller of the model's constructor
        )
        spec.irregular = True
    return spec


class UnobservedComponents:
    """Structural time-series model: level/trend + seasonal + regression + irregular.

    Parameters
    ----------
    endog : pandas.Series or array-like
        The observed series; NaN marks a missing month.  A DatetimeIndex or
        PeriodIndex must have a regular frequency; forecasts extend it.
    level : str or None
        One of ``"fixed intercept"``, ``"local level"``, ``"random walk"``,
        ``"deterministic trend"``, ``"random walk with drift"``,
        ``"local linear trend"``, ``"smooth trend"``, ``"irregular"`` (or None
        for no level at all).
    seasonal : int, optional
        Period of a stochastic dummy seasonal (e.g. 12 for monthly data).
    freq_seasonal : list of dict, optional
        Trigonometric seasonals, each ``{"period": s, "harmonics": h}``.
    exog : DataFrame or array-like, optional
        Regressors, one row per observation.  NaN in exog is an error.
    irregular : bool, optional
        Overrides the irregular term implied by ``level``.
    stochastic_seasonal : bool
        Whether the dummy seasonal evolves (True) or is fixed.
    stochastic_freq_seasonal : list of bool, optional
        The same for each trigonometric seasonal.
    diffuse : {"exact", "approximate"}
        Exact diffuse initialisation of the states (Durbin & Koopman), or a
        large initial variance (``approx_diffuse_variance``) with the first
        ``k_states`` log-likelihood contributions left out.

    Notes
    -----
    Log-likelihood convention: with exact diffuse initialisation the
    −½·log 2π constant is kept for the diffuse observations (as statsmodels
    does; KFAS drops it).  On the Nile data the local-level maximum is
    −633.4646 under this convention (−632.5456 under KFAS's).
    """

    def __init__(
        self,
        endog: Any,
        level: str | None = "local level",
        seasonal: int | None = None,
        freq_seasonal: Sequence[Mapping[str, int]] | None = None,
        exog: Any = None,
        irregular: bool | None = None,
        stochastic_seasonal: bool = True,
        stochastic_freq_seasonal: Sequence[bool] | None = None,
        diffuse: str = "exact",
        approx_diffuse_variance: float = 1e6,
    ) -> None:
        freq_seasonal = _freq_seasonal(freq_seasonal)
        if stochastic_freq_seasonal is None:
            stochastic_freq_seasonal = [True] * len(freq_seasonal)
        elif isinstance(stochastic_freq_seasonal, (str, bytes, dict)) or not isinstance(stochastic_freq_seasonal,
                                                                                       Sequence):
            raise TypeError("stochastic_freq_seasonal must be a list of True/False, one per freq_seasonal entry, got "
                            f"{describe(stochastic_freq_seasonal)}")
        stochastic_freq_seasonal = [check_bool(v, f"stochastic_freq_seasonal[{i}]")
                                    for i, v in enumerate(stochastic_freq_seasonal)]
        if irregular is not None:
            irregular = check_bool(irregular, "irregular")
        stochastic_seasonal = check_bool(stochastic_seasonal, "stochastic_seasonal")
        diffuse = check_choice(diffuse, "diffuse", ("exact", "approximate"))
        approx_diffuse_variance = check_float(approx_diffuse_variance, "approx_diffuse_variance", 0.0, exclusive=True)
        self._init_kwargs = {
            "level": level, "seasonal": seasonal, "freq_seasonal": freq_seasonal or None,
            "irregular": irregular, "stochastic_seasonal": stochastic_seasonal,
            "stochastic_freq_seasonal": stochastic_freq_seasonal if freq_seasonal else None,
            "diffuse": diffuse, "approx_diffuse_variance": approx_diffuse_variance,
        }
        values, index = as_endog(endog)
        self.endog = values
        self.index = index
        self.name = getattr(endog, "name", None) or "y"
        self.exog, self.exog_names = as_exog(exog, values.size, index)

        spec = component_spec(level, seasonal, freq_seasonal, irregular, stochastic_seasonal,
                              stochastic_freq_seasonal, values.size)
        self.level = level
        spec.k_exog = self.exog.shape[1]
        spec.exact_diffuse = diffuse == "exact"
        spec.approx_diffuse_variance = approx_diffuse_variance
        spec.validate()
        self.spec = spec
        self._model = _core.statespace.UCModel(spec, values, self.exog)

    # -- description ------------------------------------------------------
    @property
    def param_names(self) -> list[str]:
        return list(self.spec.variance_names()) + [f"beta.{c}" for c in self.exog_names]

    @property
    def state_names(self) -> list[str]:
        return list(self.spec.state_names())

    @property
    def k_params(self) -> int:
        return int(self.spec.k_params)

    @property
    def nobs(self) -> int:
        """Number of observed (non-NaN) values."""
        return int(self._model.nobs)

    @property
    def start_params(self) -> pd.Series:
        return pd.Series(self._model.start_params(), index=self.param_names)

    def _params_array(self, params: Any, name: str = "params") -> np.ndarray:
        return params_array(params, self.param_names, name)

    # -- likelihood ---------------------------------------------------------
    def loglike(self, params: Any) -> float:
        """Log-likelihood at natural-scale parameters (variances, betas)."""
        return float(self._model.loglike(self._params_array(params)))

    def system_matrices(self, params: Any) -> dict[str, np.ndarray]:
        """The state-space matrices (Z, H, T, R, Q, d, c, a1, P1_star, P1_inf) at `params`."""
        return dict(self.spec.system(self._params_array(params), self.exog))

    def fit(self, start_params: Any = None, maxiter: int = 500, gtol: float = 1e-7):
        """Maximum-likelihood estimates of the variances and regression coefficients.

        BFGS in C++ over θ with each variance σ²_k = s_k θ_k² (s_k its
        starting value; unlike a log transform this reaches a zero variance)
        and each β as itself, with the analytic score under exact diffuse
        initialisation (finite differences otherwise); standard errors from
        the numerical Hessian of the log-likelihood in (σ², β).
        """
        start = self._model.start_params() if start_params is None else self._params_array(start_params, "start_params")
        if np.any(start[: self.spec.k_variances] <= 0):
            raise ValueError("start_params variances must be positive")
        maxiter = check_int(maxiter, "maxiter", 1, MAX_COUNT)
        gtol = check_float(gtol, "gtol", 0.0, exclusive=True)
        out = self._model.fit(start, maxiter, gtol)
        return UnobservedComponentsResults(self, out["params"], out)

    def smooth(self, params: Any):
        """Results at given parameters without estimating them."""
        arr = self._params_array(params)
        return UnobservedComponentsResults(self, arr, {"value": self._model.loglike(arr), "hessian": None})

    def fit_bayes(
        self,
        draws: int = 1000,
        tune: int = 500,
        chains: int = 4,
        seed: int | None = None,
        priors: Mapping[str, Any] | None = None,
        thin: int = 1,
        cores: int | None = None,
        progress: bool | None = None,
    ):
        """Posterior draws by Gibbs sampling with the simulation smoother.

        Priors: each variance σ² ~ InverseGamma(shape, scale); by default a
        prior worth 0.01 observations (shape 0.005, scale 0.005·g², the form
        bsts uses) around a guess g taken from the first differences of y:
        g = sd(Δy) for the irregular and g = 0.01·sd(Δy) for the state
        disturbances.  (bsts guesses from sd(y), which a trending series
        inflates.)  Regression coefficients β_j ~ N(0, (10·sd(Δy)/sd(x_j))²).
        Override any of them with ``priors={"sigma2.level": InverseGamma(a, b),
        "beta.x": (mean, sd)}``.

        The posterior is judged by the thresholds of
        :mod:`summitcast.diagnostics` (R-hat ≤ 1.01, bulk and tail ESS ≥ 100
        per chain), the same ones NUTS is: a ``ConvergenceWarning`` names
        every parameter that fails them.  Runs that would keep more than
        ``MAX_ARRAY_VALUES`` numbers (draws × chains × (parameters + the
        components' values at every time point)) or iterate more than
        ``MAX_ITERATIONS`` times per chain are refused.
        """
        draws = check_int(draws, "draws", 1, MAX_ITERATIONS)
        tune = check_int(tune, "tune", 0, MAX_ITERATIONS)
        chains = check_int(chains, "chains", 1, MAX_COUNT)
        thin = check_int(thin, "thin", 1, MAX_ITERATIONS // draws)
        selection, signal_names = self.signal_selection()
        check_allocation("the posterior", draws=draws, chains=chains,
                         values_per_draw=self.k_params + len(self.state_names) + len(signal_names) * self.endog.size)
        seed = check_seed(seed)
        threads = min(chains, check_threads(cores))
        shape, scale, beta_mean, beta_var = self._priors(priors)

        with progress_bar(chains * (tune + draws * thin), "Gibbs sweeps", progress) as on_progress:
            out = self._model.gibbs(
                shape, scale, beta_mean, beta_var, self._model.start_params(), draws, tune, thin, chains, threads,
                seed, selection, on_progress,
            )
        posterior = UnobservedComponentsPosterior(self, out, draws, chains, signal_names, seed)
        problems = diagnostics.convergence_problems(posterior.diagnostics(), chains)
        if problems:
            warnings.warn("Gibbs sampler diagnostics failed: " + "; ".join(problems), ConvergenceWarning, stacklevel=2)
        return posterior

    def _priors(self, priors: Mapping[str, Any] | None):
        if priors is None:
            priors = {}
        if not isinstance(priors, Mapping):
            raise TypeError(f"priors must be a dict from parameter names to priors, got {describe(priors)}")
        unknown = set(priors) - set(self.param_names)
        if unknown:
            raise ValueError(f"priors names unknown parameters {sorted(unknown)}; parameters are {self.param_names}")
        # The data's scale from first differences, which a drifting level or
        # trend does not inflate (sd(y) itself would, and a prior built on it
        # would swamp the irregular of a trending series).
        diffs = np.diff(self.endog)
        diffs = diffs[~np.isnan(diffs)]
        sd_y = float(np.std(diffs)) if diffs.size > 1 and np.std(diffs) > 0 else 1.0
        shape, scale = [], []
        for name in self.spec.variance_names():
            prior = priors.get(name)
            if prior is None:
                guess = sd_y if name == "sigma2.irregular" else 0.01 * sd_y
                prior = InverseGamma(0.005, 0.005 * guess**2)
            if not isinstance(prior, InverseGamma):
                raise TypeError(f"the prior for {name} must be an InverseGamma, got {prior!r}")
            shape.append(prior.shape)
            scale.append(prior.scale)
        beta_mean, beta_var = [], []
        for j, col in enumerate(self.exog_names):
            name = f"beta.{col}"
            if name in priors:
                pair = priors[name]
                if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
                    raise TypeError(f"priors[{name!r}] must be a pair (mean, sd), got {describe(pair)}")
                mean = check_float(pair[0], f"priors[{name!r}] mean")
                sd = check_float(pair[1], f"priors[{name!r}] sd", 0.0, exclusive=True)
            else:
                x = self.exog[:, j]
                sd_x = float(np.std(x))
                denom = sd_x if sd_x > 0 else max(abs(float(np.mean(x))), 1.0)
                mean, sd = 0.0, 10.0 * sd_y / denom
            beta_mean.append(float(mean))
            beta_var.append(float(sd) ** 2)
        return (np.array(shape), np.array(scale), np.array(beta_mean), np.array(beta_var))

    # -- the component layout (from the compiled model) ------------------------
    @property
    def components_layout(self) -> list[dict[str, Any]]:
        """Each component's place in the state vector: ``name``, ``first``
        state, ``size`` and the ``signal`` states whose sum is its current
        contribution (a trigonometric seasonal's: its cosine states)."""
        return [{"name": b.name, "first": b.first, "size": b.size, "signal": list(b.signal)} for b in self.spec.layout()]

    def signal_selection(self) -> tuple[np.ndarray, list[str]]:
        """A selection matrix (components × states) picking each component's
        contribution, and the components' names."""
        layout = self.components_layout
        sel = np.zeros((len(layout), len(self.state_names)))
        for row, block in enumerate(layout):
            sel[row, block["signal"]] = 1.0
        return np.ascontiguousarray(sel), [block["name"] for block in layout]

    # -- computations at given parameters (the results objects' engine) -------
    def smoother_output(self, params: Any) -> dict[str, np.ndarray]:
        """Filter and smoother output at ``params`` (states, covariances, forecast errors)."""
        return self._model.smooth(self._params_array(params), True)

    def hessian(self, params: Any) -> np.ndarray:
        """Numerical Hessian of the log-likelihood at ``params`` (natural scale)."""
        return np.asarray(self._model.hessian(self._params_array(params)))

    def future_exog(self, steps: int, exog: Any) -> np.ndarray:
        """Regressors for the ``steps`` periods after the data, checked against
        the model's (a DataFrame is matched by column name and by its index)."""
        return as_future_exog(exog, self.exog_names, future_index(self.index, steps))

    def forecast_moments(self, params: Any, steps: int, exog: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Means and variances of y for the ``steps`` periods after the data."""
        fx = self.future_exog(steps, exog)
        mean, var = self._model.forecast(self._params_array(params), steps, fx)
        return np.asarray(mean), np.asarray(var)

    def simulate_paths(self, params: Any, steps: int, paths: int, exog: Any, seed: int, threads: int) -> np.ndarray:
        """(paths, steps) simulated futures at ``params`` (state drawn from its filtered distribution)."""
        fx = self.future_exog(steps, exog)
        return np.asarray(self._model.simulate(self._params_array(params), steps, paths, fx, seed, threads))

    def simulate_from_draws(self, draws: np.ndarray, last_states: np.ndarray, steps: int, exog: Any, seed: int,
                            threads: int) -> np.ndarray:
        """(n_draws, steps) simulated futures, path i from parameter draw i and its final state draw."""
        fx = self.future_exog(steps, exog)
        return np.asarray(self._model.simulate_from_draws(np.ascontiguousarray(draws), np.ascontiguousarray(last_states),
                                                          steps, fx, seed, threads))

    def simulation_smoother_draws(self, params: Any, draws: int, seed: int) -> np.ndarray:
        """(draws, n, m) draws of the states given all the data (Durbin & Koopman 2002)."""
        raw = self._model.simulation_smoother(self._params_array(params), draws, seed)
        return np.asarray(raw).reshape(draws, self.endog.size, len(self.state_names))

    # -- saving -----------------------------------------------------------------
    def specification(self) -> dict[str, Any]:
        """The constructor's arguments other than the data (enough to rebuild the model)."""
        return dict(self._init_kwargs)

    def to_payload(self) -> dict[str, Any]:
        return {
            "model": self.specification(),
            "endog": {"name": str(self.name), "values": encode_floats(self.endog), "index": encode_index(self.index)},
            "exog": {"names": list(self.exog_names), "values": encode_floats(self.exog)},
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "UnobservedComponents":
        index = decode_index(payload["endog"]["index"], "endog index")
        endog = pd.Series(decode_floats(payload["endog"]["values"], "endog"), index=index, name=payload["endog"]["name"])
        exog = None
        if payload["exog"]["names"]:
            exog = pd.DataFrame(decode_floats(payload["exog"]["values"], "exog"), index=index,
                                columns=payload["exog"]["names"])
        spec = payload["model"]
        if not isinstance(spec, dict) or set(spec) - set(_SPEC_KEYS):
            raise ValueError(f"the saved model specification has unknown entries: {sorted(set(spec) - set(_SPEC_KEYS))}")
        return cls(endog, exog=exog, **spec)

    def __repr__(self) -> str:
        parts = [f"level={self.level!r}"]
        if self.spec.seasonal:
            parts.append(f"seasonal={self.spec.seasonal}")
        for tr in self.spec.trig:
            parts.append(f"freq_seasonal=({tr.period}, {tr.harmonics})")
        if self.exog_names:
            parts.append(f"exog={self.exog_names}")
        return f"UnobservedComponents({self.name}, n={self.endog.size}, " + ", ".join(parts) + ")"


def _freq_seasonal(value: Any) -> list[dict[str, Any]]:
    """Trigonometric seasonals as a list of ``{"period": s, "harmonics": h}``."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"freq_seasonal must be a list of dicts like {{'period': 12, 'harmonics': 2}}, got "
                        f"{describe(value)}")
    items = list(value)
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or "period" not in item or set(item) - {"period", "harmonics"}:
            raise ValueError(f"freq_seasonal[{i}] must be a dict with 'period' (and 'harmonics'), got {item!r}")
    return [dict(item) for item in items]


_SPEC_KEYS = ("level", "seasonal", "freq_seasonal", "irregular", "stochastic_seasonal", "stochastic_freq_seasonal",
              "diffuse", "approx_diffuse_variance")
_KIND = "statespace.UnobservedComponentsResults"


def results_from_payload(payload: dict[str, Any]) -> UnobservedComponentsResults:
    """Rebuild saved results (the loader ``summitcast.load`` dispatches to)."""
    model = UnobservedComponents.from_payload(payload)
    names = model.param_names
    saved = payload["params"]
    if set(saved) != set(names):
        raise ValueError(f"the saved parameters {sorted(saved)} do not match the model's {names}")
    params = decode_floats([saved[name] for name in names], "params")
    info = {"value": model.loglike(params), "hessian": None, "converged": bool(payload["converged"]),
            "iterations": int(payload["iterations"]), "message": str(payload["message"])}
    return UnobservedComponentsResults(model, params, info)


def load_results(path: Any) -> UnobservedComponentsResults:
    """Load unobserved-components results saved with ``results.save(path)``."""
    kind, _ = persist.read(path)
    if kind != _KIND:
        raise ValueError(f"{path} holds {kind}, not unobserved-components results; use summitcast.load")
    return persist.load(path)
