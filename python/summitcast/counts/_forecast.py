"""Predictive distributions of count forecasts from simulated paths."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.paths import ForecastPaths
from .._common.validation import as_float_array


class CountForecast(ForecastPaths):
    """Forecast of counts h = 1..H steps ahead from B simulated paths.

    A :class:`~summitcast._common.paths.ForecastPaths` whose paths also carry
    the conditional means λ_{b,h} under which each count was drawn, so that
    probabilities average the exact conditional distributions over paths,
    p(y) ≈ (1/B) Σ_b p(y | λ_{b,h}) (a Rao–Blackwellised estimate, smoother
    than counting draws), and the predictive mean is the mean of λ.
    """

    def __init__(self, draws: np.ndarray, lam: np.ndarray, index: pd.Index, family: str, nb_alpha: float,
                 name: str = "count", seed: int | None = None) -> None:
        self.lambda_paths = pd.DataFrame(np.asarray(lam, dtype=float), columns=index)
        self.family = family
        self.nb_alpha = nb_alpha
        super().__init__(draws, index, name, kind="count", conditional_sf=self._sf, seed=seed)

    def _dispersion(self) -> float:
        return self.nb_alpha if self.family == "negbin" else 1.0

    def _sf(self, k: int) -> np.ndarray:
        return np.asarray(_core.counts.count_sf_at_least(float(k), self.lambda_paths.to_numpy(), self.family,
                                                         self._dispersion()))

    @property
    def draws(self) -> pd.DataFrame:
        """The simulated counts, paths × steps."""
        return pd.DataFrame(self.values, columns=self.index)

    @property
    def paths(self) -> int:
        return self.n_paths

    @property
    def predicted_mean(self) -> pd.Series:
        """E[Y_{n+h}] = E[λ_{n+h}] over paths."""
        return self.mean()

    def mean(self) -> pd.Series:
        return pd.Series(self.lambda_paths.to_numpy().mean(axis=0), index=self.index, name="mean")

    def score(self, observed: Any) -> pd.DataFrame:
        """Log score and ranked probability score against realised counts (one per step).

        Log score: −log p(y) with p the path-averaged predictive pmf.  RPS of the
        draws' empirical distribution: E|X − y| − ½E|X − X'| (which equals
        Σ_k (F(k) − 1{y ≤ k})² for integer-valued X).
        """
        y = as_float_array(observed, "observed", 1)
        if y.shape != (self.steps,):
            raise ValueError(f"observed must have {self.steps} values (one per step), got shape {y.shape}")
        if (y < 0).any() or (y != np.floor(y)).any():
            raise ValueError("observed must hold non-negative integer counts")
        lam = self.lambda_paths.to_numpy()
        logs, rps = [], []
        for h in range(lam.shape[1]):
            d = _core.counts.count_distribution(np.full(lam.shape[0], y[h]), lam[:, h], self.family, self._dispersion())
            lp = np.asarray(d["logpmf"])
            m = lp.max()
            logs.append(-(m + np.log(np.mean(np.exp(lp - m)))))
            x = np.sort(self.values[:, h])
            B = len(x)
            e_abs = np.mean(np.abs(x - y[h]))
            # E|X − X'| over all ordered pairs from the sorted sample: (2/B²) Σ_i (2i − B − 1) x_(i)
            e_pair = 2.0 * np.sum((2.0 * np.arange(1, B + 1) - B - 1) * x) / (B * B)
            rps.append(e_abs - 0.5 * e_pair)
        return pd.DataFrame({"log_score": logs, "rps": rps}, index=self.index)

    def __repr__(self) -> str:
        return f"<CountForecast steps={self.steps} paths={self.n_paths} family={self.family}>"
