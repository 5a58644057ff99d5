"""Adaptive importance sampling from the Laplace approximation against exact
posterior moments: an analytic skewed density (a linear map of log-gamma
variables, whose mean and covariance are digamma and trigamma values) and a
small logit with a rare outcome, whose posterior mean is computed by
brute-force quadrature on a grid."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import digamma, polygamma

from summitcast.bayes import Logit, Normal
from summitcast.bayes.adaptive import adaptive_importance

# θ = A x with x_i independent log-gamma(α_i) (x = log G, G ~ Gamma(α_i, 1)):
# density ∝ Π exp(α_i x_i − e^{x_i}), long left tails, mode A log α,
# Laplace covariance A diag(1/α) Aᵀ, exact mean A ψ(α) and covariance A diag(ψ'(α)) Aᵀ.
ALPHA = np.array([0.5, 2.0])
A = np.array([[1.0, 0.0], [0.8, 0.6]])


def _log_gamma_density(theta: np.ndarray) -> np.ndarray:
    x = np.linalg.solve(A, theta.T).T
    return (ALPHA * x - np.exp(x)).sum(axis=1)


def _run(rounds: int, seed: int):
    mode, laplace = A @ np.log(ALPHA), A @ np.diag(1.0 / ALPHA) @ A.T
    return adaptive_importance(_log_gamma_density, mode, laplace, 2000,
                               lambda r: np.random.default_rng([seed, r]), rounds=rounds)


def test_adaptation_recovers_the_exact_moments_of_a_skewed_density():
    mean = A @ digamma(ALPHA)
    cov = A @ np.diag(polygamma(1, ALPHA)) @ A.T
    sd = np.sqrt(np.diag(cov))
    for seed in range(5):
        plain, adapted = _run(1, seed), _run(4, seed)
        assert plain.rounds == 1 and plain.result.khat > 0.5  # the mode-centred proposal is too narrow
        assert 1 < adapted.rounds <= 4 and adapted.result.khat < 0.5  # stopped once k̂ < 0.5
        assert adapted.khats[-1] == adapted.result.khat and len(adapted.centres) == adapted.rounds
        w = adapted.result.weights
        m = w @ adapted.theta
        c = (adapted.theta - m).T @ ((adapted.theta - m) * w[:, None])
        # Monte Carlo error of a mean from ~2000 effective draws is ~0.03 sd
        np.testing.assert_array_less(np.abs(m - mean) / sd, 0.12)
        np.testing.assert_allclose(np.sqrt(np.diag(c)), sd, rtol=0.15)
        # the adapted centre moved from the mode towards the mean
        assert np.linalg.norm(adapted.centres[1] - mean) < np.linalg.norm(adapted.centres[0] - mean)


def test_same_seed_same_draws_and_one_round_is_plain_importance_sampling():
    a, b = _run(4, 3), _run(4, 3)
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.result.log_weights, b.result.log_weights)
    plain = _run(1, 3)
    assert plain.theta.shape == (2000, 2)
    np.testing.assert_array_equal(plain.theta, a.theta[:2000])  # round 0 is the same proposal


def test_zero_density_draws_get_no_weight_and_an_all_zero_density_is_refused():
    def half_plane(theta):  # the log-gamma density restricted to θ_0 < 0
        lp = _log_gamma_density(theta)
        return np.where(theta[:, 0] < 0, lp, -np.inf)

    mode, laplace = A @ np.log(ALPHA), A @ np.diag(1.0 / ALPHA) @ A.T
    res = adaptive_importance(half_plane, mode, laplace, 500, lambda r: np.random.default_rng(r), rounds=2)
    assert np.all(res.result.weights[res.theta[:, 0] >= 0] < 1e-300)
    with pytest.raises(ValueError, match="not finite at any"):
        adaptive_importance(lambda t: np.full(len(t), -np.inf), mode, laplace, 50, lambda r: np.random.default_rng(r))


def test_importance_corrected_laplace_matches_the_quadrature_mean_of_a_rare_event_logit():
    # 40 observations, 3 events: the posterior of (intercept, slope) is skewed
    rng = np.random.default_rng(8)
    x = rng.standard_normal(40)
    y = np.zeros(40)
    y[np.argsort(x)[[-1, -2, -4]]] = 1.0  # events among the largest x, not separated: a skewed slope
    model = Logit(x[:, None], y, prior=Normal(0, 2.5), prior_intercept=Normal(0, 5), standardize=False)
    density = model._core_model
    # brute-force posterior mean of the unconstrained parameters on a fine grid
    a, b = np.linspace(-22, 2, 385), np.linspace(-2, 12, 225)
    grid = np.array([[density.log_density(np.array([ai, bi]), True)[0] for bi in b] for ai in a])
    w = np.exp(grid - grid.max())
    w /= w.sum()
    mean = np.array([(w.sum(axis=1) * a).sum(), (w.sum(axis=0) * b).sum()])
    sd = np.sqrt(np.array([(w.sum(axis=1) * a**2).sum(), (w.sum(axis=0) * b**2).sum()]) - mean**2)
    assert w[[0, -1], :].sum() + w[:, [0, -1]].sum() < 1e-6  # the grid holds the posterior
    mode = model.fit_map(jacobian=True).theta
    assert np.abs(mode - mean).max() / sd.max() > 0.2  # skewed: the mean is well off the mode
    post = model.fit_laplace(draws=4000, seed=5, importance=True)
    theta = post.info["theta"]
    assert post.info["psis"].khat < 0.7
    np.testing.assert_array_less(np.abs(theta.mean(axis=0) - mean) / sd, 0.1)
    np.testing.assert_allclose(theta.std(axis=0), sd, rtol=0.12)
    raw = model.fit_laplace(draws=4000, seed=5).info["theta"]  # the uncorrected approximation is 0.4 sd off
    assert np.abs(raw.mean(axis=0) - mean).max() / sd.max() > 0.2
