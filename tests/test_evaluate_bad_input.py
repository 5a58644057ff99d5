"""Bad input gives a ValueError or TypeError naming the argument (and the
value), never a crash, NaN or silent repair; and properties that hold for
all valid input: scores are non-negative, and the proper ones are
minimised in expectation by the true distribution."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitcast import evaluate as ev

P = np.array([0.2, 0.7, 0.4])
Y = np.array([0, 1, 1])

BAD = [
    (lambda: ev.brier([0.2, 1.2, 0.5], Y), ValueError, r"p must be a probability in \[0, 1\], got 1.2 at position 1"),
    (lambda: ev.brier([0.2, -0.1, 0.5], Y), ValueError, r"p must be .*-0.1"),
    (lambda: ev.log_score([0.2, np.nan, 0.5], Y), ValueError, r"p contains NaN values \(1 of them"),
    (lambda: ev.brier(P, [0, 1]), ValueError, r"same length.*p \(3,\), y \(2,\)"),
    (lambda: ev.brier([], []), ValueError, r"p must have at least 1 value"),
    (lambda: ev.brier(P, [0, 2, 1]), ValueError, r"y must be 0 or 1.*got 2.0 at position 1"),
    (lambda: ev.brier(P, [0, 0.5, 1]), ValueError, r"y must be 0 or 1.*0.5"),
    (lambda: ev.brier(P, [0, np.nan, 1]), ValueError, r"y contains NaN values \(1 of them"),
    (lambda: ev.brier(["a", "b", "c"], Y), TypeError, r"p must be numeric"),
    (lambda: ev.brier(pd.Series(P, index=[1, 2, 3]), pd.Series(Y, index=[1, 2, 4])), ValueError, r"p and y have different indexes"),
    (lambda: ev.auc(P, [1, 1, 1]), ValueError, r"both outcomes"),
    (lambda: ev.auc(P, [0, 1]), ValueError, r"p and y must have the same length, got 3 and 2"),
    (lambda: ev.rps([[0.5, 0.6]], [0]), ValueError, r"p_cat rows must sum to 1, got 1.1"),
    (lambda: ev.rps([[0.5, 0.5]], [2]), ValueError, r"y_cat must be an integer category code in 0..1, got 2.0"),
    (lambda: ev.rps([[1.0]], [0]), ValueError, r"at least 2 categories"),
    (lambda: ev.rps(pd.DataFrame({"a": [1.0], "b": [0.0]}), ["c"]), ValueError, r"y_cat must name one of p_cat's columns"),
    (lambda: ev.skill_score(0.1, 0.0), ValueError, r"perfect reference"),
    (lambda: ev.skill_score(0.1, np.inf), ValueError, r"reference must be finite, got inf"),
    (lambda: ev.skill_score([0.1, 0.2], [0.1, 0.2, 0.3]), ValueError, r"same forecasts, got 2 and 3"),
    (lambda: ev.skill_score([-0.1], [0.2]), ValueError, r"score must hold negatively oriented scores"),
    (lambda: ev.crps_normal(0.0, 0.0, -1.0), ValueError, r"sigma must be a standard deviation >= 0, got -1.0"),
    (lambda: ev.crps_normal([0.0, np.inf], 0.0, 1.0), ValueError, r"y contains infinite values \(1 of them"),
    (lambda: ev.crps_normal(0.0, np.nan, 1.0), ValueError, r"mu must be finite, got nan"),
    (lambda: ev.crps_normal([0.0, 1.0], [0.0, 1.0, 2.0], 1.0), ValueError, r"same length"),
    (lambda: ev.crps_poisson([1, 2.5], 2.0), ValueError, r"y must be a non-negative integer count, got 2.5 at position 1"),
    (lambda: ev.crps_poisson([-1], 2.0), ValueError, r"y must be a non-negative integer count, got -1.0"),
    (lambda: ev.crps_poisson([1], -2.0), ValueError, r"mu must be a Poisson mean >= 0, got -2.0"),
    (lambda: ev.crps_negbin([1.5], 2.0, 0.5), ValueError, r"y must be a non-negative integer count, got 1.5"),
    (lambda: ev.crps_negbin([1], 0.0, 0.5), ValueError, r"size must be a negative-binomial size > 0, got 0.0"),
    (lambda: ev.crps_negbin([1], 2.0, 0.0), ValueError, r"prob must be a success probability in \(0, 1\], got 0.0"),
    (lambda: ev.crps_negbin([1], 2.0, 1.5), ValueError, r"prob must be a probability in \[0, 1\], got 1.5"),
    (lambda: ev.crps_ensemble([0.0], [[1.0]], fair=True), ValueError, r"fair CRPS needs at least 2 members"),
    (lambda: ev.crps_ensemble([0.0], [[1.0, np.nan]]), ValueError, r"samples contains NaN values \(1 of them"),
    (lambda: ev.crps_ensemble([0.0, 1.0, 2.0], np.ones((2, 5))), ValueError, r"y must have one outcome per forecast"),
    (lambda: ev.crps_ensemble([0.0], np.ones((1, 5)), axis=3), ValueError, r"axis must be a valid axis"),
    (lambda: ev.crps_ensemble([0.0], np.ones((1, 5)), fair="yes"), TypeError, r"fair must be True or False"),
    (lambda: ev.interval_score(0.0, 2.0, 1.0, 0.1), ValueError, r"lower must be at most upper, got 2.0 > upper 1.0"),
    (lambda: ev.interval_score(0.0, 0.0, 1.0, 1.0), ValueError, r"alpha must be in \(0, 1\), got 1.0"),
    (lambda: ev.pit([0.0]), TypeError, r"exactly one of cdf and samples"),
    (lambda: ev.pit([0.0], cdf=3), TypeError, r"cdf must be callable"),
    (lambda: ev.pit([0.0], cdf=lambda x: x + 2), ValueError, r"cdf must return probabilities in \[0, 1\], got 2.0"),
    (lambda: ev.pit([0.0, 1.0], cdf=lambda x: np.ones(5)), ValueError, r"cdf must return one value per outcome"),
    (lambda: ev.pit([0.5], cdf=lambda x: x, discrete=True), ValueError, r"y must be a non-negative integer count, got 0.5"),
    (lambda: ev.pit([0.0, 1.0], samples=np.ones((3, 4))), ValueError, r"samples has 3 forecasts .* y has 2 outcomes"),
    (lambda: ev.pit([0.0], samples=[[1.0]], seed=-1), ValueError, r"seed must be a non-negative integer below 2\*\*64, got -1"),
    (lambda: ev.brier_decomposition(P, Y, bins=0), ValueError, r"bins must be >= 1, got 0"),
    (lambda: ev.brier_decomposition(P, Y, bins=[0.0, 0.5, 0.3]), ValueError, r"strictly increasing"),
    (lambda: ev.brier_decomposition(P, Y, bins=[0.3, 1.0]), ValueError, r"must cover every forecast; p has 0.2"),
    (lambda: ev.brier_decomposition(P, Y, bins="quantile"), ValueError, r"bins must be an integer, a sequence of edges or 'unique', got 'quantile'"),
    (lambda: ev.ece(P, Y, bins=2.5), TypeError, r"bins must be an integer"),
    (lambda: ev.reliability(P, Y, method="kernel"), ValueError, r"method must be one of 'bins', 'isotonic'; got 'kernel'"),
    (lambda: ev.reliability(P, Y, band=1.5), ValueError, r"band must be < 1"),
    (lambda: ev.reliability(P, Y, block_length=4), ValueError, r"block_length must be <= 3, got 4"),
    (lambda: ev.reliability(P, Y, n_boot=0), ValueError, r"n_boot must be >= 1, got 0"),
    (lambda: ev.reliability(P[:1], Y[:1]), ValueError, r"at least 2 forecasts, got 1"),
    (lambda: ev.bootstrap_mean([1.0, 2.0, 3.0], level=0.0), ValueError, r"level must be > 0"),
    (lambda: ev.bootstrap_mean([1.0, np.nan, 3.0]), ValueError, r"values contains NaN values \(1 of them"),
    (lambda: ev.bootstrap_mean([1.0, 2.0, 3.0], block_length=1.5), TypeError, r"block_length must be an integer, got 1.5"),
    (lambda: ev.bootstrap_skill([0.1, 0.2, 0.3], [0.0, 0.0, 0.0]), ValueError, r"perfect reference"),
    (lambda: ev.effective_sample_size([1.0, 2.0, 3.0]), ValueError, r"at least 4 observations, got 3"),
    (lambda: ev.effective_sample_size(np.ones(8), method="spectral"), ValueError, r"method must be one of"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[m[:40] for _, _, m in BAD])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------ properties
probabilities = st.floats(0.0, 1.0)
unit_outside = st.one_of(st.floats(-1e6, -1e-9), st.floats(1.0 + 1e-9, 1e6))


@given(st.lists(probabilities, min_size=1, max_size=20), st.data())
def test_binary_scores_are_non_negative_and_bounded(ps, data):
    ys = data.draw(st.lists(st.integers(0, 1), min_size=len(ps), max_size=len(ps)))
    brier = ev.brier(ps, ys)
    assert np.all((brier >= 0) & (brier <= 1))
    log = ev.log_score(ps, ys)
    assert np.all(log >= 0) and not np.isnan(log).any()


@given(st.lists(probabilities, min_size=1, max_size=5), unit_outside, st.integers(0, 4))
def test_a_probability_outside_the_unit_interval_is_named(ps, bad, where):
    ps = list(ps)
    ps.insert(min(where, len(ps)), bad)
    with pytest.raises(ValueError, match=r"^p must be a probability in \[0, 1\], got"):
        ev.brier(ps, [0] * len(ps))


@given(st.floats(0.001, 0.999), st.floats(0.0, 1.0))
def test_brier_and_log_score_are_proper(q, p):
    """E_q S(p, Y) >= E_q S(q, Y) for Y ~ Bernoulli(q)."""
    def expected(score, forecast):
        return q * score(forecast, 1) + (1 - q) * score(forecast, 0)

    assert expected(ev.brier, p) >= expected(ev.brier, q) - 1e-15
    assert expected(ev.log_score, p) >= expected(ev.log_score, q) - 1e-12


gauss_nodes, gauss_weights = np.polynomial.hermite_e.hermegauss(80)  # E f(Z), Z ~ N(0, 1)
gauss_weights = gauss_weights / gauss_weights.sum()


@given(st.floats(-3, 3), st.floats(0.2, 5))
@settings(max_examples=60)
def test_crps_normal_is_proper(mu, sigma):
    expected = float(np.dot(gauss_weights, ev.crps_normal(gauss_nodes, mu, sigma)))
    truth = float(np.dot(gauss_weights, ev.crps_normal(gauss_nodes, 0.0, 1.0)))
    assert expected >= truth - 1e-12
    assert truth == pytest.approx(1 / math.sqrt(math.pi), rel=1e-10)  # E CRPS(F, Y) = E|X - X'|/2 under F


@given(st.floats(0.1, 20), st.floats(0.1, 20), st.floats(0.5, 30))
@settings(max_examples=40)
def test_count_crps_is_proper(true_mean, forecast_mean, size):
    """Under Y ~ Poisson(true_mean): E crps_poisson(Y, true_mean) is the least
    among Poisson forecasts and below any negative-binomial forecast."""
    k = np.arange(0, int(true_mean + 20 * math.sqrt(true_mean) + 30))
    pmf = np.exp(k * math.log(true_mean) - true_mean - np.array([math.lgamma(i + 1) for i in k]))
    truth = float(np.dot(pmf, ev.crps_poisson(k, true_mean)))
    assert float(np.dot(pmf, ev.crps_poisson(k, forecast_mean))) >= truth - 1e-12
    assert float(np.dot(pmf, ev.crps_negbin(k, size, size / (size + true_mean)))) >= truth - 1e-12


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30),
    st.floats(-1e6, 1e6),
    st.booleans(),
)
def test_ensemble_crps_is_non_negative_and_finite(members, y, fair):
    if fair and len(members) < 2:
        members = members * 2
    score = ev.crps_ensemble(y, members, fair=fair)
    # the fair form of a tiny ensemble can dip below zero by at most its
    # correction (E|X - X'|/(2m(m-1)) * m); the plain form never does
    if fair:
        spread = np.abs(np.subtract.outer(members, members)).sum() / (2 * len(members) ** 2 * (len(members) - 1))
        assert score >= -spread * (1 + 1e-12) - 1e-9
    else:
        assert score >= -1e-9 * max(1.0, abs(y))
    assert math.isfinite(score)


@given(st.integers(0, 200), st.floats(0.0, 500), st.floats(0.05, 100), st.floats(0.01, 1.0))
@settings(max_examples=80)
def test_count_crps_is_non_negative(y, mu, size, prob):
    assert ev.crps_poisson(y, mu) >= -1e-12 * max(1.0, mu)
    assert ev.crps_negbin(y, size, prob) >= -1e-12 * max(1.0, y)
