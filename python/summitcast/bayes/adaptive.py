"""Adaptive multiple importance sampling from a Laplace approximation.

A Gaussian (or Student-t) proposal centred at the posterior mode with the
inverse Hessian as its scale puts too few draws where a skewed posterior
has its mass: a logit coefficient near separation has a long tail on one
side, its posterior mean lies off the mode and its spread exceeds the
curvature's.  The Pareto k̂ of the importance ratios then exceeds 0.7 and a
handful of draws carry the estimate.

Here the proposal learns from its own weights (adaptive multiple importance
sampling, AMIS; Cornuet, Marin, Mira & Robert 2012):

1. round 0 draws S proposals from the multivariate Student-t
   t_ν(θ̂, Σ₀), Σ₀ = (−∇² log p(θ̂))⁻¹;
2. after round r every draw so far is weighted against the deterministic
   mixture of the proposals used, w ∝ p(θ) / ((1/R) Σ_j q_j(θ)) (the
   "balance heuristic": a draw is judged by how likely any of the rounds
   was to propose it, which keeps the weights bounded where one round was
   narrow but another was not), Pareto-smoothed (PSIS) with k̂ and ESS;
3. round r + 1 proposes from t_ν(μ, Σ) with μ, Σ the weighted mean and
   covariance of those draws, Σ shrunk towards Σ₀ by λ = d / (d + ESS):
   a covariance estimated from ESS effective draws in d dimensions is only
   trusted as far as ESS exceeds d;
4. stop at the first round whose pooled weights are reliable — k̂ < 0.7,
   the threshold below which PSIS estimates converge at a practically
   useful rate for these sample sizes (Vehtari et al. 2024, §3) — with an
   ESS of at least 400, or after the last round; the result is the pooled
   draws with their smoothed weights.  Adapting on towards k̂ < 0.5 (ratios
   of finite variance) bought no accuracy: on the summit hazard the pooled
   k̂ wanders between 0.5 and 0.8 from round to round once it first drops
   below 0.7 (the later proposals differ by Monte Carlo noise), and the
   fast-vs-full replay (benchmarks/results/fast_vs_full.txt) agrees as
   well as with eight rounds, at about half the density evaluations.

Each round costs S evaluations of log p and no gradients.  The first round's
heavy tails (ν = 4) stay in the mixture, so later rounds may use lighter
ones (``adapted_df``): in many dimensions a multivariate t's common radial
factor √(ν/χ²_ν) scatters draws far inside and outside the posterior's
shell, and a larger ν wastes fewer of them, while the mixture keeps the
ratios bounded in the tails (a "defensive" mixture, Hesterberg 1995).
The mixture needs each t's normalising constant (the rounds' ν may differ).
The products here are written as ``einsum`` (numpy's own loops, not a
multithreaded BLAS): they are small, and on a loaded machine BLAS threads
made them 30 times slower (and results could depend on the thread count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import _core
from .._common.validation import check_float, check_int
from .importance import KHAT_BAD, PSISResult, psis

__all__ = ["AdaptiveImportance", "adaptive_importance"]


@dataclass(frozen=True)
class AdaptiveImportance:
    """Pooled draws of every round with their smoothed weights.

    Attributes
    ----------
    theta : ndarray (R·S, d)
        The draws of all rounds, in order.
    result : PSISResult
        Smoothed weights of the pooled draws against the mixture, k̂, ESS.
    khats : tuple of float
        k̂ of the pooled draws after each round (the last is ``result.khat``).
    centres, scales : tuple of ndarray
        Centre and scale matrix of each round's Student-t proposal.
    """

    theta: np.ndarray
    result: PSISResult
    khats: tuple[float, ...]
    centres: tuple[np.ndarray, ...]
    scales: tuple[np.ndarray, ...]

    @property
    def rounds(self) -> int:
        return len(self.khats)


class _StudentT:
    """The multivariate t_ν(centre, scale) proposal: draws and log density up to
    the constant shared by every t of the same ν and dimension."""

    def __init__(self, centre: np.ndarray, scale: np.ndarray, df: float) -> None:
        self.centre, self.scale, self.df = centre, scale, df
        self.root = np.linalg.cholesky(scale)
        d = centre.size
        self.constant = (math.lgamma(0.5 * (df + d)) - math.lgamma(0.5 * df) - 0.5 * d * math.log(df)
                         - float(np.sum(np.log(np.diag(self.root)))))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        z = np.einsum("sj,ij->si", rng.standard_normal((n, self.centre.size)), self.root)
        # a Gaussian draw scaled by sqrt(ν / χ²_ν) is a Student-t draw
        return self.centre + z * np.sqrt(self.df / rng.chisquare(self.df, n))[:, None]

    def log_density(self, theta: np.ndarray) -> np.ndarray:
        # squared Mahalanobis distance under the scale, by a triangular solve with its Cholesky factor
        delta = _core.bayes.mahalanobis_rows(theta, self.centre, self.root)
        return self.constant - 0.5 * (self.df + self.centre.size) * np.log1p(delta / self.df)


def _log_mean_exp(rows: np.ndarray) -> np.ndarray:
    top = rows.max(axis=0)
    return top + np.log(np.mean(np.exp(rows - top), axis=0))


def adaptive_importance(log_density: Callable[[np.ndarray], np.ndarray], mode: np.ndarray, covariance: np.ndarray,
                        draws: int, rng: Callable[[int], np.random.Generator], df: float = 4.0, rounds: int = 4,
                        adapted_df: float | None = 10.0, target_khat: float = KHAT_BAD,
                        target_ess: float = 400.0) -> AdaptiveImportance:
    """Importance draws from Student-t proposals adapted to their own weights (see the module notes).

    Parameters
    ----------
    log_density : callable
        (n, d) array → (n,) log p up to a constant; −inf or NaN where p = 0
        (such a draw gets zero weight).
    mode, covariance : ndarray
        Centre and scale matrix of the first proposal (the Laplace approximation).
    draws : int
        Proposals per round.
    rng : callable
        round number → the random generator of that round.
    df : float
        Degrees of freedom of the first round's Student-t proposal.
    rounds : int
        Most rounds (1: plain importance sampling from the Laplace approximation).
    adapted_df : float, optional
        Degrees of freedom of the later rounds' proposals (None: ``df``).
    target_khat, target_ess : float
        Stop adapting once the pooled k̂ is below ``target_khat`` and the
        importance ESS at least ``target_ess`` (defaults: k̂ < 0.7, where the
        smoothed weights become reliable, and an ESS of 400, at which a mean
        has a Monte Carlo error of at most 1/20 posterior sd).
    """
    mode = np.asarray(mode, dtype=float)
    base = np.asarray(covariance, dtype=float)
    draws = check_int(draws, "draws", 5)
    df = check_float(df, "df", 0.0, exclusive=True)
    rounds = check_int(rounds, "rounds", 1, 100)
    d = mode.size
    proposals = [_StudentT(mode, base, df)]
    thetas: list[np.ndarray] = []
    log_p: list[np.ndarray] = []
    # log_q[j][i]: log density of proposal j at the draws of round i (each pair computed once)
    log_q: list[list[np.ndarray]] = [[]]
    khats: list[float] = []
    while True:
        r = len(proposals) - 1
        theta = proposals[-1].draw(draws, rng(r))
        thetas.append(theta)
        log_p.append(np.asarray(log_density(theta), dtype=float))
        for j, q in enumerate(proposals):
            log_q[j].append(q.log_density(theta))
        pooled = np.vstack(thetas)
        mixture = _log_mean_exp(np.stack([np.concatenate(blocks) for blocks in log_q]))
        log_ratios = np.concatenate(log_p) - mixture
        bad = ~np.isfinite(log_ratios)
        if bad.all():
            raise ValueError("the log density is not finite at any importance draw")
        log_ratios[bad] = log_ratios[~bad].min() - 1e3  # (numerically) zero weight
        result = psis(log_ratios)
        khats.append(result.khat)
        if (result.khat < target_khat and result.ess >= target_ess) or len(proposals) == rounds:
            break
        w = result.weights
        centre = np.einsum("s,si->i", w, pooled)
        dev = pooled - centre
        weighted_cov = np.einsum("si,sj->ij", dev, dev * w[:, None])
        shrink = d / (d + result.ess)
        scale = (1.0 - shrink) * weighted_cov + shrink * base
        try:
            proposals.append(_StudentT(centre, 0.5 * (scale + scale.T), adapted_df or df))
        except np.linalg.LinAlgError:  # a degenerate weighted covariance: keep what we have
            break
        log_q.append([proposals[-1].log_density(t) for t in thetas])
    return AdaptiveImportance(pooled, result, tuple(khats), tuple(q.centre for q in proposals),
                              tuple(q.scale for q in proposals))
