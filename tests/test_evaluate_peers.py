"""Side by side with the Python peers properscoring and scoringrules, on the
same forecasts.  Each test skips with the reason when its peer is absent.
scoringrules runs on its numpy backend, the plain formulas (its numba backend
computes the same, after seconds of compilation)."""

from __future__ import annotations

import numpy as np
import pytest

from peers import peer_call
from summitcast import evaluate as ev

properscoring = pytest.importorskip("properscoring", reason="properscoring is an optional peer (pip install properscoring)")
scoringrules = pytest.importorskip("scoringrules", reason="scoringrules is an optional peer (pip install scoringrules)")

NP = "numpy"
rng = np.random.default_rng(2025)
N = 2000


def test_crps_normal_matches_both_peers():
    y, mu, sigma = rng.normal(size=N), rng.normal(size=N), rng.uniform(0.1, 4, size=N)
    ours = ev.crps_normal(y, mu, sigma)
    np.testing.assert_allclose(ours, peer_call(properscoring.crps_gaussian, y, mu, sigma), rtol=1e-12)
    np.testing.assert_allclose(ours, peer_call(scoringrules.crps_normal, y, mu, sigma, backend=NP), rtol=1e-12)


@pytest.mark.parametrize("fair", [False, True])
def test_crps_ensemble_matches_peers(fair):
    y, x = rng.normal(size=300), rng.normal(size=(300, 41))
    ours = ev.crps_ensemble(y, x, fair=fair)
    estimator = "fair" if fair else "nrg"
    np.testing.assert_allclose(ours, peer_call(scoringrules.crps_ensemble, y, x, estimator=estimator, backend=NP), rtol=1e-11, atol=1e-14)
    if not fair:  # properscoring has the plain (empirical-CDF) form only
        np.testing.assert_allclose(ours, peer_call(properscoring.crps_ensemble, y, x), rtol=1e-11, atol=1e-14)


def test_crps_poisson_matches_scoringrules_where_it_is_finite():
    mu = rng.uniform(0.05, 60, size=N)  # its numpy backend overflows in y! beyond y = 170
    y = rng.poisson(mu).astype(float)
    theirs = peer_call(scoringrules.crps_poisson, y, mu, backend=NP)
    assert np.isfinite(theirs).all()
    np.testing.assert_allclose(ev.crps_poisson(y, mu), theirs, rtol=1e-9)


def test_crps_negbin_matches_scoringrules_where_it_is_finite():
    size, prob = rng.uniform(0.2, 60, size=N), rng.uniform(0.05, 0.99, size=N)
    y = rng.negative_binomial(size, prob).astype(float)
    theirs = peer_call(scoringrules.crps_negbinom, y, size, prob, backend=NP)
    finite = np.isfinite(theirs)
    assert finite.mean() > 0.9
    np.testing.assert_allclose(ev.crps_negbin(y, size, prob)[finite], theirs[finite], rtol=1e-8)
    assert np.isfinite(ev.crps_negbin(y, size, prob)).all()


def test_binary_and_categorical_scores_match_scoringrules():
    p = rng.uniform(0.01, 0.99, size=N)
    y = (rng.uniform(size=N) < p).astype(float)
    np.testing.assert_allclose(ev.brier(p, y), peer_call(scoringrules.brier_score, y, p, backend=NP), rtol=1e-14)
    np.testing.assert_allclose(ev.log_score(p, y), peer_call(scoringrules.log_score, y, p, backend=NP), rtol=1e-12)
    cat = rng.dirichlet(np.ones(5), size=N)
    codes = rng.integers(0, 5, size=N)
    onehot = np.eye(5)[codes]
    np.testing.assert_allclose(ev.rps(cat, codes), peer_call(scoringrules.rps_score, onehot, cat, onehot=True, backend=NP), rtol=1e-12, atol=1e-15)


def test_interval_score_matches_scoringrules():
    y = rng.normal(size=N)
    lower = rng.normal(-1, 0.3, size=N)
    upper = lower + rng.uniform(0, 3, size=N)
    ours = ev.interval_score(y, lower, upper, 0.1)
    np.testing.assert_allclose(ours, peer_call(scoringrules.interval_score, y, lower, upper, 0.1, backend=NP), rtol=1e-13)
