"""Posterior of a Bayesian unobserved-components fit (Gibbs sampler)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import diagnostics
from .._common.seeds import check_seed
from .._common.summary import Summary
from .._common.time import future_index
from .._common.paths import ForecastPaths
from .._common.validation import check_alpha, check_int, check_threads


def _convergence(x: np.ndarray) -> dict[str, float]:
    """Bulk ESS and rank-normalised R-hat (summitcast.diagnostics) of a (chain, draw) array."""
    if x.shape[1] < 4:
        return {"ess_bulk": np.nan, "r_hat": np.nan}
    return {"ess_bulk": diagnostics.ess_bulk(x), "r_hat": diagnostics.rhat(x)}


class UnobservedComponentsPosterior:
    """Posterior draws of the variances, regression coefficients and components.

    Attributes
    ----------
    draws : pandas.DataFrame
        One row per draw, indexed by (chain, draw), one column per parameter.
    """

    def __init__(self, model: Any, out: dict[str, np.ndarray], draws: int, chains: int,
                 signal_names: list[str], seed: int):
        self.model = model
        self.n_draws = draws
        self.n_chains = chains
        self.seed = seed
        index = pd.MultiIndex.from_product([range(chains), range(draws)], names=["chain", "draw"])
        self.draws = pd.DataFrame(out["params"], index=index, columns=model.param_names)
        self._last_state = out["last_state"]
        n = model.endog.size
        q = len(signal_names)
        # signals: (chains·draws) x (q·n), state-major within each time point
        self._signals = out["signals"].reshape(chains * draws, n, q) if q else np.zeros((chains * draws, n, 0))
        self.signal_names = signal_names

    def summary(self, alpha: float = 0.05) -> Summary:
        alpha = check_alpha(alpha)
        lo, hi = alpha / 2, 1 - alpha / 2
        rows = {}
        for name in self.draws.columns:
            x = self.draws[name].to_numpy().reshape(self.n_chains, self.n_draws)
            rows[name] = {
                "mean": x.mean(), "sd": x.std(ddof=1), f"{100 * lo:g}%": np.quantile(x, lo),
                "median": np.median(x), f"{100 * hi:g}%": np.quantile(x, hi),
                **_convergence(x),
            }
        table = pd.DataFrame(rows).T
        info = [
            ("Model", repr(self.model)),
            ("Sampler", "Gibbs with the Durbin-Koopman simulation smoother"),
            ("Chains x draws", f"{self.n_chains} x {self.n_draws}"),
            ("Seed", str(self.seed)),
        ]
        return Summary("Unobserved components: posterior", info, [("", table)])

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return f"<UnobservedComponentsPosterior {self.n_chains} chains x {self.n_draws} draws>"

    def components(self, alpha: float = 0.1) -> pd.DataFrame:
        """Posterior mean and equal-tailed band of each component, columns (component, stat)."""
        alpha = check_alpha(alpha)
        frames = {}
        for k, name in enumerate(self.signal_names):
            s = self._signals[:, :, k]
            frames[(name, "mean")] = s.mean(axis=0)
            frames[(name, "lower")] = np.quantile(s, alpha / 2, axis=0)
            frames[(name, "upper")] = np.quantile(s, 1 - alpha / 2, axis=0)
        return pd.DataFrame(frames, index=self.model.index)

    def simulate(self, steps: int, paths: int | None = None, seed: int | None = None, exog: Any = None,
                 cores: int | None = None) -> ForecastPaths:
        """Simulated paths of y for the ``steps`` periods after the data, each
        from its own posterior draw, so the paths carry parameter uncertainty
        as well as state and disturbance uncertainty.

        ``paths=None`` gives one path per posterior draw; otherwise the draws
        are used in turn (cycling when ``paths`` exceeds their number).
        """
        steps = check_int(steps, "steps", 1)
        seed = check_seed(seed)
        n_draws = len(self.draws)
        paths = n_draws if paths is None else check_int(paths, "paths", 1)
        rows = np.arange(paths) % n_draws
        sims = self.model.simulate_from_draws(self.draws.to_numpy()[rows], self._last_state[rows], steps, exog, seed,
                                              check_threads(cores))
        return ForecastPaths(sims, future_index(self.model.index, steps), self.model.name, seed=seed)

    def forecast_summary(self, steps: int, alpha: float = 0.1, seed: int | None = None, exog: Any = None) -> pd.DataFrame:
        """Posterior predictive ``mean, sd, median, lower, upper`` of y for
        each future period (one simulated path per posterior draw)."""
        return self.simulate(steps, seed=seed, exog=exog).summary_frame(alpha)

    def to_arviz(self):
        """An arviz.InferenceData with posterior (chain, draw) variables."""
        import arviz as az

        posterior = {
            name: self.draws[name].to_numpy().reshape(self.n_chains, self.n_draws) for name in self.draws.columns
        }
        return az.from_dict(posterior=posterior)
