"""Every layer returns simulated futures as one type, from one method:
``results.simulate(steps, paths=..., seed=...)`` → ForecastPaths on the
months after the data, with the same summary columns; and the numbers agree
with each model's exact predictive distribution."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import summitcast as sc
from summitcast import _core
from summitcast._bundled import load_nile
from summitcast._common.paths import ForecastPaths

MONTHS = pd.date_range("2010-01-01", periods=120, freq="MS", name="month")


def _short_gibbs_run(model):
    with pytest.warns(sc.ConvergenceWarning):  # 200 draws are too few for the diagnostics, and it says so
        return model.fit_bayes(draws=200, tune=200, chains=2, seed=1)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(4)
    tone = pd.Series(np.cumsum(rng.normal(size=120)) + rng.normal(size=120), index=MONTHS, name="tone")
    counts = sc.counts.simulate_ingarch([0.4, 0.3, 0.4], 120, past_obs=1, past_mean=1, seed=5, index=MONTHS)
    ev = np.asarray(_core.events.hawkes_simulate(np.array([0.05, 0.4, 0.2]), 1, 1, 3652.0, 6)[0])
    times = pd.DatetimeIndex(pd.Timestamp("2010-01-01") + pd.to_timedelta(ev, unit="D"))
    uc = sc.statespace.UnobservedComponents(tone, level="local level")
    return {
        "uc": uc.fit(),
        "uc_posterior": _short_gibbs_run(uc),
        "ingarch": sc.counts.INGARCH(counts, past_obs=1, past_mean=1).fit(),
        "hawkes": sc.events.Hawkes().fit(times, end_time=pd.Timestamp("2020-01-01")),
    }


@pytest.mark.parametrize("name", ["uc", "uc_posterior", "ingarch", "hawkes"])
def test_one_method_one_type_one_layout(fitted, name):
    res = fitted[name]
    params = list(inspect.signature(res.simulate).parameters)
    assert params[:3] == ["steps", "paths", "seed"]
    fp = res.simulate(6, paths=300, seed=11)
    assert isinstance(fp, ForecastPaths)
    assert fp.values.shape == (300, 6)
    assert list(fp.index) == list(pd.date_range("2020-01-01", periods=6, freq="MS"))
    assert list(fp.summary_frame().columns) == ["mean", "sd", "median", "lower", "upper"]
    again = res.simulate(6, paths=300, seed=11)
    np.testing.assert_array_equal(fp.values, again.values)
    assert not np.array_equal(fp.values, res.simulate(6, paths=300, seed=12).values)


def test_ingarch_paths_match_the_exact_one_step_distribution(fitted):
    res = fitted["ingarch"]
    fp = res.simulate(1, paths=40000, seed=3)
    lam = fp.lambda_paths.to_numpy()[:, 0]
    assert np.allclose(lam, lam[0])  # one step ahead the mean is known
    p0 = np.exp(-lam[0])
    assert fp.prob_at_least(1).iloc[0] == pytest.approx(1 - p0, rel=1e-12)  # Rao-Blackwellised: exact
    empirical = (fp.values[:, 0] >= 1).mean()
    assert abs(empirical - (1 - p0)) < 4 * np.sqrt(p0 * (1 - p0) / 40000)


def test_hawkes_monthly_counts_match_the_exact_probability_of_no_event(fitted):
    """P(no event in the first forecast month) is known in closed form
    (the window forecast); the binned simulation must agree to Monte Carlo error."""
    res = fitted["hawkes"]
    fp = res.simulate(2, paths=40000, seed=9)
    window = pd.Timedelta(days=31)  # January 2020, right after the window ends at 2020-01-01
    exact = res.prob_event_within(window, paths=1).prob_any
    p = fp.prob_at_least(1).iloc[0]
    assert abs(p - exact) < 4 * np.sqrt(exact * (1 - exact) / 40000)
    by_two_months = res.prob_event_within(pd.Timedelta(days=31 + 29), paths=1).prob_any
    q = fp.prob_total_at_least(1).iloc[1]
    assert abs(q - by_two_months) < 4 * np.sqrt(by_two_months * (1 - by_two_months) / 40000)


def test_hawkes_window_ending_mid_month_skips_to_the_next_month(fitted):
    res = fitted["hawkes"]
    times = pd.DatetimeIndex(res.events.from_float(res.events.times[0]))
    mid = sc.events.Hawkes().fit(times[times <= "2019-12-15"], end_time=pd.Timestamp("2019-12-15"))
    fp = mid.simulate(2, paths=10, seed=1)
    assert fp.index[0] == pd.Timestamp("2020-01-01")
    floats = sc.events.Hawkes().fit(res.events.times[0], end_time=res.events.end_time)
    with pytest.raises(ValueError, match="needs event times given as dates"):
        floats.simulate(2)


def test_uc_paths_match_the_gaussian_forecast():
    fit = sc.statespace.UnobservedComponents(load_nile(), level="local level").fit()
    fp = fit.simulate(3, paths=20000, seed=2)
    exact = fit.get_forecast(3).summary_frame(alpha=0.1)
    se = exact["mean_se"].to_numpy()
    assert np.all(np.abs(fp.mean().to_numpy() - exact["mean"].to_numpy()) < 4.5 * se / np.sqrt(20000))
    assert list(exact.columns[:4]) == ["mean", "mean_se", "lower", "upper"]


def test_tscount_lag_meaning():
    """``past_mean=13`` is the single feedback lag 13, as tscount's
    campylobacter model ``past_obs = 1, past_mean = 13`` writes it."""
    y = sc.counts.simulate_ingarch([2.0, 0.3, 0.2], 300, past_obs=1, past_mean=[13], link="identity", seed=8)
    model = sc.counts.INGARCH(y, past_obs=1, past_mean=13, link="identity", family="negbin")
    assert model.param_names == ["intercept", "beta_1", "alpha_13", "nb_alpha"]
    same = sc.counts.INGARCH(y, past_obs=[1], past_mean=[13], link="identity", family="negbin")
    assert model.loglike([2.0, 0.3, 0.2, 0.05]) == same.loglike([2.0, 0.3, 0.2, 0.05])
