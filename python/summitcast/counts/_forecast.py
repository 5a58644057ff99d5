"""Predictive distributions of count forecasts from simulated paths."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core


class CountForecast:
    """Forecast of counts h = 1..H steps ahead from B simulated paths.

    Each path b carries its draws Y_{b,h} and the conditional means λ_{b,h}
    under which they were drawn.  Probabilities average the conditional
    distributions over paths, p(y) ≈ (1/B) Σ_b p(y | λ_{b,h}) (a Rao–Blackwellised
    estimate, smoother than counting draws); quantiles come from the draws.
    """

    def __init__(self, draws: np.ndarray, lam: np.ndarray, index: pd.Index, family: str, nb_alpha: float) -> None:
        self.index = index
        self.draws = pd.DataFrame(draws, columns=index)
        self.lambda_paths = pd.DataFrame(lam, columns=index)
        self.family = family
        self.nb_alpha = nb_alpha

    @property
    def paths(self) -> int:
        return self.draws.shape[0]

    @property
    def predicted_mean(self) -> pd.Series:
        """E[Y_{n+h}] = E[λ_{n+h}] over paths."""
        return self.lambda_paths.mean(axis=0).rename("mean")

    def _alpha(self) -> float:
        return self.nb_alpha if self.family == "negbin" else 1.0

    def quantile(self, q: float | list[float]) -> pd.Series | pd.DataFrame:
        """Quantiles of the predictive distribution (from the draws; lower-inverse CDF)."""
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        if ((qs <= 0) | (qs >= 1)).any():
            raise ValueError(f"q must be in (0, 1), got {q!r}")
        out = pd.DataFrame(
            np.quantile(self.draws.to_numpy(), qs, axis=0, method="inverted_cdf").T, index=self.index, columns=qs
        )
        return out.iloc[:, 0].rename(f"q{qs[0]:g}") if np.ndim(q) == 0 else out

    def prob_at_least(self, k: int) -> pd.Series:
        """P(Y_{n+h} >= k) for each step h."""
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"k must be an integer, got {k!r}")
        sf = _core.counts.count_sf_at_least(float(k), self.lambda_paths.to_numpy(), self.family, self._alpha())
        return pd.Series(np.asarray(sf).mean(axis=0), index=self.index, name=f"P(Y>={k})")

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """Mean, standard deviation, median and the central 1 − alpha prediction interval per step."""
        if not (0.0 < alpha < 1.0):
            raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
        d = self.draws.to_numpy()
        q = np.quantile(d, [alpha / 2, 0.5, 1 - alpha / 2], axis=0, method="inverted_cdf")
        return pd.DataFrame(
            {
                "mean": self.predicted_mean.to_numpy(),
                "sd": d.std(axis=0, ddof=1) if d.shape[0] > 1 else np.nan,
                "median": q[1],
                "pi_lower": q[0],
                "pi_upper": q[2],
            },
            index=self.index,
        )

    def score(self, observed: Any) -> pd.DataFrame:
        """Log score and ranked probability score against realised counts (one per step).

        Log score: −log p(y) with p the path-averaged predictive pmf.  RPS of the
        draws' empirical distribution: E|X − y| − ½E|X − X'| (which equals
        Σ_k (F(k) − 1{y ≤ k})² for integer-valued X).
        """
        y = np.asarray(observed, dtype=float)
        if y.shape != (len(self.index),):
            raise ValueError(f"observed must have {len(self.index)} values (one per step), got shape {y.shape}")
        if not np.isfinite(y).all() or (y < 0).any() or (y != np.floor(y)).any():
            raise ValueError("observed must hold non-negative integer counts")
        lam = self.lambda_paths.to_numpy()
        logs, rps = [], []
        for h in range(lam.shape[1]):
            d = _core.counts.count_distribution(np.full(lam.shape[0], y[h]), lam[:, h], self.family, self._alpha())
            lp = np.asarray(d["logpmf"])
            m = lp.max()
            logs.append(-(m + np.log(np.mean(np.exp(lp - m)))))
            x = np.sort(self.draws.to_numpy()[:, h].astype(float))
            B = len(x)
            e_abs = np.mean(np.abs(x - y[h]))
            # E|X − X'| over all ordered pairs from the sorted sample: (2/B²) Σ_i (2i − B − 1) x_(i)
            e_pair = 2.0 * np.sum((2.0 * np.arange(1, B + 1) - B - 1) * x) / (B * B)
            rps.append(e_abs - 0.5 * e_pair)
        return pd.DataFrame({"log_score": logs, "rps": rps}, index=self.index)

    def plot(self, ax: Any = None, alpha: float = 0.1) -> Any:
        """Predictive mean with the central 1 − alpha interval; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        f = self.summary_frame(alpha)
        ax.fill_between(f.index, f["pi_lower"], f["pi_upper"], step="mid", alpha=0.3, label=f"{1 - alpha:.0%} interval")
        ax.plot(f.index, f["mean"], "-o", label="predictive mean")
        ax.legend(loc="upper left")
        return ax

    def __repr__(self) -> str:
        return f"<CountForecast steps={len(self.index)} paths={self.paths} family={self.family}>"
