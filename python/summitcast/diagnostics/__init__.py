"""MCMC convergence diagnostics on (chain, draw) arrays, computed in C++.

Rank-normalised split R-hat, bulk and tail effective sample sizes and Monte
Carlo standard errors follow Vehtari, Gelman, Simpson, Carpenter & Bürkner
(2021) with ArviZ's conventions, so the numbers equal ``arviz.rhat``,
``arviz.ess`` and ``arviz.mcse`` on the same draws.
"""

from __future__ import annotations

import numpy as np

from .. import _core

__all__ = ["rhat", "ess_bulk", "ess_tail", "ess_mean", "mcse_mean", "mcse_sd", "bfmi"]


def _draws(x: object, name: str = "x") -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(f"{name} must be shaped (chain, draw), got {a.ndim} dimensions")
    if a.shape[1] < 4:
        raise ValueError(f"{name} must have at least 4 draws per chain, got {a.shape[1]}")
    return np.ascontiguousarray(a)


def rhat(x: object) -> float:
    """Rank-normalised split R-hat (the larger of the bulk and tail versions)."""
    return float(_core.bayes.rhat(_draws(x)))


def ess_bulk(x: object) -> float:
    """Bulk effective sample size (rank-normalised split chains)."""
    return float(_core.bayes.ess_bulk(_draws(x)))


def ess_tail(x: object) -> float:
    """Tail effective sample size: the smaller ESS of the 5% and 95% quantile indicators."""
    return float(_core.bayes.ess_tail(_draws(x)))


def ess_mean(x: object) -> float:
    """Effective sample size for the mean (split chains, no rank normalisation)."""
    return float(_core.bayes.ess_mean(_draws(x)))


def mcse_mean(x: object) -> float:
    """Monte Carlo standard error of the posterior mean."""
    return float(_core.bayes.mcse_mean(_draws(x)))


def mcse_sd(x: object) -> float:
    """Monte Carlo standard error of the posterior standard deviation."""
    return float(_core.bayes.mcse_sd(_draws(x)))


def bfmi(energy: object) -> np.ndarray:
    """Estimated Bayesian fraction of missing information, one value per chain."""
    return np.asarray(_core.bayes.bfmi(_draws(energy, "energy")))
