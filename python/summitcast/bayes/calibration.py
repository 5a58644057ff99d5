"""Simulation-based calibration of a sampler (Talts, Betancourt, Simpson,
Vehtari & Gelman 2018).

If theta ~ p(theta), y ~ p(y | theta) and theta_1..theta_L are independent
posterior draws given y, the rank of theta among them is uniform on
{0, ..., L}.  Repeating this many times and binning the ranks gives a
histogram that a chi-squared test (J - 1 degrees of freedom for J bins)
checks for uniformity; a sampler or a density that is wrong shows as a
slope, a hump or a trough.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .._common.exceptions import ConvergenceWarning, DataWarning

__all__ = ["sbc_ranks", "rank_uniformity_pvalues"]


def sbc_ranks(
    simulate: Callable[[np.random.Generator], tuple[dict[str, float], Any]],
    posterior_draws: Callable[[Any, int], pd.DataFrame],
    replications: int,
    thin: int = 4,
    draws: int = 400,
    seed: int = 0,
) -> pd.DataFrame:
    """Ranks of the true parameters among thinned posterior draws.

    Parameters
    ----------
    simulate : callable
        ``simulate(rng) -> (truth, model)``: draws parameters from the prior,
        data given them, and returns the true values (by parameter name) and
        the model built on the simulated data (or None to skip a replication
        whose data the model cannot take; the skip conditions on the data only,
        which keeps the ranks uniform).
    posterior_draws : callable
        ``posterior_draws(model, seed) -> DataFrame`` of ``draws`` posterior draws.
    replications : int
    thin : int
        Keep every ``thin``-th draw, so L = draws // thin near-independent draws.
    draws : int
        Posterior draws per replication before thinning.
    seed : int

    Returns
    -------
    DataFrame
        One row per replication, one column per parameter, ranks in 0..L;
        ``attrs['L']`` holds L.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(replications):
        with warnings.catch_warnings():
            # Simulated data sets are sometimes separated or tiny, and the runs
            # are short single chains: expected here, and part of what SBC tests.
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", DataWarning)
            truth, model = simulate(rng)
            if model is None:
                continue
            post = posterior_draws(model, seed * 100003 + r)
        kept = post.iloc[::thin]
        rows.append({name: int((kept[name].to_numpy() < value).sum()) for name, value in truth.items()})
    ranks = pd.DataFrame(rows)
    ranks.attrs["L"] = len(range(0, draws, thin))
    return ranks


def rank_uniformity_pvalues(ranks: pd.DataFrame, bins: int = 10) -> pd.Series:
    """Chi-squared test p-value of uniform ranks, per parameter (J = ``bins``,
    J - 1 degrees of freedom)."""
    from scipy import stats

    L = ranks.attrs["L"]
    edges = np.linspace(0, L + 1, bins + 1)
    # A bin's expected count is proportional to the number of rank values
    # (0..L) it holds, which differs between bins unless bins divides L + 1.
    values_per_bin, _ = np.histogram(np.arange(L + 1), bins=edges)
    out = {}
    for name in ranks.columns:
        counts, _ = np.histogram(ranks[name].to_numpy(), bins=edges)
        expected = counts.sum() * values_per_bin / (L + 1)
        out[name] = stats.chisquare(counts, expected).pvalue
    return pd.Series(out, name="p_value")
