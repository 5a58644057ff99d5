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
    # the strict criterion, k̂ < 0.5 (the default stops at k̂ < 0.7), to see the adaptation at work
    mode, laplace = A @ np.log(ALPHA), A @ np.diag(1.0 / ALPHA) @ A.T
    return adaptive_importance(_log_gamma_density, mode, laplace, 2000,
                               lambda r: np.random.default_rng([seed, r]), rounds=rounds, target_khat=0.5)


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


# A Student-t target with known moments: t_ν(μ, Σ) has mean μ and covariance ν/(ν − 2) Σ.
NU_T = 5.0
MU_T = np.array([1.0, -2.0, 0.5])
SIGMA_T = np.array([[1.0, 0.6, 0.0], [0.6, 2.0, -0.4], [0.0, -0.4, 0.5]])


def _student_t_density(theta: np.ndarray) -> np.ndarray:
    u = np.linalg.solve(np.linalg.cholesky(SIGMA_T), (theta - MU_T).T)
    return -0.5 * (NU_T + MU_T.size) * np.log1p((u * u).sum(axis=0) / NU_T)


def _run_t(rounds: int, seed: int, **kwargs):
    # the proposal starts off-centre and three times too narrow (a poor Laplace approximation)
    return adaptive_importance(_student_t_density, MU_T + 0.5, SIGMA_T / 9.0, 1000,
                               lambda r: np.random.default_rng([seed, r]), rounds=rounds, **kwargs)


def test_rounds_stop_at_the_first_reliable_pooled_weights_and_match_a_student_t_posterior():
    mean, cov = MU_T, NU_T / (NU_T - 2.0) * SIGMA_T
    sd = np.sqrt(np.diag(cov))
    stopped_early = 0
    for seed in range(5):
        res = _run_t(8, seed)
        # stopped: reliable weights (k̂ < 0.7) with an ESS of at least 400, or the last round
        assert (res.result.khat < 0.7 and res.result.ess >= 400) or res.rounds == 8
        stopped_early += res.rounds < 8
        assert res.rounds > 1  # the narrow first proposal is not enough
        # the first such round: capped one round earlier, the same draws fail the criterion
        before = _run_t(res.rounds - 1, seed)
        np.testing.assert_array_equal(before.theta, res.theta[: len(before.theta)])
        assert not (before.result.khat < 0.7 and before.result.ess >= 400)
        w = res.result.weights
        m = w @ res.theta
        c = (res.theta - m).T @ ((res.theta - m) * w[:, None])
        # Monte Carlo error of a mean from >= 400 effective draws is <= 0.05 sd; of an sd of a t_5 about 0.1
        np.testing.assert_array_less(np.abs(m - mean) / sd, 0.15)
        np.testing.assert_allclose(np.sqrt(np.diag(c)), sd, rtol=0.25)
        # the strict criterion (k̂ < 0.5) never stops earlier
        assert _run_t(8, seed, target_khat=0.5).rounds >= res.rounds
    assert stopped_early == 5


def test_importance_densities_are_the_same_on_one_or_two_threads_and_match_one_call_per_row(monkeypatch):
    from summitcast import _core
    from summitcast.bayes import _base

    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 3))
    y = (rng.random(300) < 1.0 / (1.0 + np.exp(2.0 - x[:, 0]))).astype(float)
    model = Logit(x, y, prior=Normal(0, 2.5), prior_intercept=Normal(0, 5), standardize=False)
    thetas = rng.standard_normal((203, 4))  # more than three blocks of 64 rows, the last short
    one = _core.bayes.log_density_rows(model._core_model, thetas, True, 1)
    two = _core.bayes.log_density_rows(model._core_model, thetas, True, 2)
    np.testing.assert_array_equal(one, two)
    rows = [model._core_model.log_density(t, True)[0] for t in thetas]
    np.testing.assert_allclose(one, rows, rtol=1e-12)
    fits = []
    for threads in (1, 2):
        monkeypatch.setattr(_base.BayesModel, "_log_densities",
                            lambda self, th, n=threads: _core.bayes.log_density_rows(self._core_model, th, True, n))
        fits.append(model.fit_laplace(draws=1000, seed=4, importance=True).info["theta"])
    np.testing.assert_array_equal(fits[0], fits[1])


def test_mahalanobis_rows_match_the_inverse_scale_and_refuse_a_bad_root():
    from summitcast import _core

    rng = np.random.default_rng(3)
    theta, centre = rng.standard_normal((50, 3)), rng.standard_normal(3)
    root = np.linalg.cholesky(SIGMA_T)
    dev = theta - centre
    expected = np.einsum("si,ij,sj->s", dev, np.linalg.inv(SIGMA_T), dev)
    np.testing.assert_allclose(_core.bayes.mahalanobis_rows(theta, centre, root), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="positive diagonal"):
        _core.bayes.mahalanobis_rows(theta, centre, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="centre"):
        _core.bayes.mahalanobis_rows(theta, centre[:2], root)
