"""PIT values: uniform under the true predictive distribution (KS tests on
many draws), and visibly not under a wrong one — or for counts without the
randomisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast import evaluate as ev

stats = pytest.importorskip("scipy.stats", reason="scipy (test extra) supplies the predictive CDFs and the KS test")

N = 5000


def ks_pvalue(u):
    return stats.kstest(np.asarray(u), "uniform").pvalue


def test_continuous_pit_of_the_true_distribution_is_uniform():
    rng = np.random.default_rng(1)
    mu, sigma = rng.normal(size=N), rng.uniform(0.5, 3, size=N)
    y = rng.normal(mu, sigma)
    assert ks_pvalue(ev.pit(y, stats.norm(mu, sigma))) > 0.01
    assert ks_pvalue(ev.pit(y, lambda x: stats.norm.cdf(x, mu, sigma))) > 0.01
    too_sharp = ev.pit(y, stats.norm(mu, 0.5 * sigma))
    assert ks_pvalue(too_sharp) < 1e-6  # a U-shaped histogram
    assert np.mean((too_sharp < 0.1) | (too_sharp > 0.9)) > 0.3


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_randomized_count_pit_is_uniform_and_the_midpoint_is_not(family):
    rng = np.random.default_rng(2)
    mu = rng.uniform(0.3, 4, size=N)
    if family == "poisson":
        dist, y = stats.poisson(mu), rng.poisson(mu)
    else:
        size = rng.uniform(0.5, 5, size=N)
        dist, y = stats.nbinom(size, size / (size + mu)), rng.negative_binomial(size, size / (size + mu))
    u = ev.pit(y, dist, seed=3)  # discrete detected from the pmf method
    assert ks_pvalue(u) > 0.01
    assert ks_pvalue(ev.pit(y, dist, randomized=False)) < 1e-6
    assert ks_pvalue(ev.pit(y, dist.cdf, discrete=True, seed=3)) > 0.01


def test_ensemble_pit_is_uniform_for_exchangeable_members_with_ties():
    rng = np.random.default_rng(4)
    mu = rng.uniform(1, 5, size=N)
    members = rng.poisson(mu[:, None], size=(N, 20)).astype(float)  # many ties
    y = rng.poisson(mu).astype(float)
    assert ks_pvalue(ev.pit(y, samples=members, seed=5)) > 0.01
    continuous = ev.pit(rng.normal(size=N), samples=rng.normal(size=(N, 30)), seed=6)
    assert ks_pvalue(continuous) > 0.01
    shifted = ev.pit(rng.normal(size=N) + 1, samples=rng.normal(size=(N, 30)), seed=6)
    assert ks_pvalue(shifted) < 1e-6


def test_pit_randomisation_is_seeded():
    rng = np.random.default_rng(7)
    y = pd.Series(rng.poisson(2.0, size=50), index=pd.period_range("2020-01", periods=50, freq="M"))
    dist = stats.poisson(2.0 * np.ones(50))
    a, b, c = ev.pit(y, dist, seed=1), ev.pit(y, dist, seed=1), ev.pit(y, dist, seed=2)
    pd.testing.assert_series_equal(a, b)
    assert not a.equals(c) and a.index.equals(y.index)
    assert ((a >= dist.cdf(y - 1)) & (a <= dist.cdf(y))).all()


def test_pit_of_continuous_forecasts_needs_no_seed():
    u = ev.pit(np.array([0.0, 1.0]), stats.norm(0, 1))
    np.testing.assert_allclose(u, [0.5, stats.norm.cdf(1.0)])
