"""Log densities against independent formulas (scipy, statsmodels) and
analytic gradients against central finite differences, at Stan's tolerances
(1e-8 relative for values, 1e-4 for gradients)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from summitcast import _core

core = _core.bayes
RNG = np.random.default_rng(20240526)
N, P = 60, 3
X = RNG.normal(size=(N, P))
Y = (RNG.uniform(size=N) < 0.4).astype(float)
OFFSET = RNG.normal(scale=0.3, size=N)
WEIGHTS = RNG.uniform(0.5, 2.0, size=N)


def finite_difference(model, theta, jacobian=True):
    g = np.zeros_like(theta)
    for j in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[j]))
        e = np.zeros_like(theta)
        e[j] = h
        g[j] = (model.log_density(theta + e, jacobian)[0] - model.log_density(theta - e, jacobian)[0]) / (2 * h)
    return g


def assert_gradient(model, theta, jacobian=True):
    analytic = model.log_density(theta, jacobian)[1]
    numeric = finite_difference(model, theta, jacobian)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-6)


PRIORS = [
    core.Prior.flat(),
    core.Prior.normal(0.3, 2.0),
    core.Prior.student_t(4.0, -0.2, 1.5),
    core.Prior.cauchy(0.1, 2.5),
]
SCALE_PRIORS = [core.ScalePrior.half_normal(1.0), core.ScalePrior.half_student_t(3.0, 2.0), core.ScalePrior.exponential(1.5)]


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("prior", range(len(PRIORS)))
def test_binary_gradient(link, prior):
    model = core.BinaryRegression(X, Y, link, True, PRIORS[prior], PRIORS[-1 - prior], OFFSET, WEIGHTS)
    for _ in range(3):
        assert_gradient(model, RNG.normal(size=P + 1))


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_binary_log_likelihood_matches_scipy(link):
    model = core.BinaryRegression(X, Y, link, True, core.Prior.flat(), core.Prior.flat(), OFFSET, WEIGHTS)
    theta = RNG.normal(size=P + 1)
    eta = OFFSET + theta[0] + X @ theta[1:]
    dist = stats.logistic if link == "logit" else stats.norm
    expected = np.sum(WEIGHTS * np.where(Y == 1, dist.logcdf(eta), dist.logsf(eta)))
    assert model.log_likelihood(theta) == pytest.approx(expected, rel=1e-8)
    # with flat priors the log density is the log-likelihood
    assert model.log_density(theta, True)[0] == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_binary_extreme_linear_predictor_is_finite(link):
    """Far in the tails log F must not underflow (log Phi(-40) = -804.6...)."""
    x = np.array([[1.0], [1.0]])
    y = np.array([1.0, 0.0])
    model = core.BinaryRegression(x, y, link, False, core.Prior.flat(), core.Prior.flat(), np.zeros(0), np.zeros(0))
    for b in (-40.0, 40.0):
        lp, g = model.log_density(np.array([b]))
        dist = stats.logistic if link == "logit" else stats.norm
        expected = dist.logcdf(b) + dist.logsf(b)
        assert lp == pytest.approx(expected, rel=1e-9)
        assert np.isfinite(g).all()
        assert_gradient(model, np.array([b]))


def test_prior_kernels_match_scipy():
    """Priors are kernels (constants dropped): differences of log densities equal scipy's."""
    xs = np.array([-3.0, -0.4, 0.0, 1.7, 6.0])
    cases = [
        (core.Prior.normal(0.3, 2.0), stats.norm(0.3, 2.0)),
        (core.Prior.student_t(4.0, -0.2, 1.5), stats.t(4.0, -0.2, 1.5)),
        (core.Prior.cauchy(0.1, 2.5), stats.cauchy(0.1, 2.5)),
    ]
    for prior, dist in cases:
        ours = np.array([prior.lpdf(x)[0] for x in xs])
        theirs = dist.logpdf(xs)
        np.testing.assert_allclose(ours - ours[0], theirs - theirs[0], rtol=1e-10, atol=1e-12)
        grads = np.array([prior.lpdf(x)[1] for x in xs])
        numeric = np.array([(prior.lpdf(x + 1e-6)[0] - prior.lpdf(x - 1e-6)[0]) / 2e-6 for x in xs])
        np.testing.assert_allclose(grads, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("levels", [2, 4])
def test_ordered_gradient(link, levels):
    y = RNG.integers(0, levels, size=N).astype(float)
    model = core.OrderedRegression(X, y, levels, link, PRIORS[1], PRIORS[2], OFFSET, WEIGHTS)
    for jacobian in (True, False):
        for _ in range(3):
            assert_gradient(model, RNG.normal(size=P + levels - 1), jacobian)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_ordered_log_likelihood_matches_scipy(link):
    levels = 4
    y = RNG.integers(0, levels, size=N)
    model = core.OrderedRegression(X, y.astype(float), levels, link, core.Prior.flat(), core.Prior.flat(), OFFSET, WEIGHTS)
    theta = RNG.normal(size=P + levels - 1)
    cut = np.cumsum(np.concatenate([theta[P : P + 1], np.exp(theta[P + 1 :])]))
    eta = OFFSET + X @ theta[:P]
    dist = stats.logistic if link == "logit" else stats.norm
    bounds = np.concatenate([[-np.inf], cut, [np.inf]])
    prob = dist.cdf(bounds[y + 1] - eta) - dist.cdf(bounds[y] - eta)
    assert model.log_likelihood(theta) == pytest.approx(np.sum(WEIGHTS * np.log(prob)), rel=1e-8)
    # The Jacobian of the ordering map adds sum(log increments).
    lp_jac = model.log_density(theta, True)[0]
    lp_plain = model.log_density(theta, False)[0]
    assert lp_jac - lp_plain == pytest.approx(theta[P + 1 :].sum(), rel=1e-10)


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("scale_prior", range(len(SCALE_PRIORS)))
def test_hierarchical_gradient(link, scale_prior):
    groups = RNG.integers(0, 5, size=N)
    groups[:5] = np.arange(5)
    Z = np.column_stack([np.ones(N), X[:, 1]])
    model = core.HierarchicalBinaryRegression(
        X, Z, Y, groups, 5, link, True, PRIORS[1], PRIORS[2], SCALE_PRIORS[scale_prior], OFFSET, WEIGHTS
    )
    assert model.dim == 1 + P + 2 * (1 + 5)
    for jacobian in (True, False):
        for _ in range(2):
            assert_gradient(model, RNG.normal(size=model.dim), jacobian)


def test_hierarchical_log_likelihood_matches_direct_computation():
    G = 4
    groups = np.arange(N) % G
    Z = np.column_stack([np.ones(N), X[:, 0]])
    model = core.HierarchicalBinaryRegression(
        X, Z, Y, groups, G, "logit", True, core.Prior.flat(), core.Prior.flat(), SCALE_PRIORS[0], np.zeros(0), np.zeros(0)
    )
    theta = RNG.normal(size=model.dim)
    alpha, beta, log_tau = theta[0], theta[1 : 1 + P], theta[1 + P : 3 + P]
    z = theta[3 + P :].reshape(G, 2)  # group-major
    u = z * np.exp(log_tau)
    eta = alpha + X @ beta + np.sum(Z * u[groups], axis=1)
    expected = np.sum(np.where(Y == 1, stats.logistic.logcdf(eta), stats.logistic.logsf(eta)))
    assert model.log_likelihood(theta) == pytest.approx(expected, rel=1e-10)
