"""What every Bayesian model shares: sampling with NUTS, the posterior mode,
the Laplace approximation, and turning unconstrained draws into a Posterior."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.progress import progress as progress_bar
from .._common.seeds import check_seed, child_seed
from .._common.summary import HtmlSummary
from .._common.threads import core_threads
from .._common.validation import (
    MAX_COUNT,
    MAX_ITERATIONS,
    as_param_vector,
    check_allocation,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_threads,
)
from ._inputs import Design, Standardizer, as_design
from .adaptive import adaptive_importance
from .importance import systematic_resample, warn_if_unreliable
from .posterior import Posterior, PosteriorSummary



@dataclass(frozen=True)
class ModeResult(HtmlSummary):
    """Posterior mode (or, with flat priors, maximum-likelihood estimate).

    Attributes
    ----------
    params : Series
        The mode on the original scale of the data.
    llf : float
        Log-likelihood at the mode.
    log_posterior : float
        Log posterior density at the mode (up to a constant).
    converged : bool
    iterations : int
    """

    params: pd.Series
    llf: float
    log_posterior: float
    converged: bool
    iterations: int
    theta: np.ndarray

    def summary(self) -> PosteriorSummary:
        frame = self.params.to_frame("mode")
        return PosteriorSummary(frame, "Posterior mode", [f"log-likelihood {self.llf:.6f}", f"converged {self.converged}"])


class BayesModel:
    """Base class: subclasses build ``self._core_model`` and the parameter maps."""

    _core_model: Any
    _param_names: list[str]

    # ------------------------------------------------------------ subclass API
    def _constrain(self, theta: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Map unconstrained draws (S x d) to reported parameters (S x k) on the data's scale."""
        raise NotImplementedError

    def _predict_draws(self, draws: pd.DataFrame, X_new: object) -> tuple[np.ndarray, pd.Index, list | None]:
        raise NotImplementedError(f"{type(self).__name__} does not predict")  # pragma: no cover

    def _summary_notes(self) -> dict[str, str]:
        return {}

    def _arviz_variables(
        self, cube: np.ndarray, names: list[str]
    ) -> tuple[dict[str, np.ndarray], dict[str, list[str]], dict[str, Any]]:
        return {name: cube[:, :, j] for j, name in enumerate(names)}, {}, {}

    # ---------------------------------------------------- shared by regressions
    def _set_design(self, design: Design, standardize: Any, center: bool) -> np.ndarray:
        """Keep the validated design and its scaling (the priors apply to
        centred, unit-sd predictors when ``standardize``); returns the
        predictors on the scale the core samples."""
        self.standardize = check_bool(standardize, "standardize")
        self.design = design
        self.exog_names = design.names
        self.scaler = (Standardizer.fit(design.values, design.names, center=center) if self.standardize
                       else Standardizer.identity(len(design.names)))
        return self.scaler.transform(design.values)

    def _new_design(self, X_new: object) -> Design:
        """New predictors with the model's columns (a DataFrame's matched by name)."""
        if isinstance(X_new, pd.DataFrame):
            missing = [c for c in self.exog_names if c not in map(str, X_new.columns)]
            if missing:
                raise ValueError(f"X_new lacks column(s) {missing} of the fitted model")
            X_new = X_new.rename(columns=str)[self.exog_names]
        design = as_design(X_new, "X_new")
        if design.values.shape[1] != len(self.exog_names):
            raise ValueError(f"X_new must have {len(self.exog_names)} columns, got {design.values.shape[1]}")
        return design

    # ---------------------------------------------------------------- public
    @property
    def param_names(self) -> list[str]:
        """Names of the reported parameters (columns of ``Posterior.draws``)."""
        return list(self._param_names)

    def _theta(self, theta: Any, name: str) -> np.ndarray:
        """Unconstrained parameters: a finite vector of the model's dimension."""
        return as_param_vector(theta, name, [f"theta[{i}]" for i in range(self._core_model.dim)])

    def log_density(self, theta: np.ndarray, jacobian: bool = True) -> tuple[float, np.ndarray]:
        """Log posterior density (up to a constant) and gradient at unconstrained ``theta``."""
        return self._core_model.log_density(self._theta(theta, "theta"), check_bool(jacobian, "jacobian"))

    def sample(
        self,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        seed: int | None = None,
        cores: int | None = None,
        progress: bool | None = None,
        *,
        target_accept: float = 0.8,
        max_tree_depth: int = 10,
        dense_metric: bool = False,
        metric_adaptation: str | None = None,
    ) -> Posterior:
        """Draw from the posterior with the No-U-Turn sampler.

        Parameters
        ----------
        draws, tune : int
            Kept draws and warm-up iterations per chain.
        chains : int
            Number of chains; chain ``c`` uses the random stream ``(seed, c)``,
            so the draws do not depend on ``cores``.
        seed : int, optional
            Seed of all randomness (drawn from the OS when None and recorded in
            ``Posterior.info['seed']``).
        cores : int, optional
            Threads to run chains on (default: all CPUs).
        progress : bool, optional
            Show a tqdm progress bar (if tqdm is installed); by default only
            on a terminal or in Jupyter, never in a pipe.
        target_accept : float
            Target mean acceptance statistic for step-size adaptation.
        max_tree_depth : int
            Maximum NUTS tree depth (2**depth - 1 leapfrog steps).
        dense_metric : bool
            Adapt a dense rather than diagonal metric.
        metric_adaptation : {"gradients", "stan"}, optional
            How warm-up adapts the metric.  ``"gradients"`` (the default for
            the diagonal metric) sets its diagonal to
            ``sqrt(var(draws) / var(gradients))`` and refreshes it at every
            warm-up iteration from a window that forgets the earliest draws,
            as nutpie does; ``"stan"`` (the default, and the only choice, for
            the dense metric) uses the covariance of the draws in Stan's
            doubling windows.

        Returns
        -------
        Posterior
            Warns ``ConvergenceWarning`` when the draws fail a threshold of
            :mod:`summitcast.diagnostics` (R-hat > 1.01, bulk or tail ESS below
            100 per chain, E-BFMI < 0.3) or show a divergence or tree-depth
            saturation.

        Raises
        ------
        ValueError
            For settings out of range, including runs that would keep more
            than ``MAX_ARRAY_VALUES`` numbers (draws × chains × (parameters +
            sampler statistics)) or iterate more than ``MAX_ITERATIONS``
            times per chain (see ``summitcast._common.validation``).
        """
        draws = check_int(draws, "draws", 4, MAX_ITERATIONS)
        tune = check_int(tune, "tune", 0, MAX_ITERATIONS)
        chains = check_int(chains, "chains", 1, MAX_COUNT)
        check_allocation("the posterior", draws=draws, chains=chains,
                         values_per_draw=self._core_model.dim + len(self._param_names) + 7)
        cores = check_threads(cores)
        max_tree_depth = check_int(max_tree_depth, "max_tree_depth", 1, 30)
        target_accept = check_float(target_accept, "target_accept", 0.0, 1.0, exclusive=True)
        dense_metric = check_bool(dense_metric, "dense_metric")
        if metric_adaptation is None:
            metric_adaptation = "stan" if dense_metric else "gradients"
        metric_adaptation = check_choice(metric_adaptation, "metric_adaptation", ("gradients", "stan"))
        if dense_metric and metric_adaptation == "gradients":
            raise ValueError("metric_adaptation='gradients' adapts a diagonal metric; with dense_metric=True "
                             "use metric_adaptation='stan'")
        seed = check_seed(seed)
        started = time.perf_counter()
        with progress_bar(chains * (draws + tune), type(self).__name__, progress) as advance:
            raw = _core.bayes.sample(
                self._core_model,
                draws,
                tune,
                chains,
                seed,
                cores,
                max_tree_depth=max_tree_depth,
                target_accept=target_accept,
                dense_metric=dense_metric,
                metric_adaptation=metric_adaptation,
                on_progress=advance,
            )
        elapsed = time.perf_counter() - started
        theta = raw["theta"]
        n_chains, n_draws, d = theta.shape
        index = pd.MultiIndex.from_product([range(n_chains), range(n_draws)], names=["chain", "draw"])
        params = self._constrain(theta.reshape(-1, d))
        frame = pd.DataFrame(params, index=index, columns=self._param_names)
        stats = pd.DataFrame(
            {name: raw[name].reshape(-1) for name in ("lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy")},
            index=index,
        )
        stats["diverging"] = stats["diverging"].astype(bool)
        stats["tree_depth"] = stats["tree_depth"].astype(np.int64)
        stats["n_steps"] = stats["n_steps"].astype(np.int64)
        info = {
            "seed": seed,
            "tune": tune,
            "max_tree_depth": max_tree_depth,
            "target_accept": target_accept,
            "dense_metric": dense_metric,
            "metric_adaptation": metric_adaptation,
            "gradient_evaluations": raw["gradient_evaluations"],
            "inverse_metric": raw["inverse_metric"],
            "step_size": raw["step_size"][:, 0] if n_draws else None,
            "sampling_time": elapsed,
            "theta": theta,
        }
        posterior = Posterior(frame, self, "nuts", stats, info)
        posterior._warn_if_unhealthy()
        return posterior

    def fit_map(self, jacobian: bool = False, start: np.ndarray | None = None) -> ModeResult:
        """Posterior mode by BFGS and Newton steps (with flat priors: the maximum-likelihood estimate).

        ``jacobian=False`` (default) finds the mode of the constrained
        parameters, as Stan's optimizer does; ``True`` the mode of the
        unconstrained ones, which centres the Laplace approximation.
        """
        theta0 = np.zeros(self._core_model.dim) if start is None else self._theta(start, "start")
        r = _core.bayes.find_mode(self._core_model, theta0, check_bool(jacobian, "jacobian"))
        theta = np.asarray(r["params"])
        params = pd.Series(self._constrain(theta[None, :])[0], index=self._param_names, name="mode")
        return ModeResult(
            params=params,
            llf=float(self._core_model.log_likelihood(theta)),
            log_posterior=float(r["value"]),
            converged=bool(r["converged"]),
            iterations=int(r["iterations"]),
            theta=theta,
        )

    def fit_laplace(self, draws: int = 4000, seed: int | None = None, *, importance: bool = False,
                    df: float = 4.0, rounds: int = 8) -> Posterior:
        """Gaussian approximation N(mode, (-H)^{-1}) on the unconstrained scale, and draws from it.

        Parameters
        ----------
        draws : int
            Draws from the approximation.
        seed : int, optional
            Seed of the draws (and of the resampling).
        importance : bool
            Correct the approximation towards the posterior by Pareto-smoothed
            importance sampling (:func:`summitcast.bayes.importance.psis`) with
            adaptive proposals (:mod:`summitcast.bayes.adaptive`): the first
            round draws from a multivariate Student-t with ``df`` degrees of
            freedom, centred at the mode with the Laplace covariance as its
            scale (heavier tails than the posterior wherever it is skewed,
            e.g. near separation, so the importance ratios stay bounded); each
            further round proposes from a Student-t (10 degrees of freedom)
            with the importance-weighted mean and covariance of the draws so
            far, all draws are weighted against the mixture of the rounds'
            proposals, and the rounds stop once the pooled weights are
            reliable, Pareto k̂ < 0.7, with an importance ESS of 400 (at most
            ``rounds``).  ``draws``
            equally weighted draws are then resampled systematically from the
            smoothed weights.  The pooled k̂ and importance ESS are in
            ``info["psis"]`` (k̂ after each round in ``info["khats"]``); a
            ``ConvergenceWarning`` says when k̂ ≥ 0.7 (unreliable weights).
        df : float
            Degrees of freedom of the Student-t proposals (``importance=True``).
        rounds : int
            Most rounds of adaptive proposals of ``draws`` each
            (``importance=True``; 1: plain importance sampling from the
            Laplace approximation).

        Returns a one-chain Posterior (``method='laplace'``); fast enough to
        refit hundreds of times in a backtest.
        """
        draws = check_int(draws, "draws", 4, MAX_COUNT)
        check_allocation("the Laplace draws", draws=draws, values_per_draw=self._core_model.dim + len(self._param_names))
        seed = check_seed(seed)
        importance = check_bool(importance, "importance")
        df = check_float(df, "df", 0.0, exclusive=True)
        rounds = check_int(rounds, "rounds", 1, 100)
        mode = self.fit_map(jacobian=True)
        hessian = _core.bayes.hessian(self._core_model, mode.theta, True)
        info: dict[str, Any] = {"seed": seed, "mode": mode, "hessian": hessian, "converged": mode.converged}
        if importance:
            adapted = adaptive_importance(self._log_densities, mode.theta, np.linalg.inv(-hessian), draws,
                                          lambda r: np.random.default_rng(child_seed(seed, "importance", r)),
                                          df=df, rounds=rounds)
            result = adapted.result
            warn_if_unreliable(result, f"{type(self).__name__} Laplace approximation")
            theta = adapted.theta[systematic_resample(result.log_weights, draws, child_seed(seed, "psis-resample"))]
            info.update(psis=result, khats=adapted.khats, centres=adapted.centres)
        else:
            theta = _core.bayes.laplace_draws(mode.theta, hessian, draws, seed)
        info["theta"] = theta
        index = pd.MultiIndex.from_product([[0], range(draws)], names=["chain", "draw"])
        frame = pd.DataFrame(self._constrain(theta), index=index, columns=self._param_names)
        return Posterior(frame, self, "laplace", None, info)

    def _log_densities(self, theta: np.ndarray) -> np.ndarray:
        """log p(θ) of each row (the model's density with the Jacobian of the
        unconstraining transform), in one threaded C++ call (on
        :func:`~summitcast._common.threads.core_threads` threads)."""
        return _core.bayes.log_density_rows(self._core_model, np.ascontiguousarray(theta, dtype=float), True,
                                            core_threads())
