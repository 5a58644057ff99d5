"""INGARCH count models against published tscount results, statsmodels GLMs,
finite differences, brute-force distribution sums and simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scipy.stats as st
import statsmodels.api as sm

import summitcast.counts as sc
from summitcast import _core
from peers import quiet_peer

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def seatbelts():
    d = pd.read_csv(DATA / "seatbelts.csv", parse_dates=["month"]).set_index("month").asfreq("MS")
    y = d.loc[:"1981-12", "VanKilled"]
    X = pd.DataFrame(
        {"PetrolPrice": d.loc[:"1981-12", "PetrolPrice"], "linearTrend": np.arange(1, len(y) + 1) / 12}, index=y.index
    )
    return y, X, d


# Published (Liboschik, Fokianos & Fried 2017, JSS 82(5), section 6; tscount
# vignette): tsglm(VanKilled until Dec 1981, past_obs = c(1, 12), xreg =
# (PetrolPrice, t/12), link = "log", distr = "poisson"), init.method = "marginal".
TSCOUNT_SEATBELTS = {"intercept": 1.8347, "beta_1": 0.0866, "beta_12": 0.1535, "PetrolPrice": 0.7787, "linearTrend": -0.0303}


def test_seatbelts_plugin_matches_published_tscount(seatbelts):
    y, X, _ = seatbelts
    assert len(y) == 156
    res = sc.INGARCH(y, past_obs=[1, 12], exog=X).fit(presample="plugin")
    # tscount's estimates solve its score equation, which holds the pre-sample
    # values at the estimate ("plugin").  The published figures have 4 decimals
    # and come from constrOptim with reltol 1e-8 on a likelihood that is very
    # flat along PetrolPrice (s.e. 2.4), hence 1e-3.
    for name, value in TSCOUNT_SEATBELTS.items():
        assert res.params[name] == pytest.approx(value, abs=1e-3), name
    assert round(res.llf, 1) == -396.2
    assert round(res.aic, 1) == 802.4
    assert round(res.bic, 1) == 817.6
    assert res.nobs == 156
    assert res.converged


def test_seatbelts_likelihood_definition_and_exact_mle(seatbelts):
    y, X, _ = seatbelts
    model = sc.INGARCH(y, past_obs=[1, 12], exog=X)
    published = np.array(list(TSCOUNT_SEATBELTS.values()))
    # The likelihood at tscount's published estimates is tscount's published value.
    ll_pub = model.loglike(published)
    assert round(ll_pub, 1) == -396.2
    # Other pre-sample conventions give other values (the vignette's point).
    assert abs(sc.INGARCH(y, past_obs=[1, 12], exog=X, init="iid").loglike(published) - ll_pub) > 0.1
    exact = model.fit()
    assert exact.converged
    assert exact.llf >= ll_pub  # the MLE is at least as likely
    assert np.max(np.abs(exact.score)) < 1e-3
    # ... and within one standard error of tscount's estimates in every coordinate.
    assert np.all(np.abs(exact.params.to_numpy() - published) < exact.bse.to_numpy())


CASES = [
    (link, family, init, past_mean)
    for link in ("log", "identity")
    for family in ("poisson", "negbin")
    for init, past_mean in (("marginal", [1]), ("iid", [1, 2]), ("firstobs", None))
]


@pytest.mark.parametrize("link,family,init,past_mean", CASES)
def test_score_matches_finite_differences(link, family, init, past_mean):
    rng = np.random.default_rng(3)
    n = 120
    x = np.abs(rng.normal(size=(n, 1))) if link == "identity" else rng.normal(size=(n, 1))
    q = 0 if past_mean is None else len(past_mean)
    if link == "log":
        params = [0.5, 0.3, 0.1] + [0.2 / max(q, 1)] * q + [0.2]
    else:
        params = [1.0, 0.3, 0.1] + [0.2 / max(q, 1)] * q + [0.5]
    if family == "negbin":
        params.append(0.4)
    y = sc.simulate_ingarch(params, n, past_obs=[1, 3], past_mean=past_mean, exog=x, link=link, family=family, seed=5)
    model = sc.INGARCH(y, past_obs=[1, 3], past_mean=past_mean, exog=x, link=link, family=family, init=init)
    th = np.array(params) * 1.07  # away from the data-generating values
    ll, grad = model.loglike_and_score(th)
    assert np.isfinite(ll)
    fd = np.empty_like(th)
    for j in range(len(th)):
        h = 1e-6 * max(1.0, abs(th[j]))
        e = np.zeros_like(th)
        e[j] = h
        fd[j] = (model.loglike(th + e) - model.loglike(th - e)) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(fd).max()))


def _lagged_design(y: np.ndarray, lags: list[int]) -> tuple[np.ndarray, np.ndarray]:
    m = max(lags)
    cols = [np.ones(len(y) - m)] + [np.log1p(y[m - k : len(y) - k]) for k in lags]
    return y[m:], np.column_stack(cols)


def test_poisson_log_link_equals_statsmodels_glm():
    y = sc.simulate_ingarch([0.6, 0.35, 0.2], 500, past_obs=[1, 2], seed=11)
    res = sc.INGARCH(y, past_obs=[1, 2], init_drop=True).fit()
    yy, D = _lagged_design(y.to_numpy(), [1, 2])
    with quiet_peer():
        glm = sm.GLM(yy, D, family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(res.params.to_numpy(), glm.params, rtol=1e-6, atol=1e-7)
    assert res.llf == pytest.approx(glm.llf, rel=1e-10)
    np.testing.assert_allclose(res.bse.to_numpy(), glm.bse, rtol=1e-4)
    assert res.nobs == 498


def test_negbin_log_link_equals_statsmodels_nb2():
    y = sc.simulate_ingarch([0.8, 0.4, 0.5], 600, past_obs=[1], family="negbin", seed=12)
    res = sc.INGARCH(y, past_obs=1, family="negbin", init_drop=True).fit()
    yy, D = _lagged_design(y.to_numpy(), [1])
    with quiet_peer():
        nb = sm.NegativeBinomial(yy, D, loglike_method="nb2").fit(disp=0, method="bfgs", maxiter=2000, gtol=1e-10)
    np.testing.assert_allclose(res.params.to_numpy(), nb.params, rtol=1e-5, atol=1e-6)
    assert res.llf == pytest.approx(nb.llf, rel=1e-9)
    np.testing.assert_allclose(res.bse.to_numpy(), nb.bse, rtol=2e-3)


@pytest.mark.parametrize("link,family", [("log", "poisson"), ("identity", "negbin")])
def test_interval_coverage_over_repeated_simulations(link, family):
    # INGARCH(1,1): 60 simulated series of 400; 95% Wald intervals of all
    # parameters pooled.  Binomial sd of the pooled rate is about 1.3 points.
    truth = [0.4, 0.3, 0.4] if link == "log" else [1.5, 0.3, 0.4]
    if family == "negbin":
        truth.append(0.3)
    hits, total = 0, 0
    for rep in range(60):
        y = sc.simulate_ingarch(truth, 400, past_obs=1, past_mean=1, link=link, family=family, seed=1000 + rep)
        res = sc.INGARCH(y, past_obs=1, past_mean=1, link=link, family=family).fit()
        ci = res.conf_int()
        inside = (ci["lower"].to_numpy() <= truth) & (np.array(truth) <= ci["upper"].to_numpy())
        hits += int(inside.sum())
        total += len(truth)
    rate = hits / total
    assert 0.89 <= rate <= 0.99, rate


def test_identity_link_boundary_warning():
    rng = np.random.default_rng(8)
    y = pd.Series(rng.poisson(4.0, size=300).astype(float))  # i.i.d.: no feedback to find
    with pytest.warns(sc.BoundaryWarning, match="boundary"):
        res = sc.INGARCH(y, past_obs=[1, 2, 3], link="identity").fit()
    assert res.at_boundary
    assert np.all(res.params.to_numpy() >= 0)


def test_forecast_against_exact_moments():
    truth = [2.0, 0.35, 0.4]  # identity link: E[Y_{n+h}] = β0 + (β1 + α1) E[Y_{n+h−1}]
    idx = pd.date_range("2000-01-01", periods=300, freq="MS")
    y = sc.simulate_ingarch(truth, 300, past_obs=1, past_mean=1, link="identity", seed=21, index=idx)
    res = sc.INGARCH(y, past_obs=1, past_mean=1, link="identity").fit()
    fc = res.get_forecast(6, paths=20000, seed=4)
    assert list(fc.index) == list(pd.date_range("2025-01-01", periods=6, freq="MS"))
    b0, b1, a1 = res.params.to_numpy()
    lam_next = b0 + b1 * y.iloc[-1] + a1 * res.fittedvalues.iloc[-1]
    assert fc.lambda_paths.iloc[:, 0].to_numpy() == pytest.approx(lam_next, rel=1e-12)
    expected = [lam_next]
    for _ in range(5):
        expected.append(b0 + (b1 + a1) * expected[-1])
    sf = fc.summary_frame()
    np.testing.assert_allclose(fc.draws.mean(axis=0).to_numpy(), expected, rtol=0.02)
    np.testing.assert_allclose(sf["mean"].to_numpy(), expected, rtol=0.01)
    # One step ahead the predictive law is Poisson(λ_{n+1}) exactly.
    assert fc.prob_at_least(10).iloc[0] == pytest.approx(st.poisson.sf(9, lam_next), rel=1e-10)
    assert sf["median"].iloc[0] == st.poisson.ppf(0.5, lam_next)
    # Same seed, same paths; another seed, other paths.
    again = res.get_forecast(6, paths=20000, seed=4)
    assert np.array_equal(again.draws.to_numpy(), fc.draws.to_numpy())
    assert not np.array_equal(res.get_forecast(6, paths=20000, seed=5).draws.to_numpy(), fc.draws.to_numpy())


def test_negbin_draws_match_distribution():
    # h = 1 draws all come from NB2(λ, α): compare mean, variance and P(Y = 0).
    y = sc.simulate_ingarch([1.0, 0.3, 0.6], 400, past_obs=1, family="negbin", seed=2)
    res = sc.INGARCH(y, past_obs=1, family="negbin").fit()
    fc = res.get_forecast(1, paths=100000, seed=9)
    lam = fc.lambda_paths.iloc[0, 0]
    a = res.params["nb_alpha"]
    size = 1 / a
    d = fc.draws.iloc[:, 0].to_numpy()
    assert d.mean() == pytest.approx(lam, rel=0.02)
    assert d.var() == pytest.approx(lam + a * lam**2, rel=0.04)
    assert np.mean(d == 0) == pytest.approx(st.nbinom.pmf(0, size, size / (size + lam)), abs=0.005)
    assert fc.prob_at_least(5).iloc[0] == pytest.approx(st.nbinom.sf(4, size, size / (size + lam)), rel=1e-9)


def test_pit_and_scores_against_brute_force(seatbelts):
    y, X, _ = seatbelts
    res = sc.INGARCH(y, past_obs=[1, 12], exog=X).fit()
    lam = res.fittedvalues.to_numpy()
    yy = y.to_numpy()
    # Brute force with scipy: PIT CDF averaged over t at the bin edges.
    P0, P1 = st.poisson.cdf(yy - 1, lam), st.poisson.cdf(yy, lam)
    u = np.linspace(0, 1, 11)
    Fbar = np.array([np.mean(np.clip((v - P0) / (P1 - P0), 0, 1)) for v in u])
    np.testing.assert_allclose(res.pit().to_numpy(), np.diff(Fbar), atol=1e-12)
    ks = np.arange(0, 200)
    rps = np.mean([np.sum((st.poisson.cdf(ks, lt) - (yt <= ks)) ** 2) for yt, lt in zip(yy, lam)])
    s = res.scores()
    assert s["rps"] == pytest.approx(rps, rel=1e-9)
    assert s["log_score"] == pytest.approx(-np.mean(st.poisson.logpmf(yy, lam)), rel=1e-12)
    assert s["log_score"] == pytest.approx(-res.llf / res.nobs, rel=1e-12)


def test_pit_is_flat_for_the_true_model_and_not_for_a_wrong_one():
    y = sc.simulate_ingarch([0.3, 0.5, 0.3, 0.5], 3000, past_obs=1, past_mean=1, family="negbin", seed=31)
    right = sc.INGARCH(y, past_obs=1, past_mean=1, family="negbin").fit().pit()
    with np.errstate(all="ignore"):
        wrong = sc.INGARCH(y, past_obs=1, past_mean=1, family="poisson").fit().pit()
    assert np.max(np.abs(right - 0.1)) < 0.02
    assert np.max(np.abs(wrong - 0.1)) > 0.04  # overdispersion: a U-shaped histogram


def test_forecast_scores_use_the_predictive_distribution():
    y = sc.simulate_ingarch([0.5, 0.5], 300, past_obs=1, seed=3)
    res = sc.INGARCH(y, past_obs=1).fit()
    fc = res.get_forecast(2, paths=4000, seed=1)
    obs = [3, 0]
    s = fc.score(obs)
    lam = fc.lambda_paths.iloc[:, 0].iloc[0]
    assert s["log_score"].iloc[0] == pytest.approx(-st.poisson.logpmf(3, lam), rel=1e-10)
    x = fc.draws.iloc[:, 1].to_numpy()
    ks = np.arange(0, x.max() + 2)
    ecdf = np.array([np.mean(x <= k) for k in ks])
    assert s["rps"].iloc[1] == pytest.approx(np.sum((ecdf - (obs[1] <= ks)) ** 2), rel=1e-9)


def test_intervention_covariates_and_recovery():
    idx = pd.date_range("2010-01-01", periods=240, freq="MS")
    level = sc.intervention(idx, "2015-01-01", "level")
    spike = sc.intervention(idx, "2015-01-01", "spike")
    decay = sc.intervention(idx, "2015-01-01", "decay", delta=0.5)
    k = idx.get_loc(pd.Timestamp("2015-01-01"))
    assert level.iloc[k - 1] == 0 and level.iloc[k:].eq(1).all()
    assert spike.sum() == 1 and spike.iloc[k] == 1
    np.testing.assert_allclose(decay.iloc[k : k + 4], [1, 0.5, 0.25, 0.125])
    assert decay.iloc[:k].eq(0).all()
    X = pd.concat([level], axis=1)
    y = sc.simulate_ingarch([0.8, 0.3, 0.7], 240, past_obs=1, exog=X, seed=4, index=idx)
    res = sc.INGARCH(y, past_obs=1, exog=X).fit()
    ci = res.conf_int()
    assert ci.loc["level_2015-01-01", "lower"] < 0.7 < ci.loc["level_2015-01-01", "upper"]
    assert ci.loc["level_2015-01-01", "lower"] > 0  # the shift is detected
    with pytest.raises(ValueError, match="delta"):
        sc.intervention(idx, "2015-01-01", "decay", delta=1.5)
    with pytest.raises(ValueError, match="kind"):
        sc.intervention(idx, "2015-01-01", "ramp")


def test_results_presentation(seatbelts):
    y, X, _ = seatbelts
    res = sc.INGARCH(y, past_obs=[1, 12], exog=X).fit()
    text = res.summary()
    for name in res.params.index:
        assert name in text
    assert f"{res.llf:.4f}" in text and "BIC" in text
    assert "<table>" in res._repr_html_() and "PetrolPrice" in res._repr_html_()
    assert isinstance(res.params, pd.Series) and res.fittedvalues.index.equals(y.index)
    import matplotlib

    matplotlib.use("Agg")
    ax = res.plot()
    assert len(ax.get_lines()) == 2
    fc = res.get_forecast(3, exog=np.column_stack([[1.0, 1.0, 1.0], [13.1, 13.2, 13.3]]), paths=50, seed=0)
    assert len(fc.plot().get_lines()) == 1


# -- bad input ---------------------------------------------------------------------

def test_bad_counts_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match=r"endog .*non-negative integer.*-1"):
        sc.INGARCH([1, 2, -1, 3] * 5)
    with pytest.raises(ValueError, match=r"endog .*non-negative integer.*2\.5"):
        sc.INGARCH([1, 2, 2.5, 3] * 5)
    with pytest.raises(ValueError, match=r"endog has 2 missing value\(s\) \(first at 2\)"):
        sc.INGARCH([1, 2, np.nan, 3, np.nan] * 1 + [1] * 10)
    with pytest.raises(TypeError, match="endog"):
        sc.INGARCH(["a", "b"] * 10)
    with pytest.raises(ValueError, match=r"endog .*inf"):
        sc.INGARCH([1, np.inf] * 10)
    # The C++ layer refuses them too, naming endog.
    with pytest.raises(ValueError, match="endog"):
        _core.counts.ingarch_loglike(np.array([1.0, -2.0, 3.0, 4.0]), np.zeros((4, 0)), np.array([0.1, 0.1]), [1], [], "log", "poisson", "marginal", False)


def test_bad_model_arguments():
    y = pd.Series(np.arange(30) % 5, dtype=float)
    with pytest.raises(ValueError, match="link"):
        sc.INGARCH(y, link="logit")
    with pytest.raises(ValueError, match="family"):
        sc.INGARCH(y, family="binomial")
    with pytest.raises(ValueError, match="init"):
        sc.INGARCH(y, init="mean")
    with pytest.raises(ValueError, match="past_obs"):
        sc.INGARCH(y, past_obs=[0, 1])
    with pytest.raises(ValueError, match="past_mean"):
        sc.INGARCH(y, past_mean=[1, 1])
    with pytest.raises(ValueError, match="exog must have 30 rows"):
        sc.INGARCH(y, exog=np.ones(10))
    with pytest.raises(ValueError, match="exog has NaN or infinite values in 1 row"):
        sc.INGARCH(y, exog=np.r_[np.ones(29), np.nan])
    with pytest.raises(ValueError, match="negative values"):
        sc.INGARCH(y, exog=np.r_[np.ones(29), -1.0], link="identity")
    with pytest.raises(ValueError, match="usable observations"):
        sc.INGARCH([1.0, 2.0, 3.0], past_obs=[1, 2])


def test_explosive_or_inadmissible_start_values():
    y = sc.simulate_ingarch([0.5, 0.4, 0.3], 200, past_obs=1, past_mean=1, seed=1)
    model = sc.INGARCH(y, past_obs=1, past_mean=1)
    with pytest.raises(ValueError, match=r"start_params is explosive"):
        model.fit(start_params=[0.5, 0.7, 0.6])
    with pytest.raises(ValueError, match="start_params must have 3 values"):
        model.fit(start_params=[0.5, 0.2])
    ident = sc.INGARCH(y, past_obs=1, past_mean=1, link="identity")
    with pytest.raises(ValueError, match="start_params has a negative coefficient"):
        ident.fit(start_params=[1.0, -0.1, 0.3])
    with pytest.raises(ValueError, match="start_params has a non-positive intercept"):
        ident.fit(start_params=[0.0, 0.1, 0.3])
    with pytest.raises(ValueError, match="presample"):
        model.fit(presample="drop")


def test_bad_forecast_arguments(seatbelts):
    y, X, _ = seatbelts
    res = sc.INGARCH(y, past_obs=[1, 12], exog=X).fit()
    with pytest.raises(ValueError, match="exog must be given"):
        res.get_forecast(3)
    with pytest.raises(ValueError, match="exog must have 3 rows"):
        res.get_forecast(3, exog=np.ones((2, 2)))
    with pytest.raises(ValueError, match="steps"):
        res.get_forecast(0, exog=np.ones((0, 2)))
    with pytest.raises(ValueError, match="seed"):
        res.get_forecast(1, exog=np.ones((1, 2)), seed=-1)
    fc = res.get_forecast(2, exog=np.ones((2, 2)), paths=10)
    with pytest.raises(ValueError, match="observed"):
        fc.score([1])
    with pytest.raises(TypeError, match="k must be an integer"):
        fc.prob_at_least(2.5)


def _numpy_ingarch_loglike(theta, y, past_obs, past_mean, link, family):
    """Independent oracle: the INGARCH likelihood by a plain Python loop with
    scipy's distributions (marginal pre-sample values, no covariates)."""
    p, q = len(past_obs), len(past_mean)
    b0, beta, alpha = theta[0], theta[1 : 1 + p], theta[1 + p : 1 + p + q]
    g = np.log1p(y) if link == "log" else y.astype(float)
    pre = b0 / (1 - beta.sum() - alpha.sum())
    nu = np.empty(len(y))
    ll = 0.0
    for t in range(len(y)):
        v = b0
        v += sum(beta[i] * (g[t - k] if t - k >= 0 else pre) for i, k in enumerate(past_obs))
        v += sum(alpha[i] * (nu[t - k] if t - k >= 0 else pre) for i, k in enumerate(past_mean))
        nu[t] = v
        lam = np.exp(v) if link == "log" else v
        if family == "poisson":
            ll += st.poisson.logpmf(y[t], lam)
        else:
            size = 1 / theta[-1]
            ll += st.nbinom.logpmf(y[t], size, size / (size + lam))
    return ll


@pytest.mark.parametrize("link,family,truth", [("identity", "negbin", [1.0, 0.25, 0.45, 0.2]), ("log", "poisson", [0.4, 0.3, 0.4])])
def test_feedback_model_against_scipy_optimiser_on_numpy_likelihood(link, family, truth):
    from scipy.optimize import minimize

    y = sc.simulate_ingarch(truth, 250, past_obs=[1], past_mean=[2], link=link, family=family, seed=77)
    res = sc.INGARCH(y, past_obs=[1], past_mean=[2], link=link, family=family).fit()
    yv = y.to_numpy()
    assert res.llf == pytest.approx(_numpy_ingarch_loglike(res.params.to_numpy(), yv, [1], [2], link, family), rel=1e-10)
    bounds = [(1e-6, None), (0, 0.999), (0, 0.999)] if link == "identity" else [(None, None), (-0.999, 0.999), (-0.999, 0.999)]
    if family == "negbin":
        bounds.append((1e-6, None))
    x0 = np.array(truth) * 0.9
    ref = minimize(lambda th: -_numpy_ingarch_loglike(th, yv, [1], [2], link, family), x0, method="L-BFGS-B",
                   bounds=bounds, options={"ftol": 1e-13, "gtol": 1e-9, "maxiter": 2000})
    assert -ref.fun <= res.llf + 1e-7  # ours is at least as high
    assert res.llf == pytest.approx(-ref.fun, abs=1e-5)
    assert np.all(np.abs(res.params.to_numpy() - ref.x) <= 2e-3 * np.maximum(1, np.abs(ref.x))), (res.params, ref.x)
