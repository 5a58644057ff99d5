"""Scores against published values, brute-force oracles, scikit-learn, and
their defining identities.

Published values: the normal CRPS at y = -3 and y = 0 under N(0, 1)
(Gneiting & Raftery 2007's closed form; the values R's scoringRules tests
use), and the negative-binomial CRPS cases of R scoringRules' own tests
(Jordan, Krüger & Lerch 2019, tests/testthat/test-crps_nbinom).  Oracles:
the CRPS of an integer-valued distribution is exactly
sum_k (F(k) - 1{y <= k})^2 over the integers, summed here over the whole
support with scipy's CDFs; the ensemble CRPS against its O(m^2) definition.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from peers import peer_call
from summitcast import _core
from summitcast import evaluate as ev

stats = pytest.importorskip("scipy.stats", reason="scipy (test extra) supplies the CDFs of the brute-force oracles")
integrate = pytest.importorskip("scipy.integrate")


# ----------------------------------------------------------- published values
def test_crps_normal_published_values():
    assert ev.crps_normal(-3.0, 0.0, 1.0) == pytest.approx(2.43657473, abs=5e-9)
    assert ev.crps_normal(0.0, 0.0, 1.0) == pytest.approx(0.2336949773, abs=5e-11)


@pytest.mark.parametrize(
    "y, size, prob, expected",
    [
        (5, 100, 0.95, 0.53215257681),
        (44, 200.1, 0.82, 1.70859687251),
        (41, 200.1, 0.83, 1.63833674721),
        (222, 2000.1, 0.9, 3.66926727576),
    ],
)
def test_crps_negbin_published_values(y, size, prob, expected):
    assert ev.crps_negbin(y, size, prob) == pytest.approx(expected, abs=1e-10)


# ------------------------------------------------------------------- oracles
def count_crps_oracle(y: float, dist) -> float:
    """sum over the integers k >= 0 of (F(k) - 1{y <= k})^2, to where 1 - F < 1e-18."""
    mean, var = dist.stats()
    top = int(mean + 60 * np.sqrt(var)) + 50
    assert dist.sf(top) < 1e-18
    k = np.arange(0, max(top, int(y)) + 1)
    return float(np.sum((dist.cdf(k) - (y <= k)) ** 2))


@pytest.mark.parametrize(
    "y, size, prob",
    [(0, 0.5, 0.01), (3, 0.5, 0.01), (100, 2.0, 0.05), (0, 1e-3, 0.5), (7, 1.0, 0.3), (250, 40.0, 0.2),
     (1000, 3.0, 0.003), (12, 1e5, 1e5 / (1e5 + 10))],
)
def test_crps_negbin_equals_support_sum(y, size, prob):
    expected = count_crps_oracle(y, stats.nbinom(size, prob))
    assert ev.crps_negbin(y, size, prob) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("y, mu", [(0, 0.01), (3, 0.5), (7, 5.0), (0, 30.0), (400, 349.0), (355, 351.0), (5000, 5100.0)])
def test_crps_poisson_equals_support_sum(y, mu):
    # 2 mu crosses 700 between the cases (the scaled-Bessel branch switch)
    expected = count_crps_oracle(y, stats.poisson(mu))
    assert ev.crps_poisson(y, mu) == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("y, mu, sigma", [(-3.0, 0.0, 1.0), (2.5, 1.0, 0.3), (1e3, 1e3 + 5, 20.0), (0.0, -40.0, 4.0)])
def test_crps_normal_equals_integral_definition(y, mu, sigma):
    def integrand(x):
        return (stats.norm.cdf(x, mu, sigma) - (y <= x)) ** 2

    lo, hi = min(y, mu) - 12 * sigma, max(y, mu) + 12 * sigma
    expected = sum(integrate.quad(integrand, a, b, epsabs=1e-13, limit=200)[0] for a, b in [(lo, y), (y, hi)])
    assert ev.crps_normal(y, mu, sigma) == pytest.approx(expected, rel=1e-9)


def test_negbin_support_sum_and_closed_form_agree():
    """The two routes of crps_negbin (support sum below 2,000 terms, closed
    form beyond) on the same forecasts, both forced."""
    rng = np.random.default_rng(12)
    size = np.concatenate([rng.uniform(0.5, 40, 300), [100, 200.1, 200.1, 2000.1]])
    mu = np.concatenate([rng.uniform(0.5, 60, 300), [5.26, 43.9, 41.0, 222.2]])
    prob = np.where(np.arange(size.size) < 300, size / (size + mu), [0] * 300 + [0.95, 0.82, 0.83, 0.9])
    y = np.concatenate([rng.poisson(mu[:300]), [5, 44, 41, 222]]).astype(float)
    closed = _core.score.crps_negbin(y, size, prob, max_terms=0)
    summed = _core.score.crps_negbin(y, size, prob, max_terms=10**6)
    np.testing.assert_allclose(closed, summed, rtol=2e-12)
    np.testing.assert_allclose(closed[-4:], [0.53215257681, 1.70859687251, 1.63833674721, 3.66926727576], atol=1e-10)


def test_crps_poisson_is_the_negbin_limit_of_large_size():
    y, mu = 7, 4.5
    poisson = ev.crps_poisson(y, mu)
    gaps = [abs(ev.crps_negbin(y, n, n / (n + mu)) - poisson) for n in (1e2, 1e4, 1e6, 1e8)]
    assert all(a > b for a, b in zip(gaps, gaps[1:]))  # decreasing like 1/size
    assert gaps[-1] < 1e-7 and gaps[0] > 1e-4


def ensemble_crps_definition(y: float, x: np.ndarray, fair: bool) -> float:
    m = x.size
    pairs = np.abs(x[:, None] - x[None, :]).sum()
    return float(np.abs(x - y).mean() - pairs / (2 * m * (m - 1) if fair else 2 * m * m))


@pytest.mark.parametrize("fair", [False, True])
def test_crps_ensemble_equals_double_sum(fair):
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(3.0, 2.0, size=(40, 9)), 1)  # rounding makes ties
    y = np.round(rng.normal(3.0, 2.0, size=40), 1)
    got = ev.crps_ensemble(y, x, fair=fair)
    expected = [ensemble_crps_definition(y[i], x[i], fair) for i in range(40)]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


def test_crps_of_a_point_mass_is_the_absolute_error():
    y = np.array([-2.0, 0.0, 3.5, 1e6])
    x = np.array([1.0, 0.0, -1.5, 1e6 + 0.25])
    np.testing.assert_allclose(ev.crps_ensemble(y, x[:, None]), np.abs(y - x), rtol=1e-15)
    np.testing.assert_allclose(ev.crps_normal(y, x, 0.0), np.abs(y - x), rtol=1e-15)
    counts = np.array([0, 1, 5, 40])
    np.testing.assert_array_equal(ev.crps_poisson(counts, 0.0), counts)
    np.testing.assert_array_equal(ev.crps_negbin(counts, 3.0, 1.0), counts)


def test_crps_ensemble_ignores_member_order_and_shifts():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20, 15))
    y = rng.normal(size=20)
    base = ev.crps_ensemble(y, x)
    np.testing.assert_allclose(ev.crps_ensemble(y, x[:, ::-1]), base, rtol=1e-13)
    np.testing.assert_allclose(ev.crps_ensemble(y + 1e4, x + 1e4), base, rtol=1e-9)
    np.testing.assert_allclose(ev.crps_ensemble(y, x.T, axis=0), base, rtol=1e-15)


def test_fair_ensemble_crps_is_unbiased_and_plain_is_not():
    rng = np.random.default_rng(2024)
    reps, m, y = 40000, 5, 0.7
    draws = rng.normal(size=(reps, m))
    truth = ev.crps_normal(y, 0.0, 1.0)
    fair = ev.crps_ensemble(np.full(reps, y), draws, fair=True)
    plain = ev.crps_ensemble(np.full(reps, y), draws)
    se = fair.std(ddof=1) / np.sqrt(reps)
    assert abs(fair.mean() - truth) < 4 * se
    # the plain form is biased upwards by E|X - X'|/(2m) = 1/(m sqrt(pi)) for N(0, 1)
    bias = 1.0 / (m * np.sqrt(np.pi))
    assert plain.mean() - truth > 10 * se
    assert abs(plain.mean() - truth - bias) < 4 * plain.std(ddof=1) / np.sqrt(reps)


@pytest.mark.parametrize(
    "draw, closed",
    [
        (lambda rng, m: rng.normal(1.0, 2.0, m), lambda y: ev.crps_normal(y, 1.0, 2.0)),
        (lambda rng, m: rng.poisson(6.0, m).astype(float), lambda y: ev.crps_poisson(y, 6.0)),
        (lambda rng, m: rng.negative_binomial(2.5, 0.2, m).astype(float), lambda y: ev.crps_negbin(y, 2.5, 0.2)),
    ],
    ids=["normal", "poisson", "negbin"],
)
def test_ensemble_crps_of_many_draws_converges_to_the_closed_form(draw, closed):
    rng = np.random.default_rng(7)
    m = 200_000
    members = draw(rng, m)
    scale = members.std()
    for y in (0.0, 3.0, 9.0, 25.0):
        got = ev.crps_ensemble(y, members, fair=True)
        # the fair score is a U-statistic: its sd is below the members' sd / sqrt(m)
        assert got == pytest.approx(closed(y), abs=5 * scale / np.sqrt(m))


def test_closed_forms_are_thread_safe_and_deterministic():
    rng = np.random.default_rng(9)
    y = rng.poisson(20, 4000).astype(float)
    size = rng.uniform(0.5, 50, 4000)
    prob = rng.uniform(0.02, 0.98, 4000)
    serial = ev.crps_negbin(y, size, prob)
    chunks = np.array_split(np.arange(4000), 8)
    with ThreadPoolExecutor(4) as pool:
        parts = list(pool.map(lambda i: ev.crps_negbin(y[i], size[i], prob[i]), chunks))
    np.testing.assert_array_equal(np.concatenate(parts), serial)


# ------------------------------------------------------- binary and categorical
sk_metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn (test extra) is the reference for binary scores")


@pytest.fixture
def binary_forecasts():
    rng = np.random.default_rng(42)
    p = rng.beta(2, 5, size=600)
    y = (rng.uniform(size=600) < p).astype(float)
    return p, y


def test_brier_mean_equals_sklearn(binary_forecasts):
    p, y = binary_forecasts
    assert ev.brier(p, y).mean() == pytest.approx(peer_call(sk_metrics.brier_score_loss, y, p), rel=1e-13)


def test_log_score_mean_equals_sklearn_log_loss(binary_forecasts):
    p, y = binary_forecasts
    p = np.clip(p, 0.01, 0.99)  # away from sklearn's own clipping at machine epsilon
    assert ev.log_score(p, y).mean() == pytest.approx(peer_call(sk_metrics.log_loss, y, p), rel=1e-13)


def test_log_score_reports_a_failed_certainty_as_infinite():
    scores = ev.log_score(np.array([0.0, 1.0, 0.0, 1.0]), np.array([1, 0, 0, 1]))
    np.testing.assert_array_equal(scores, [np.inf, np.inf, 0.0, 0.0])
    assert ev.log_score(0.0, 1) == np.inf
    assert ev.log_score(1 - 1e-12, 0) == pytest.approx(-np.log(1e-12), rel=1e-4)  # log1p keeps the tail


def test_auc_equals_sklearn_with_ties(binary_forecasts):
    p, y = binary_forecasts
    tied = np.round(p, 1)  # many ties
    assert ev.auc(tied, y) == pytest.approx(peer_call(sk_metrics.roc_auc_score, y, tied), rel=1e-13)
    assert ev.auc(p, y) == pytest.approx(peer_call(sk_metrics.roc_auc_score, y, p), rel=1e-13)


def test_auc_by_pair_counting():
    p = np.array([0.1, 0.4, 0.4, 0.8, 0.3])
    y = np.array([0, 1, 0, 1, 0])
    # pairs (event, non-event): (0.4 vs 0.1, 0.4, 0.3) = 1 + .5 + 1, (0.8 vs all) = 3 -> 5.5 / 6
    assert ev.auc(p, y) == pytest.approx(5.5 / 6)


def test_categorical_brier_log_and_rps_by_hand():
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.2, 0.1, 0.0]])
    y = np.array([2, 3])
    np.testing.assert_allclose(ev.brier(p, y), [0.01 + 0.04 + 0.49 + 0.16, 0.49 + 0.04 + 0.01 + 1.0])
    np.testing.assert_allclose(ev.log_score(p, y), [-np.log(0.3), np.inf])
    # cumulative forecasts (0.1, 0.3, 0.6) vs observed (0, 0, 1); (0.7, 0.9, 1.0) vs (0, 0, 0)
    np.testing.assert_allclose(ev.rps(p, y), [0.01 + 0.09 + 0.16, 0.49 + 0.81 + 1.0])


def test_categorical_scores_take_labels_from_dataframe_columns():
    frame = pd.DataFrame({"none": [0.5, 0.2], "declaration": [0.3, 0.5], "security": [0.2, 0.3]}, index=["a", "b"])
    observed = pd.Series(["declaration", "none"], index=["a", "b"])
    codes = np.array([1, 0])
    pd.testing.assert_series_equal(ev.rps(frame, observed), pd.Series(ev.rps(frame.to_numpy(), codes), index=frame.index, name="rps"))
    pd.testing.assert_series_equal(ev.brier(frame, observed), pd.Series(ev.brier(frame.to_numpy(), codes), index=frame.index, name="brier"))


def test_binary_brier_is_half_the_two_category_brier(binary_forecasts):
    p, y = binary_forecasts
    two = np.column_stack([1 - p, p])
    np.testing.assert_allclose(ev.brier(two, y.astype(int)), 2 * ev.brier(p, y), rtol=1e-13)
    np.testing.assert_allclose(ev.rps(two, y.astype(int)), ev.brier(p, y), rtol=1e-13)


def test_skill_score():
    score = np.array([0.1, 0.2, 0.3])
    reference = np.array([0.25, 0.25, 0.25])
    assert ev.skill_score(score, reference) == pytest.approx(1 - 0.2 / 0.25)
    assert ev.skill_score(reference, reference) == 0.0
    assert ev.skill_score(0.0, 0.25) == 1.0
    assert ev.skill_score(np.array([np.inf, 0.1]), 0.25) == -np.inf


def test_interval_score_by_cases():
    lower, upper, alpha = 1.0, 3.0, 0.2
    y = np.array([0.0, 2.0, 4.5])
    np.testing.assert_allclose(ev.interval_score(y, lower, upper, alpha), [2 + 10 * 1.0, 2.0, 2 + 10 * 1.5])


# ------------------------------------------------------------ pandas in and out
def test_backtest_frame_scores_in_place():
    rng = np.random.default_rng(1)
    months = pd.date_range("2010-01", periods=24, freq="MS")
    df = pd.DataFrame(
        {"horizon": np.tile([6, 12], 12), "forecast": rng.uniform(size=24), "outcome": rng.integers(0, 2, 24)},
        index=pd.Index(np.repeat(months[:12], 2), name="origin"),
    )
    scores = ev.brier(df.forecast, df.outcome)
    assert isinstance(scores, pd.Series) and scores.index.equals(df.index) and scores.name == "brier"
    by_horizon = scores.groupby(df.horizon).mean()
    np.testing.assert_allclose(by_horizon.to_numpy(), [((df.forecast - df.outcome) ** 2)[df.horizon == h].mean() for h in (6, 12)])
    for fn in (ev.log_score, ev.brier):
        assert fn(df.forecast, df.outcome.astype(bool)).index.equals(df.index)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: ev.crps_normal(s, s * 0 + 1.0, 2.0),
        lambda s: ev.crps_poisson(s.round(), 3.0),
        lambda s: ev.crps_negbin(s.round(), 3.0, 0.4),
        lambda s: ev.interval_score(s, 0.0, 3.0, 0.1),
        lambda s: ev.crps_ensemble(s, pd.DataFrame(np.ones((len(s), 4)), index=s.index)),
    ],
    ids=["normal", "poisson", "negbin", "interval", "ensemble"],
)
def test_pandas_in_pandas_out(call):
    s = pd.Series([0.0, 1.0, 2.0, 5.0], index=pd.period_range("2020-01", periods=4, freq="M"))
    out = call(s)
    assert isinstance(out, pd.Series) and out.index.equals(s.index)
    assert np.isfinite(out).all()


def test_forecast_paths_score_month_by_month():
    from summitcast._common.paths import ForecastPaths
    from summitcast._common.time import future_months

    rng = np.random.default_rng(13)
    values = rng.poisson(3.0, size=(500, 4)).astype(float)  # paths x months
    paths = ForecastPaths(values, future_months("2025-11", 4), "launches", kind="count")
    observed = pd.Series([2.0, 0.0, 5.0, 3.0], index=paths.index)
    got = ev.crps_ensemble(observed, paths)
    assert got.index.equals(paths.index)
    np.testing.assert_allclose(got, ev.crps_ensemble(observed.to_numpy(), values.T), rtol=1e-15)
    u = ev.pit(observed, samples=paths, seed=1)
    assert u.index.equals(paths.index) and ((u > 0) & (u < 1)).all()


def test_scalars_in_float_out():
    for value in (ev.brier(0.3, 1), ev.log_score(0.3, 0), ev.crps_normal(0.0, 0.0, 1.0), ev.crps_poisson(2, 1.5),
                  ev.crps_negbin(2, 3.0, 0.5), ev.interval_score(1.0, 0.0, 2.0, 0.1), ev.crps_ensemble(0.0, [1.0, 2.0])):
        assert isinstance(value, float)
