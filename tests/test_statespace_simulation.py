"""Simulation smoother, Gibbs sampler, simulated forecasts: Monte Carlo checks.

Tolerances are set from the Monte Carlo standard error of each estimate
(about 4.5 standard errors, so a correct implementation fails about once in
10⁵ runs; the seeds are fixed, so the tests are deterministic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast._bundled import load_nile
from summitcast._common.time import future_index
from summitcast.statespace import InverseGamma, UnobservedComponents


@pytest.fixture(scope="module")
def nile_fit():
    return UnobservedComponents(load_nile()).fit()


def test_simulation_smoother_mean_and_variance(nile_fit):
    draws = 4000
    sims = nile_fit.simulation_smoother(draws=draws, seed=11)[:, :, 0]
    smoothed = nile_fit.smoothed_state["level"].to_numpy()
    sd = np.sqrt(nile_fit.smoothed_state_cov[:, 0, 0])
    mc_se = sd / np.sqrt(draws)
    assert np.all(np.abs(sims.mean(axis=0) - smoothed) < 4.5 * mc_se)
    # variance: the sample variance of normal draws has relative sd √(2/(draws−1))
    rel = sims.var(axis=0, ddof=1) / sd**2
    assert np.all(np.abs(rel - 1) < 4.5 * np.sqrt(2 / (draws - 1)))


def test_simulated_forecast_paths_match_gaussian_forecast(nile_fit):
    paths = 20000
    sims = nile_fit.simulate(steps=4, paths=paths, seed=3)
    frame = nile_fit.get_forecast(4).summary_frame()
    se = frame["mean_se"].to_numpy()
    assert list(sims.index) == list(frame.index)
    assert np.all(np.abs(sims.mean().to_numpy() - frame["mean"].to_numpy()) < 4.5 * se / np.sqrt(paths))
    assert np.all(np.abs(sims.sd().to_numpy() / se - 1) < 4.5 * np.sqrt(1 / (2 * paths)))


def simulated_llt(seed: int, n: int = 300):
    """Simulated local-linear-trend series with known variances (sim data, not real)."""
    rng = np.random.default_rng(seed)
    truth = {"sigma2.irregular": 1.0, "sigma2.level": 0.25, "sigma2.trend": 0.01}
    trend = np.cumsum(rng.normal(0, np.sqrt(truth["sigma2.trend"]), n))
    level = np.cumsum(trend + rng.normal(0, np.sqrt(truth["sigma2.level"]), n))
    x = rng.normal(size=n)
    y = level + 2.0 * x + rng.normal(0, 1.0, n)
    idx = pd.date_range("2000-01-01", periods=n, freq="MS")
    truth["beta.x"] = 2.0
    return pd.Series(y, index=idx, name="simulated_llt"), pd.DataFrame({"x": x}, index=idx), truth


@pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")  # the Gibbs chains of a trend variance mix slowly: truthfully flagged
def test_gibbs_posterior_concentrates_on_truth():
    y, x, truth = simulated_llt(21)
    post = UnobservedComponents(y, level="local linear trend", exog=x).fit_bayes(
        draws=1500, tune=500, chains=2, seed=5
    )
    draws = post.draws
    for name, value in truth.items():
        lo, hi = np.quantile(draws[name], [0.005, 0.995])
        assert lo < value < hi, (name, lo, value, hi)
    # the posterior is informative: the irregular variance is pinned within ±40%
    assert draws["sigma2.irregular"].std() < 0.4 * truth["sigma2.irregular"]
    assert abs(draws["beta.x"].mean() - 2.0) < 4 * draws["beta.x"].std()


@pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")  # sigma2.level mixes slowly under the vague default prior (R-hat ~1.02): flagged
def test_gibbs_agrees_with_mle_on_nile(nile_fit):
    # With ~100 observations and weak priors the posterior median of the
    # variances sits near the MLE (within a posterior sd).
    post = UnobservedComponents(load_nile()).fit_bayes(draws=3000, tune=500, chains=2, seed=8)
    for name in ("sigma2.irregular", "sigma2.level"):
        assert abs(post.draws[name].median() - nile_fit.params[name]) < post.draws[name].std()


@pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")  # 30 draws: too few, and flagged
def test_same_seed_same_draws_whatever_the_threads():
    y, x, _ = simulated_llt(2, n=80)
    model = UnobservedComponents(y, level="local linear trend", exog=x)
    runs = [model.fit_bayes(draws=30, tune=5, chains=4, seed=99, cores=k).draws for k in (1, 2, 4)]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(runs[0], other)
    fit = model.fit()
    future_x = x.iloc[:3].set_axis(future_index(y.index, 3))  # regressors for the forecast months
    sims = [fit.simulate(3, paths=50, seed=4, exog=future_x, cores=k).to_frame() for k in (1, 2, 4)]
    for other in sims[1:]:
        pd.testing.assert_frame_equal(sims[0], other)
    different = model.fit_bayes(draws=30, tune=5, chains=4, seed=100).draws
    assert not np.allclose(different.to_numpy(), runs[0].to_numpy())


@pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")  # sigma2.level mixes slowly under the vague default prior: flagged
def test_posterior_forecast_is_wider_than_plug_in(nile_fit):
    post = UnobservedComponents(load_nile()).fit_bayes(draws=2000, tune=300, chains=2, seed=1)
    bayes = post.forecast_summary(10, alpha=0.1, seed=2)
    plug = nile_fit.get_forecast(10).summary_frame()
    # parameter uncertainty widens the 10-step interval
    assert bayes["sd"].iloc[-1] > plug["mean_se"].iloc[-1]
    assert list(bayes.index) == list(plug.index)


def test_user_priors_are_used():
    y = load_nile()
    tight = {"sigma2.level": InverseGamma(1000.0, 1000.0 * 100.0)}  # concentrates near 100
    post = UnobservedComponents(y).fit_bayes(draws=500, tune=200, chains=1, seed=3, priors=tight)
    assert post.draws["sigma2.level"].median() == pytest.approx(100.0, rel=0.15)


def test_gibbs_matches_grid_posterior_on_nile():
    """The Gibbs posterior against the exact posterior computed on a grid.

    For the local-level model the posterior of (σ²_ε, σ²_η) is two-dimensional:
    p ∝ exp(ℓ(σ²_ε, σ²_η)) π(σ²_ε) π(σ²_η), evaluated on a log-spaced grid
    (with the Jacobian σ²_ε σ²_η) by brute force through the exact-diffuse
    likelihood — independent of the sampler.  Means agree within 0.1
    posterior sd and sds within 10%.
    """
    y = load_nile()
    model = UnobservedComponents(y)
    priors = {"sigma2.irregular": InverseGamma(2.0, 2.0 * 15000.0), "sigma2.level": InverseGamma(2.0, 2.0 * 1500.0)}
    log_e = np.linspace(np.log(4000), np.log(45000), 160)
    log_l = np.linspace(np.log(50), np.log(20000), 160)
    logpost = np.empty((log_e.size, log_l.size))
    for i, le in enumerate(log_e):
        for j, ll in enumerate(log_l):
            se, sl = np.exp(le), np.exp(ll)
            logprior = sum(
                -(p.shape + 1) * np.log(v) - p.scale / v
                for p, v in ((priors["sigma2.irregular"], se), (priors["sigma2.level"], sl))
            )
            logpost[i, j] = model.loglike([se, sl]) + logprior + le + ll
    w = np.exp(logpost - logpost.max())
    w /= w.sum()
    # the grid covers the posterior: negligible mass on its edges
    assert w[0, :].sum() + w[-1, :].sum() + w[:, 0].sum() + w[:, -1].sum() < 1e-3
    grid_e, grid_l = np.meshgrid(np.exp(log_e), np.exp(log_l), indexing="ij")
    exact = {}
    for name, g in (("sigma2.irregular", grid_e), ("sigma2.level", grid_l)):
        mean = float((w * g).sum())
        exact[name] = (mean, float(np.sqrt((w * (g - mean) ** 2).sum())))
    post = model.fit_bayes(draws=5000, tune=500, chains=4, seed=12, priors=priors)
    for name, (mean, sd) in exact.items():
        assert abs(post.draws[name].mean() - mean) < 0.1 * sd, name
        assert post.draws[name].std() == pytest.approx(sd, rel=0.1), name
