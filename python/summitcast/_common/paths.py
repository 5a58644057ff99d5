"""Simulated futures: the one object every layer returns from ``simulate``.

A :class:`ForecastPaths` holds ``n_paths`` simulated trajectories of one
indicator over the months after the data (an array paths × months on a
future monthly index).  Unobserved-components models (MLE and posterior),
count autoregressions and Hawkes processes (monthly counts of simulated
events) all return it from ``results.simulate(steps, paths=..., seed=...)``,
so the forecaster, the plots and the scores treat every indicator alike.

Summaries use the same column names in every layer: ``mean, sd, median,
lower, upper`` — the central ``1 - alpha`` interval of the predictive
distribution, from the paths' quantiles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .summary import HtmlSummary, Summary
from .validation import as_float_array, check_alpha, check_choice, check_int

__all__ = ["ForecastPaths"]

_KINDS = ("continuous", "count")
ONE_PATH = "the sd of a single path is undefined"


class ForecastPaths(HtmlSummary):
    """Simulated future paths of one indicator.

    Parameters
    ----------
    values : array (n_paths, n_months)
        One row per simulated path.
    index : Index of length n_months
        The future months (the monthly convention of ``summitcast._common.time``;
        integer steps when the model was fitted on an integer index).
    name : str
        What is simulated (the indicator's name).
    kind : {"continuous", "count"}
        Counts take integer values; their quantiles are sample quantiles
        (inverse of the empirical CDF), continuous ones interpolate.
    conditional_sf : callable, optional
        ``conditional_sf(k)`` → array (n_paths, n_months) of P(Y ≥ k | the
        path's past), used by :meth:`prob_at_least` to average exact
        conditional probabilities over paths (Rao–Blackwellisation) instead
        of counting simulated values.
    seed : int, optional
        The seed the paths were drawn with (recorded for reproduction).
    """

    def __init__(
        self,
        values: Any,
        index: pd.Index,
        name: str = "value",
        *,
        kind: str = "continuous",
        conditional_sf: Callable[[int], np.ndarray] | None = None,
        seed: int | None = None,
    ) -> None:
        arr = np.array(as_float_array(values, "values", 2, allow_nan=False), copy=True)
        if arr.shape[1] != len(index):
            raise ValueError(f"values has {arr.shape[1]} months (columns) but index has {len(index)}")
        arr.setflags(write=False)
        self._values = arr
        self.index = index
        self.name = str(name)
        self.kind = check_choice(kind, "kind", _KINDS)
        self._conditional_sf = conditional_sf
        self.seed = seed

    # ------------------------------------------------------------ the data
    @property
    def values(self) -> np.ndarray:
        """The paths as a read-only array (n_paths, n_months)."""
        return self._values

    @property
    def n_paths(self) -> int:
        return self._values.shape[0]

    @property
    def steps(self) -> int:
        return self._values.shape[1]

    def to_frame(self) -> pd.DataFrame:
        """Months × paths (one column per path)."""
        return pd.DataFrame(self._values.T, index=self.index, columns=pd.RangeIndex(self.n_paths, name="path"))

    def replace(self, values: Any, name: str | None = None) -> "ForecastPaths":
        """Paths with new values on the same months (e.g. a scenario's)."""
        return ForecastPaths(values, self.index, self.name if name is None else name, kind=self.kind, seed=self.seed)

    def transform(self, fn: Callable[[np.ndarray], np.ndarray], name: str | None = None,
                  kind: str = "continuous") -> "ForecastPaths":
        """Apply ``fn`` to the (n_paths, n_months) array, e.g. ``np.exp`` on a log scale."""
        return ForecastPaths(fn(self._values.copy()), self.index, self.name if name is None else name, kind=kind,
                             seed=self.seed)

    # ---------------------------------------------------------- summaries
    def mean(self) -> pd.Series:
        """Predictive mean per month."""
        return pd.Series(self._values.mean(axis=0), index=self.index, name="mean")

    def sd(self) -> pd.Series:
        """Predictive standard deviation per month (NaN with a single path)."""
        sd = self._values.std(axis=0, ddof=1) if self.n_paths > 1 else np.full(self.steps, np.nan)
        out = pd.Series(sd, index=self.index, name="sd")
        out.attrs["why_nan"] = {} if self.n_paths > 1 else {month: ONE_PATH for month in self.index}
        return out

    def _method(self) -> str:
        return "inverted_cdf" if self.kind == "count" else "linear"

    def quantile(self, q: float | list[float]) -> pd.Series | pd.DataFrame:
        """Predictive quantiles per month: a Series for one ``q``, else a DataFrame with a column per ``q``."""
        qs = as_float_array(np.atleast_1d(q), "q", 1)
        if ((qs <= 0) | (qs >= 1)).any():
            raise ValueError(f"q must lie strictly between 0 and 1, got {q!r}")
        out = np.quantile(self._values, qs, axis=0, method=self._method()).T
        if np.ndim(q) == 0:
            return pd.Series(out[:, 0], index=self.index, name=f"q{qs[0]:g}")
        return pd.DataFrame(out, index=self.index, columns=list(qs))

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """``mean, sd, median, lower, upper`` per month; [lower, upper] is the
        central ``1 - alpha`` predictive interval."""
        alpha = check_alpha(alpha)
        q = np.quantile(self._values, [alpha / 2, 0.5, 1 - alpha / 2], axis=0, method=self._method())
        frame = pd.DataFrame(
            {"mean": self.mean().to_numpy(), "sd": self.sd().to_numpy(), "median": q[1], "lower": q[0], "upper": q[2]},
            index=self.index,
        )
        frame.attrs["why_nan"] = {} if self.n_paths > 1 else {"sd": ONE_PATH}
        return frame

    def prob_at_least(self, k: int = 1) -> pd.Series:
        """P(Y ≥ k) in each month."""
        k = check_int(k, "k")
        if self._conditional_sf is not None:
            p = np.asarray(self._conditional_sf(k), dtype=float).mean(axis=0)
        else:
            p = (self._values >= k).mean(axis=0)
        return pd.Series(p, index=self.index, name=f"P({self.name}>={k})")

    def prob_total_at_least(self, k: int = 1) -> pd.Series:
        """P(Y_1 + … + Y_h ≥ k) for every horizon h: e.g. with k = 1, the
        probability of at least one event by each month."""
        k = check_int(k, "k")
        totals = np.cumsum(self._values, axis=1)
        return pd.Series((totals >= k).mean(axis=0), index=self.index, name=f"P(total {self.name}>={k})")

    def summary(self, alpha: float = 0.05) -> Summary:
        info = [("Indicator", self.name), ("Paths", str(self.n_paths)), ("Months", str(self.steps)),
                ("Kind", self.kind)]
        if self.seed is not None:
            info.append(("Seed", str(self.seed)))
        return Summary("Simulated forecast paths", info, [(f"{1 - alpha:.0%} predictive intervals",
                                                         self.summary_frame(alpha))])

    # ------------------------------------------------------------- display
    def plot(self, ax: Any = None, alpha: float = 0.1, history: pd.Series | None = None, n_show: int = 0) -> Any:
        """Fan chart: the median with the 50% and ``1 - alpha`` bands (and,
        optionally, the observed ``history`` and ``n_show`` sample paths);
        returns the Axes."""
        import matplotlib.pyplot as plt

        alpha = check_alpha(alpha)
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        outer = self.summary_frame(alpha)
        inner = self.quantile([0.25, 0.75])
        x = self.index.to_timestamp() if isinstance(self.index, pd.PeriodIndex) else self.index
        if history is not None:
            ax.plot(history.index, history.to_numpy(), color="0.2", lw=1, label="observed")
        ax.fill_between(x, outer["lower"], outer["upper"], color="C0", alpha=0.2, lw=0, label=f"{1 - alpha:.0%} interval")
        ax.fill_between(x, inner.iloc[:, 0], inner.iloc[:, 1], color="C0", alpha=0.35, lw=0, label="50% interval")
        ax.plot(x, outer["median"], color="C0", lw=1.5, label="median")
        for i in range(min(check_int(n_show, "n_show", 0), self.n_paths)):
            ax.plot(x, self._values[i], color="C1", lw=0.6, alpha=0.6)
        ax.set_title(f"{self.name}: {self.n_paths} simulated paths")
        ax.set_xlabel("month")
        ax.set_ylabel(self.name)
        ax.legend(loc="upper left", fontsize="small")
        return ax

    def __repr__(self) -> str:
        span = f"{self.index[0]}..{self.index[-1]}" if self.steps else "empty"
        return f"<ForecastPaths {self.name!r}: {self.n_paths} paths x {self.steps} months ({span}), {self.kind}>"
