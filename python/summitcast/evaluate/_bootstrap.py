"""Uncertainty of mean scores from dependent forecasts: block bootstrap and
effective sample size.

Forecasts for overlapping windows (a 12-month window from each month) are
not independent, so a mean score rests on fewer independent pieces of
evidence than there are forecasts.  Two measures of how many:

* ``"autocorrelation"``: n / τ, τ = 1 + 2 Σ ρ_t the integrated
  autocorrelation time of the score series (Geyer's initial monotone
  sequence; the single-chain MCMC effective sample size), at most n;
* ``"blocks"``: n / L, the number of blocks of length L that the block
  bootstrap resamples.

Intervals come from a circular block bootstrap (Politis & Romano 1992; or
moving blocks, Künsch 1989) of the series in time order: blocks of L
consecutive forecasts are drawn with replacement, laid end to end, and the
statistic recomputed; the interval is the replicates' percentile interval.
The default block length is round(n^(1/3)), the rate that balances bias and
variance of the block bootstrap variance (Hall, Horowitz & Jing 1995).  For
forecasts of overlapping h-month windows the scores are correlated up to lag
h − 1 by construction, so give ``block_length`` at least h.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.seeds import check_seed
from .._common.summary import Summary
from .._common.validation import as_float_array, check_bool, check_choice, check_float, check_int
from ._inputs import pandas_index

__all__ = [
    "BootstrapInterval",
    "BlockBootstrap",
    "bootstrap_mean",
    "bootstrap_skill",
    "default_block_length",
    "effective_sample_size",
]


def default_block_length(n: int) -> int:
    """round(n^(1/3)), at least 1: the default block length for n observations."""
    return max(1, int(round(n ** (1.0 / 3.0))))


def time_ordered(value: Any, name: str) -> np.ndarray:
    """1-D finite values; a date index must be in time order."""
    if isinstance(value, (pd.Series, pd.DataFrame)) and isinstance(value.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        if not value.index.is_monotonic_increasing:
            raise ValueError(f"{name} must be in time order for a block bootstrap; sort it first ({name}.sort_index())")
    return as_float_array(value, name, 1)


@dataclass(frozen=True)
class BlockBootstrap:
    """How a bootstrap resamples: block length, circular or moving blocks,
    number of replicates, seed (the one used, also when drawn fresh)."""

    block_length: int
    circular: bool
    n_boot: int
    seed: int

    @classmethod
    def make(cls, n: int, block_length: Any, circular: Any, n_boot: Any, seed: Any) -> BlockBootstrap:
        if n < 2:
            raise ValueError(f"a bootstrap needs at least 2 forecasts, got {n}")
        length = default_block_length(n) if block_length is None else check_int(block_length, "block_length", 1, n)
        return cls(length, check_bool(circular, "circular"), check_int(n_boot, "n_boot", 1), check_seed(seed))

    def means(self, values: np.ndarray) -> np.ndarray:
        """(n_boot, k) column means of the (n, k) ``values`` over the replicates."""
        return _core.score.block_bootstrap_means(
            np.asfortranarray(values), self.block_length, self.circular, self.n_boot, self.seed
        )

    def group_means(self, values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
        """(n_boot, n_groups) means of ``values`` within each group (NaN where
        a replicate drew no member of the group)."""
        return _core.score.block_bootstrap_group_means(
            values, group.astype(np.int32), n_groups, self.block_length, self.circular, self.n_boot, self.seed
        )


def percentile_band(replicates: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise percentile interval of the finite replicates (NaN for a
    column without any)."""
    tail = (1.0 - level) / 2.0
    lower = np.full(replicates.shape[1], np.nan)
    upper = np.full(replicates.shape[1], np.nan)
    for j in range(replicates.shape[1]):
        col = replicates[:, j]
        col = col[np.isfinite(col)]
        if col.size:
            lower[j], upper[j] = np.quantile(col, [tail, 1.0 - tail])
    return lower, upper


@dataclass(frozen=True)
class BootstrapInterval:
    """A statistic of a score series with its block-bootstrap interval.

    ``n_effective`` is the effective number of independent forecasts the
    statistic rests on, from the autocorrelation of the series (see
    ``n_effective_method``); ``n / scheme.block_length`` is the number of
    blocks resampled.
    """

    estimate: float
    lower: float
    upper: float
    se: float
    level: float
    n: int
    n_effective: float
    n_effective_method: str
    scheme: BlockBootstrap

    def summary(self) -> Summary:
        s = self.scheme
        info = [
            ("Estimate", f"{self.estimate:.6g}"),
            (f"{self.level:.0%} interval", f"[{self.lower:.6g}, {self.upper:.6g}]"),
            ("Bootstrap standard error", f"{self.se:.4g}"),
            ("Forecasts", str(self.n)),
            ("Effective forecasts", f"{self.n_effective:.1f} ({self.n_effective_method})"),
            ("Blocks", f"{self.n / s.block_length:.1f} of length {s.block_length} ({'circular' if s.circular else 'moving'})"),
            ("Replicates", f"{s.n_boot} (seed {s.seed})"),
        ]
        return Summary("Block bootstrap interval", info)

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def _interval(estimate: float, replicates: np.ndarray, level: float, n: int, n_eff: float, method: str,
              scheme: BlockBootstrap) -> BootstrapInterval:
    lower, upper = percentile_band(replicates[:, None], level)
    finite = replicates[np.isfinite(replicates)]
    se = float(np.std(finite, ddof=1)) if finite.size > 1 else float("nan")
    return BootstrapInterval(estimate, float(lower[0]), float(upper[0]), se, level, n, n_eff, method, scheme)


def effective_sample_size(values: Any, method: str = "autocorrelation", block_length: int | None = None) -> float:
    """Effective number of independent forecasts behind the mean of a score series.

    Parameters
    ----------
    values : array_like or Series
        Scores in time order (at least 4 for ``"autocorrelation"``).
    method : {"autocorrelation", "blocks"}
        ``"autocorrelation"``: n / τ with τ the integrated autocorrelation
        time (Geyer's initial monotone sequence), capped at n.  ``"blocks"``:
        n / block_length.
    block_length : int, optional
        For ``"blocks"``; default round(n^(1/3)).

    Returns
    -------
    float
    """
    check_choice(method, "method", ["autocorrelation", "blocks"])
    x = time_ordered(values, "values")
    if method == "blocks":
        length = default_block_length(x.size) if block_length is None else check_int(block_length, "block_length", 1, x.size)
        return x.size / length
    if block_length is not None:
        raise ValueError("block_length applies to method='blocks' only")
    return float(_core.score.effective_sample_size(x))


def bootstrap_mean(values: Any, *, block_length: int | None = None, circular: bool = True, n_boot: int = 1000,
                   level: float = 0.9, seed: int | None = None) -> BootstrapInterval:
    """Mean of a score series with a block-bootstrap percentile interval.

    Parameters
    ----------
    values : array_like or Series
        One score per forecast, in time order.
    block_length : int, optional
        Length of the resampled blocks; default round(n^(1/3)).  For
        overlapping h-month windows use at least h.
    circular : bool, default True
        Circular blocks (every forecast equally likely to be drawn) or
        moving blocks.
    n_boot : int, default 1000
        Bootstrap replicates.
    level : float, default 0.9
        Coverage of the interval.
    seed : int, optional
        Seed of the resampling (fresh entropy if None; the seed used is kept
        in ``result.scheme.seed``).

    Returns
    -------
    BootstrapInterval
    """
    x = time_ordered(values, "values")
    level = check_float(level, "level", 0.0, 1.0, exclusive=True)
    scheme = BlockBootstrap.make(x.size, block_length, circular, n_boot, seed)
    replicates = scheme.means(x[:, None])[:, 0]
    n_eff = float(_core.score.effective_sample_size(x)) if x.size >= 4 else float(x.size)
    return _interval(float(x.mean()), replicates, level, x.size, n_eff,
                     "autocorrelation" if x.size >= 4 else "fewer than 4 forecasts: taken as independent", scheme)


def bootstrap_skill(score: Any, reference: Any, *, block_length: int | None = None, circular: bool = True,
                    n_boot: int = 1000, level: float = 0.9, seed: int | None = None) -> BootstrapInterval:
    """Skill score ``1 - mean(score)/mean(reference)`` with a block-bootstrap interval.

    Both series score the same forecasts in time order; each replicate
    resamples the same blocks of both.  The effective number of forecasts is
    that of the linearised skill, ``score - (mean score / mean reference) *
    reference``, from its autocorrelation.  Other arguments as for
    :func:`bootstrap_mean`.

    Returns
    -------
    BootstrapInterval
    """
    pandas_index(score=score, reference=reference)
    s = time_ordered(score, "score")
    r = time_ordered(reference, "reference")
    if s.size != r.size:
        raise ValueError(f"score and reference must score the same forecasts, got {s.size} and {r.size} values")
    if (s < 0).any() or (r < 0).any():
        raise ValueError("score and reference must be negatively oriented scores (>= 0)")
    if r.mean() == 0.0:
        raise ValueError("reference has a mean score of 0 (a perfect reference); the skill score is undefined")
    level = check_float(level, "level", 0.0, 1.0, exclusive=True)
    scheme = BlockBootstrap.make(s.size, block_length, circular, n_boot, seed)
    means = scheme.means(np.column_stack([s, r]))
    with np.errstate(divide="ignore", invalid="ignore"):
        replicates = 1.0 - means[:, 0] / means[:, 1]
    ratio = s.mean() / r.mean()
    linear = s - ratio * r
    enough = s.size >= 4
    n_eff = float(_core.score.effective_sample_size(linear)) if enough else float(s.size)
    method = "autocorrelation of the linearised skill" if enough else "fewer than 4 forecasts: taken as independent"
    return _interval(1.0 - ratio, replicates, level, s.size, n_eff, method, scheme)
