"""Pareto-smoothed importance sampling against ArviZ's ``psislw`` on the same
log ratios, the shape estimate against a known Pareto tail, and the
importance-corrected Laplace posterior against NUTS."""

from __future__ import annotations

import numpy as np
import pytest

from peers import peer_call
from summitcast.bayes import Logit, Normal, psis
from summitcast.bayes.importance import systematic_resample

az = pytest.importorskip("arviz")


def _ratios(case: str, n: int, seed: int) -> np.ndarray:
    """log p − log q for proposals q and targets p of differing tails."""
    rng = np.random.default_rng(seed)
    if case == "normal-vs-t3":  # q = N(0, 1), p = t_3: heavy-tailed ratios
        x = rng.standard_normal(n)
        return -2.0 * np.log1p(x**2 / 3.0) + 0.5 * x**2
    if case == "wide-proposal":  # q = N(0, 2^2), p = N(0.3, 1): bounded ratios
        x = 2.0 * rng.standard_normal(n)
        return -0.5 * (x - 0.3) ** 2 + 0.5 * (x / 2.0) ** 2
    if case == "narrow-proposal":  # q = N(0, 0.6^2), p = N(0, 1): k̂ well above 0.5
        x = 0.6 * rng.standard_normal(n)
        return -0.5 * x**2 + 0.5 * (x / 0.6) ** 2
    raise ValueError(case)


@pytest.mark.parametrize("case", ["normal-vs-t3", "wide-proposal", "narrow-proposal"])
@pytest.mark.parametrize("n", [200, 4000])
def test_matches_arviz_psislw(case, n):
    lr = _ratios(case, n, seed=n + len(case))
    ours = psis(lr)
    theirs_lw, theirs_k = peer_call(az.psislw, lr.copy(), 1.0)
    np.testing.assert_allclose(ours.log_weights, np.asarray(theirs_lw), rtol=0, atol=1e-10)
    assert ours.khat == pytest.approx(float(theirs_k), abs=1e-10)


def test_matches_arviz_with_relative_efficiency():
    lr = _ratios("normal-vs-t3", 1000, seed=5)
    ours = psis(lr, r_eff=0.4)
    theirs_lw, theirs_k = peer_call(az.psislw, lr.copy(), 0.4)
    np.testing.assert_allclose(ours.log_weights, np.asarray(theirs_lw), atol=1e-10)
    assert ours.khat == pytest.approx(float(theirs_k), abs=1e-10)


def test_khat_recovers_a_known_pareto_tail():
    # ratios drawn from a generalised Pareto distribution with shape 0.6
    rng = np.random.default_rng(11)
    u = rng.random(20000)
    ratios = np.expm1(-0.6 * np.log1p(-u)) / 0.6
    result = psis(np.log(ratios))
    assert result.khat == pytest.approx(0.6, abs=0.08)
    assert result.reliable


def test_weights_are_normalised_and_ess_is_sane():
    result = psis(_ratios("wide-proposal", 3000, 2))
    assert np.exp(result.log_weights).sum() == pytest.approx(1.0, abs=1e-12)
    assert 0 < result.ess <= 3000 and result.khat < 0.5
    equal = psis(np.zeros(100))
    assert equal.ess == pytest.approx(100.0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="log_ratios"):
        psis([0.0, np.nan, 1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="log_ratios"):
        psis([0.0, 1.0])
    with pytest.raises(ValueError, match="r_eff"):
        psis(np.zeros(10), r_eff=0.0)
    with pytest.raises(TypeError, match="log_ratios"):
        psis("abc")


def test_systematic_resampling_follows_the_weights():
    w = np.array([0.1, 0.2, 0.7])
    idx = systematic_resample(np.log(w), 1000, seed=1)
    counts = np.bincount(idx, minlength=3) / 1000
    np.testing.assert_allclose(counts, w, atol=1.5e-3)  # systematic: within 1/size of the weights


def test_psis_corrects_a_skewed_laplace_posterior_towards_nuts():
    # a small logit with a rare outcome: the posterior of the coefficient is skewed
    rng = np.random.default_rng(3)
    x = rng.standard_normal(60)
    y = (rng.random(60) < 1.0 / (1.0 + np.exp(-(-2.5 + 1.2 * x)))).astype(float)
    model = Logit(x[:, None], y, prior=Normal(0, 2.5))
    nuts = model.sample(draws=2000, tune=1000, chains=4, seed=1, progress=False)
    raw = model.fit_laplace(draws=8000, seed=2)
    corrected = model.fit_laplace(draws=8000, seed=2, importance=True)
    psis_info = corrected.info["psis"]
    assert psis_info.khat < 0.7
    target = nuts.draws.mean()
    err_raw = np.abs(raw.draws.mean() - target).max()
    err_psis = np.abs(corrected.draws.mean() - target).max()
    nuts_se = (nuts.draws.std() / np.sqrt(2000)).max()
    assert err_psis < err_raw
    assert err_psis < 5 * nuts_se + 0.02
    assert "Pareto k-hat" in corrected.summary()
