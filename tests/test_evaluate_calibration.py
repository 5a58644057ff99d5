"""Calibration: Murphy's and the CORP decomposition add up, the CORP curve is
scikit-learn's isotonic regression, ECE by hand, and the block bootstrap
behaves as its theory says (circular blocks unbiased, moving blocks not;
block bands widen with dependence; the effective sample size of an AR(1)
series is n (1 - rho)/(1 + rho))."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peers import peer_call
from summitcast import evaluate as ev


@pytest.fixture
def forecasts():
    rng = np.random.default_rng(8)
    p = rng.beta(1.5, 4, size=800)
    y = (rng.uniform(size=800) < np.clip(1.3 * p, 0, 1)).astype(float)  # under-forecasting
    return p, y


def murphy_by_loops(p, y, edges):
    """The decomposition term by term, bin by bin, with plain Python loops."""
    n, base = len(p), y.mean()
    rel = res = wbv = wbc = 0.0
    for j in range(len(edges) - 1):
        last = j == len(edges) - 2
        inside = [i for i in range(n) if edges[j] <= p[i] < edges[j + 1] or (last and p[i] == edges[-1])]
        if not inside:
            continue
        pk = sum(p[i] for i in inside) / len(inside)
        ok = sum(y[i] for i in inside) / len(inside)
        rel += len(inside) * (pk - ok) ** 2
        res += len(inside) * (ok - base) ** 2
        wbv += sum((p[i] - pk) ** 2 for i in inside)
        wbc += 2 * sum((p[i] - pk) * (y[i] - ok) for i in inside)
    return rel / n, res / n, base * (1 - base), wbv / n, wbc / n


@pytest.mark.parametrize("bins", [10, 4, [0.0, 0.05, 0.2, 0.5, 1.0]])
def test_brier_decomposition_terms_and_identity(forecasts, bins):
    p, y = forecasts
    d = ev.brier_decomposition(p, y, bins=bins)
    edges = np.linspace(0, 1, bins + 1) if isinstance(bins, int) else np.array(bins)
    expected = murphy_by_loops(p, y, edges)
    got = (d.reliability, d.resolution, d.uncertainty, d.within_bin_variance, d.within_bin_covariance)
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-15)
    assert d.brier == pytest.approx(np.mean((p - y) ** 2), rel=1e-14)
    total = d.reliability - d.resolution + d.uncertainty + d.within_bin_variance - d.within_bin_covariance
    assert total == pytest.approx(d.brier, abs=1e-14)
    assert abs(d.residual) < 1e-14
    assert d.table["n"].sum() == len(p)


def test_murphy_three_terms_are_exact_with_one_bin_per_value():
    rng = np.random.default_rng(3)
    p = rng.choice([0.1, 0.3, 0.5, 0.8], size=500)
    y = (rng.uniform(size=500) < p).astype(float)
    d = ev.brier_decomposition(p, y, bins="unique")
    assert d.within_bin_variance == 0.0 and d.within_bin_covariance == 0.0
    assert d.reliability - d.resolution + d.uncertainty == pytest.approx(d.brier, abs=1e-15)
    assert list(d.table["forecast"]) == [0.1, 0.3, 0.5, 0.8]


isotonic = pytest.importorskip("sklearn.isotonic", reason="scikit-learn (test extra) is the reference for the CORP curve")


def test_corp_curve_equals_sklearn_isotonic_regression(forecasts):
    p, y = forecasts
    for values in (p, np.round(p, 2)):  # with and without ties
        r = ev.reliability(values, y, method="isotonic", band=None)
        model = peer_call(isotonic.IsotonicRegression(out_of_bounds="clip").fit, values, y)
        np.testing.assert_allclose(r.table["observed"], peer_call(model.predict, r.table["forecast"]), atol=1e-14)
        assert np.all(np.diff(r.table["observed"]) >= 0)
        assert r.table["n"].sum() == len(values)


def test_corp_decomposition_adds_up_and_is_signed(forecasts):
    p, y = forecasts
    d = ev.corp_decomposition(p, y)
    assert d.score == pytest.approx(np.mean((p - y) ** 2), rel=1e-14)
    assert d.mcb - d.dsc + d.unc == pytest.approx(d.score, abs=1e-15)
    assert d.mcb > 0 and d.dsc > 0
    assert d.unc == pytest.approx(y.mean() * (1 - y.mean()), rel=1e-14)


def test_recalibrated_forecasts_have_no_miscalibration(forecasts):
    p, y = forecasts
    model = isotonic.IsotonicRegression(out_of_bounds="clip").fit(p, y)
    recalibrated = peer_call(model.predict, p)
    d = ev.corp_decomposition(recalibrated, y)
    assert abs(d.mcb) < 1e-15
    assert d.dsc == pytest.approx(ev.corp_decomposition(p, y).dsc, rel=1e-12)  # discrimination unchanged


def test_ece_by_hand():
    p = np.array([0.05, 0.15, 0.12, 0.95, 0.91, 0.5])
    y = np.array([0, 1, 0, 1, 1, 0])
    # bins (width 0.25): {0.05, 0.15, 0.12} mean .10667 obs 1/3; {0.5} obs 0; {0.95, 0.91} mean .93 obs 1
    expected = (3 * abs(np.mean([0.05, 0.15, 0.12]) - 1 / 3) + abs(0.5 - 0) + 2 * abs(0.93 - 1)) / 6
    assert ev.ece(p, y, bins=4) == pytest.approx(expected, rel=1e-14)


def test_ece_of_calibrated_forecasts_shrinks_with_n():
    rng = np.random.default_rng(4)
    values = []
    for n in (200, 20000):
        p = rng.uniform(size=n)
        values.append(ev.ece(p, (rng.uniform(size=n) < p).astype(float)))
    assert values[1] < values[0] / 4 and values[1] < 0.02


def test_reliability_bins_table_and_bands(forecasts):
    p, y = forecasts
    r = ev.reliability(p, y, bins=5, seed=12, block_length=3)
    t = r.table
    assert list(t.columns) == ["bin_lower", "bin_upper", "n", "forecast", "observed", "lower", "upper"]
    assert t["n"].sum() == len(p)
    code = np.clip(np.searchsorted(np.linspace(0, 1, 6), p, side="right") - 1, 0, 4)
    for _, row in t.iterrows():
        inside = code == int(round(row.bin_lower * 5))
        assert row.n == inside.sum() and row.observed == pytest.approx(y[inside].mean(), rel=1e-14)
        assert row.lower <= row.observed <= row.upper
    # these forecasts are too low (the event is 1.3 p likely): the well-filled bins see it
    full = t[t.n >= 100]
    assert (full.forecast < full.lower).any()
    assert r.scheme.block_length == 3 and r.scheme.seed == 12
    assert r.n_effective == pytest.approx(ev.effective_sample_size((p - y) ** 2), rel=1e-14)


def test_bands_are_reproducible_and_depend_on_the_seed(forecasts):
    p, y = forecasts
    for method in ("bins", "isotonic"):
        a = ev.reliability(p, y, method, seed=1, n_boot=200)
        b = ev.reliability(p, y, method, seed=1, n_boot=200)
        c = ev.reliability(p, y, method, seed=2, n_boot=200)
        pd.testing.assert_frame_equal(a.table, b.table)
        assert not a.table["upper"].equals(c.table["upper"])


def test_isotonic_band_covers_the_curve_mostly(forecasts):
    p, y = forecasts
    r = ev.reliability(p, y, "isotonic", seed=5, n_boot=300)
    inside = (r.table["lower"] <= r.table["observed"] + 1e-12) & (r.table["observed"] <= r.table["upper"] + 1e-12)
    assert np.average(inside, weights=r.table["n"]) > 0.9


# ------------------------------------------------------------- block bootstrap
def ar1(n, rho, rng):
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(1 - rho**2)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def test_effective_sample_size_of_ar1():
    rng = np.random.default_rng(21)
    n = 20000
    for rho in (0.5, 0.8):
        ess = ev.effective_sample_size(ar1(n, rho, rng))
        assert ess / n == pytest.approx((1 - rho) / (1 + rho), rel=0.12)
    iid = ev.effective_sample_size(rng.normal(size=n))
    assert 0.9 * n < iid <= n
    assert ev.effective_sample_size(np.ones(50)) == 50
    assert ev.effective_sample_size(np.arange(60.0), method="blocks", block_length=6) == 10.0
    assert ev.effective_sample_size(np.arange(64.0), method="blocks") == 16.0  # default length round(64^(1/3)) = 4


def test_iid_bootstrap_se_matches_the_standard_error():
    rng = np.random.default_rng(31)
    x = rng.exponential(size=2000)
    result = ev.bootstrap_mean(x, block_length=1, n_boot=2000, seed=1)
    assert result.se == pytest.approx(x.std(ddof=1) / np.sqrt(x.size), rel=0.08)
    assert result.estimate == pytest.approx(x.mean(), rel=1e-14)
    assert result.lower < result.estimate < result.upper


def test_block_bootstrap_sees_the_dependence_that_single_draws_miss():
    rng = np.random.default_rng(32)
    rho, n = 0.8, 6000
    x = ar1(n, rho, rng)
    true_se = np.sqrt((1 + rho) / (1 - rho) / (1 - rho**2) / n)  # long-run sd / sqrt(n)
    blocks = ev.bootstrap_mean(x, block_length=60, n_boot=1500, seed=3)
    single = ev.bootstrap_mean(x, block_length=1, n_boot=1500, seed=3)
    assert blocks.se == pytest.approx(true_se, rel=0.2)
    assert single.se < 0.5 * true_se
    assert blocks.n_effective == pytest.approx(n * (1 - rho) / (1 + rho), rel=0.2)


def test_circular_blocks_are_unbiased_and_moving_blocks_underweight_the_ends():
    x = np.zeros(100)
    x[:5] = 1.0  # the mean depends only on how often the first five are drawn
    reps = 4000
    means = {}
    for circular in (True, False):
        r = ev.bootstrap_mean(x, block_length=20, circular=circular, n_boot=reps, seed=9)
        # the mean of replicate means: r.se / sqrt(reps) is its Monte Carlo error
        boot = ev._bootstrap.BlockBootstrap.make(100, 20, circular, reps, 9).means(x[:, None])[:, 0]
        means[circular] = (boot.mean(), r.se / np.sqrt(reps))
    assert abs(means[True][0] - 0.05) < 4 * means[True][1]
    assert means[False][0] < 0.05 - 10 * means[False][1]


def test_bootstrap_skill():
    rng = np.random.default_rng(41)
    p = rng.uniform(size=400)
    y = (rng.uniform(size=400) < p).astype(float)
    score, reference = ev.brier(p, y), ev.brier(np.full(400, y.mean()), y)
    r = ev.bootstrap_skill(score, reference, block_length=4, n_boot=800, seed=2)
    assert r.estimate == pytest.approx(ev.skill_score(score, reference), rel=1e-14)
    assert r.lower < r.estimate < r.upper and r.lower > 0
    same = ev.bootstrap_skill(score, reference, block_length=4, n_boot=800, seed=2)
    assert (same.lower, same.upper) == (r.lower, r.upper)


def test_bootstrap_refuses_unsorted_dates():
    s = pd.Series([0.1, 0.2, 0.3, 0.4], index=pd.to_datetime(["2020-03-01", "2020-01-01", "2020-02-01", "2020-04-01"]))
    with pytest.raises(ValueError, match="time order"):
        ev.bootstrap_mean(s)
