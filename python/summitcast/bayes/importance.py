"""Pareto-smoothed importance sampling (PSIS; Vehtari, Simpson, Gelman, Yao & Gabry 2015/2024).

Draws θ_s from a proposal q (e.g. the Laplace approximation) are reweighted
towards the target p with ratios r_s = p(θ_s) / q(θ_s).  Raw ratios have a
heavy right tail when q is narrower than p somewhere, and then a few draws
carry all the weight.  PSIS replaces the M largest ratios by the expected
order statistics of a generalised Pareto distribution fitted to them, which
stabilises the estimate, and the fitted shape k̂ diagnoses reliability:

* k̂ < 0.5 — the variance of the raw ratios is finite; estimates converge fast;
* 0.5 ≤ k̂ < 0.7 — PSIS estimates are still practically usable;
* k̂ ≥ 0.7 — the proposal is too far from the target; do not trust the weights.

The tail length is M = ⌈min(0.2 S, 3 √(S / r_eff))⌉ and the shape is
estimated by Zhang & Stephens' (2009) empirical-Bayes method with the weak
prior of Vehtari et al. (shrinking k̂ towards 0.5 as if by 10 pseudo-draws),
so the results agree with the ``loo`` R package and ArviZ's ``psislw``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .._common.exceptions import ConvergenceWarning
from .._common.validation import as_float_array, check_float

__all__ = ["KHAT_BAD", "KHAT_GOOD", "PSISResult", "psis", "systematic_resample"]

#: k̂ below this: the importance ratios have finite variance.
KHAT_GOOD = 0.5
#: k̂ at or above this: the smoothed weights are not reliable.
KHAT_BAD = 0.7


@dataclass(frozen=True)
class PSISResult:
    """Smoothed importance weights.

    Attributes
    ----------
    log_weights : ndarray (S,)
        Normalised log weights (``logsumexp(log_weights) == 0``).
    khat : float
        Estimated generalised-Pareto shape of the ratios' right tail
        (``inf`` when the tail is too short to fit).
    ess : float
        Effective sample size of the weights, 1 / Σ w².
    tail_length : int
        Number of ratios replaced by Pareto quantiles.
    """

    log_weights: np.ndarray
    khat: float
    ess: float
    tail_length: int

    @property
    def weights(self) -> np.ndarray:
        """Normalised weights (summing to 1)."""
        return np.exp(self.log_weights)

    @property
    def reliable(self) -> bool:
        return bool(self.khat < KHAT_BAD)


def _log_sum_exp(x: np.ndarray) -> float:
    top = float(np.max(x))
    return top + math.log(float(np.sum(np.exp(x - top))))


def _pareto_fit(exceedances: np.ndarray) -> tuple[float, float]:
    """(k, sigma) of a generalised Pareto distribution fitted to sorted positive
    exceedances, by Zhang & Stephens' profile over the parameter b = -k/sigma.

    For a grid of b values the profile log-likelihood is
    ``n (log(-b / k(b)) - k(b) - 1)`` with ``k(b) = mean(log(1 - b x))``; the
    estimate of b is the average of the grid weighted by the normalised
    profile likelihood, and k, sigma follow from it.  The grid has
    m = 30 + ⌊√n⌋ points ``1/x_(n) + (1 - √(m / (j - ½))) / (3 x_(⌊n/4 + ½⌋))``.
    """
    x = exceedances
    n = x.size
    m = 30 + int(math.sqrt(n))
    j = np.arange(1, m + 1, dtype=float)
    quartile = x[int(n / 4 + 0.5) - 1]
    b = 1.0 / x[-1] + (1.0 - np.sqrt(m / (j - 0.5))) / (3.0 * quartile)
    k_of_b = np.mean(np.log1p(-np.outer(b, x)), axis=1)
    profile = n * (np.log(-b / k_of_b) - k_of_b - 1.0)
    # normalised weights exp(profile_j) / Σ_i exp(profile_i), computed stably
    weights = 1.0 / np.sum(np.exp(profile[None, :] - profile[:, None]), axis=1)
    keep = weights >= 10 * np.finfo(float).eps
    b, weights = b[keep], weights[keep]
    b_hat = float(np.sum(b * weights) / np.sum(weights))
    k = float(np.mean(np.log1p(-b_hat * x)))
    sigma = -k / b_hat
    # weakly informative prior: shrink towards 0.5 as if by 10 pseudo-observations
    k = (n * k + 10 * 0.5) / (n + 10)
    return k, sigma


def _pareto_quantiles(probs: np.ndarray, k: float, sigma: float) -> np.ndarray:
    """Quantiles sigma ((1 - p)^(-k) - 1) / k of the generalised Pareto distribution (k → 0: exponential)."""
    if abs(k) < np.finfo(float).eps:
        return -sigma * np.log1p(-probs)
    return sigma * np.expm1(-k * np.log1p(-probs)) / k


def psis(log_ratios: object, r_eff: float = 1.0) -> PSISResult:
    """Pareto-smoothed importance weights from log importance ratios.

    Parameters
    ----------
    log_ratios : array (S,)
        log p(θ_s) − log q(θ_s) up to a constant, for draws θ_s from q.
    r_eff : float
        Relative efficiency of the draws (1 for independent draws, e.g. from
        a Laplace approximation; the MCMC ESS / S for correlated ones).

    Returns
    -------
    PSISResult
        Normalised smoothed log weights, k̂, ESS and the tail length.
    """
    lr = as_float_array(log_ratios, "log_ratios", 1, min_size=5)
    r_eff = check_float(r_eff, "r_eff", 0.0, exclusive=True)
    n = lr.size
    x = lr - lr.max()  # the largest ratio becomes 1 (log 0)
    order = np.argsort(x, kind="stable")
    tail_length = int(math.ceil(min(0.2 * n, 3.0 * math.sqrt(n / r_eff))))
    # the cut-off is the largest ratio below the tail (never below the smallest positive double)
    cutoff = max(float(x[order[n - tail_length - 1]]), math.log(np.finfo(float).tiny))
    tail = np.flatnonzero(x > cutoff)
    khat = math.inf
    if tail.size > 4:
        tail = tail[np.argsort(x[tail], kind="stable")]
        exceed = np.exp(x[tail]) - math.exp(cutoff)
        khat, sigma = _pareto_fit(exceed)
        if math.isfinite(khat) and sigma > 0:
            probs = (np.arange(tail.size) + 0.5) / tail.size
            x = x.copy()
            x[tail] = np.log(_pareto_quantiles(probs, khat, sigma) + math.exp(cutoff))
            x = np.minimum(x, 0.0)  # no smoothed ratio above the largest raw one
    log_w = x - _log_sum_exp(x)
    ess = float(1.0 / np.sum(np.exp(2.0 * log_w)))
    return PSISResult(log_weights=log_w, khat=float(khat), ess=ess, tail_length=int(tail.size))


def warn_if_unreliable(result: PSISResult, what: str) -> None:
    """A ConvergenceWarning when k̂ ≥ 0.7 (the weights cannot be trusted)."""
    if not result.reliable:
        warnings.warn(
            f"{what}: Pareto k-hat {result.khat:.2f} >= {KHAT_BAD} (importance ESS {result.ess:.0f}); the "
            "importance-weighted Laplace approximation is unreliable here: sample with NUTS instead",
            ConvergenceWarning,
            stacklevel=3,
        )


def systematic_resample(log_weights: object, size: int, seed: int) -> np.ndarray:
    """Indices of ``size`` draws resampled in proportion to the weights by
    systematic resampling (one uniform offset, evenly spaced points), which
    has the smallest resampling variance of the standard schemes."""
    w = np.exp(as_float_array(log_weights, "log_weights", 1))
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0
    u = (np.random.default_rng(seed).random() + np.arange(size)) / size
    return np.searchsorted(cumulative, u, side="right").clip(0, w.size - 1)
