"""Posterior of a Bayesian unobserved-components fit (Gibbs sampler)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import diagnostics as _diagnostics
from .._common.seeds import check_seed
from .._common.summary import HtmlSummary, Summary
from .._common.time import future_index
from .._common.paths import ForecastPaths
from .._common.validation import MAX_COUNT, check_alpha, check_allocation, check_int, check_threads


class UnobservedComponentsPosterior(HtmlSummary):
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

    def diagnostics(self) -> pd.DataFrame:
        """MCSE, bulk and tail ESS and R-hat of every parameter
        (:func:`summitcast.diagnostics.summary_diagnostics`; NaN with the
        reason when undefined, e.g. too few draws)."""
        if self.n_draws < 4:
            frame = pd.DataFrame(np.nan, index=pd.Index(self.draws.columns, name="parameter"),
                                 columns=["mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"])
            frame.attrs["why_nan"] = {c: "diagnostics need at least 4 draws per chain" for c in frame.columns}
            return frame
        cube = self.draws.to_numpy().reshape(self.n_chains, self.n_draws, -1)
        return _diagnostics.summary_diagnostics(cube, list(self.draws.columns))

    def summary(self, alpha: float = 0.05) -> Summary:
        alpha = check_alpha(alpha)
        lo, hi = alpha / 2, 1 - alpha / 2
        x = self.draws
        table = pd.DataFrame({"mean": x.mean(), "sd": x.std(ddof=1), f"{100 * lo:g}%": x.quantile(lo),
                              "median": x.median(), f"{100 * hi:g}%": x.quantile(hi)})
        diag = self.diagnostics()
        table = table.join(diag[["ess_bulk", "ess_tail", "r_hat"]])
        info = [
            ("Model", repr(self.model)),
            ("Sampler", "Gibbs with the Durbin-Koopman simulation smoother"),
            ("Chains x draws", f"{self.n_chains} x {self.n_draws}"),
            ("Seed", str(self.seed)),
        ]
        notes = [f"{column} is NaN: {why}" for column, why in diag.attrs["why_nan"].items() if column in table]
        return Summary("Unobserved components: posterior", info, [("", table)], notes)

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
        steps = check_int(steps, "steps", 1, MAX_COUNT)
        seed = check_seed(seed)
        n_draws = len(self.draws)
        paths = n_draws if paths is None else check_int(paths, "paths", 1, MAX_COUNT)
        check_allocation("the simulated paths", paths=paths, steps=steps)
        index = future_index(self.model.index, steps)
        rows = np.arange(paths) % n_draws
        sims = self.model.simulate_from_draws(self.draws.to_numpy()[rows], self._last_state[rows], steps, exog, seed,
                                              check_threads(cores))
        return ForecastPaths(sims, index, self.model.name, seed=seed)

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
