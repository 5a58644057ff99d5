"""summitcast's unobserved-components models against statsmodels on the same data.

For every component combination (levels and trends, dummy and trigonometric
seasonals, regression), with blocks of missing values: log-likelihood equal to
1e-6 relative and smoothed states equal to 1e-6 at the same parameters, and a
fitted optimum at least as good as statsmodels'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

sm = pytest.importorskip("statsmodels.api")

from summitcast.statespace import UnobservedComponents  # noqa: E402
from peers import quiet_peer

N = 120


def simulated_series(seed: int, missing: bool) -> tuple[pd.Series, pd.DataFrame]:
    """A simulated monthly series (trend + seasonal + regressors + noise)."""
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    level = np.cumsum(rng.normal(0.05, 0.3, N)) + 10
    season = 1.5 * np.sin(2 * np.pi * t / 12) + 0.5 * np.cos(4 * np.pi * t / 12)
    x = pd.DataFrame({"x1": rng.normal(size=N), "x2": np.linspace(0, 3, N) + rng.normal(0, 0.1, N)})
    y = level + season + 0.8 * x["x1"].to_numpy() - 0.4 * x["x2"].to_numpy() + rng.normal(0, 0.5, N)
    if missing:
        y[30:37] = np.nan  # a block
        y[[5, 50, 51, 90]] = np.nan  # scattered
    idx = pd.date_range("2010-01-01", periods=N, freq="MS")
    x.index = idx
    return pd.Series(y, index=idx, name="simulated_indicator"), x


CASES = [
    dict(level="local level"),
    dict(level="local linear trend"),
    dict(level="smooth trend"),
    dict(level="random walk with drift"),
    dict(level="fixed intercept"),
    dict(level="deterministic trend"),
    dict(level="random walk"),
    dict(level="local linear deterministic trend"),
    dict(level="random trend"),
    dict(level="deterministic constant"),
    dict(level="local level", seasonal=12),
    dict(level="local linear trend", seasonal=12),
    dict(level="local level", freq_seasonal=[{"period": 12, "harmonics": 2}]),
    dict(level="local linear trend", freq_seasonal=[{"period": 12, "harmonics": 6}]),
    dict(level="local level", seasonal=4, freq_seasonal=[{"period": 12, "harmonics": 1}]),
    dict(level="local level", exog=True),
    dict(level="local linear trend", seasonal=12, exog=True),
    dict(level="local level", seasonal=12, stochastic_seasonal=False),
]


def build(case: dict, missing: bool):
    y, x = simulated_series(7, missing)
    kwargs = dict(case)
    exog = x if kwargs.pop("exog", False) else None
    if kwargs.get("level") in ("fixed intercept", "fixed slope"):
        # neither library accepts a model with no stochastic element silently
        with pytest.warns(UserWarning, match="no stochastic element"):
            ours = UnobservedComponents(y, exog=exog, **kwargs)
        with pytest.warns(Warning, match="irregular component added"):
            sm_model = sm.tsa.UnobservedComponents(y, exog=exog, use_exact_diffuse=True, **kwargs)
        return ours, sm_model
    ours = UnobservedComponents(y, exog=exog, **kwargs)
    with quiet_peer():
        sm_model = sm.tsa.UnobservedComponents(y, exog=exog, use_exact_diffuse=True, **kwargs)
    return ours, sm_model


def case_id(case: dict) -> str:
    return "-".join(f"{k}={v}" for k, v in case.items()).replace(" ", "_")


@pytest.mark.parametrize("missing", [False, True], ids=["complete", "missing"])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_loglike_and_smoother_match_statsmodels(case, missing):
    ours, theirs = build(case, missing)
    assert ours.param_names == list(theirs.param_names)
    rng = np.random.default_rng(1)
    params = np.abs(ours.start_params.to_numpy()) * rng.uniform(0.5, 2.0, ours.k_params)
    ll_ours = ours.loglike(params)
    with quiet_peer():
        ll_theirs = theirs.loglike(params)
    assert ll_ours == pytest.approx(ll_theirs, rel=1e-6)

    res_ours = ours.smooth(params)
    with quiet_peer():
        res_theirs = theirs.smooth(params)
    state_theirs = res_theirs.smoothed_state.T  # (n, m)
    assert np.allclose(res_ours.smoothed_state.to_numpy(), state_theirs, rtol=1e-6, atol=1e-6 * np.abs(state_theirs).max())
    # disturbance smoother
    eps_theirs = res_theirs.smoothed_measurement_disturbance[0]
    eps_theirs = np.where(np.isnan(ours.endog), 0.0, eps_theirs)
    assert np.allclose(res_ours.smoothed_obs_disturbance.to_numpy(), eps_theirs, rtol=1e-6,
                       atol=1e-6 * (np.abs(eps_theirs).max() + 1e-12))
    eta_ours = res_ours.smoothed_state_disturbance.to_numpy()
    eta_theirs = res_theirs.smoothed_state_disturbance.T[:, : eta_ours.shape[1]]
    if eta_ours.size:
        assert np.allclose(eta_ours, eta_theirs, rtol=1e-6, atol=1e-6 * (np.abs(eta_theirs).max() + 1e-12))


@pytest.mark.parametrize("case", CASES[:11] + [CASES[13]], ids=[case_id(c) for c in CASES[:11] + [CASES[13]]])
def test_fit_at_least_as_good_as_statsmodels(case):
    ours, theirs = build(case, missing=True)
    fit_ours = ours.fit()
    with quiet_peer():
        fit_theirs = theirs.fit(disp=False, maxiter=1000)
    assert fit_ours.llf >= fit_theirs.llf - 1e-4
    # information criteria by statsmodels' conventions, at our optimum
    with quiet_peer():
        at_ours = theirs.smooth(fit_ours.params.to_numpy())
    assert fit_ours.aic == pytest.approx(at_ours.aic, rel=1e-9)
    # statsmodels' BIC counts missing rows among the observations; ours (and
    # Durbin & Koopman's) counts only the observed values
    n_observed = int(np.sum(~np.isnan(ours.endog)))
    assert fit_ours.bic == pytest.approx(-2 * fit_ours.llf + at_ours.df_model * np.log(n_observed), rel=1e-12)


def test_forecast_matches_statsmodels():
    ours, theirs = build(dict(level="local linear trend", seasonal=12, exog=True), missing=True)
    params = ours.start_params.to_numpy() * 1.3
    _, x = simulated_series(8, False)
    future = x.iloc[:6].copy()
    future.index = pd.date_range("2020-01-01", periods=6, freq="MS")
    f_ours = ours.smooth(params).get_forecast(6, exog=future).summary_frame()
    with quiet_peer():
        f_theirs = theirs.smooth(params).get_forecast(6, exog=future).summary_frame()
    assert list(f_ours.index) == list(f_theirs.index)
    assert np.allclose(f_ours["mean"], f_theirs["mean"], rtol=1e-7)
    assert np.allclose(f_ours["mean_se"], f_theirs["mean_se"], rtol=1e-6)


def test_smoothed_state_cov_matches_statsmodels():
    ours, theirs = build(dict(level="local linear trend", seasonal=4), missing=True)
    params = ours.start_params.to_numpy()
    cov_ours = ours.smooth(params).smoothed_state_cov
    with quiet_peer():
        cov_theirs = theirs.smooth(params).smoothed_state_cov.transpose(2, 0, 1)
    # the first few points sit in the diffuse period, where both are exact
    assert np.allclose(cov_ours, cov_theirs, rtol=1e-6, atol=1e-8 * np.abs(cov_theirs).max())


def test_approximate_diffuse_matches_statsmodels():
    y, _ = simulated_series(3, True)
    ours = UnobservedComponents(y, level="local linear trend", seasonal=12, diffuse="approximate")
    with quiet_peer():
        theirs = sm.tsa.UnobservedComponents(y, level="local linear trend", seasonal=12)
    params = ours.start_params.to_numpy()
    with quiet_peer():
        ll_theirs = theirs.loglike(params)
    assert ours.loglike(params) == pytest.approx(ll_theirs, rel=1e-6)


def test_standard_errors_match_statsmodels_hessian():
    y = pd.Series(sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float))
    ours = UnobservedComponents(y).fit()
    with quiet_peer():
        theirs = sm.tsa.UnobservedComponents(y, "local level", use_exact_diffuse=True).smooth(
            ours.params.to_numpy(), cov_type="approx"
        )
    assert np.allclose(ours.bse.to_numpy(), theirs.bse, rtol=1e-3)


@pytest.mark.parametrize("missing", [False, True], ids=["complete", "missing"])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_analytic_score_matches_finite_differences(case, missing):
    """The score from the backward pass (used by fit) against central differences."""
    ours, _ = build(case, missing)
    params = np.abs(ours.start_params.to_numpy()) * np.random.default_rng(2).uniform(0.5, 2.0, ours.k_params)
    score = ours._model.score(params)
    fd = np.empty_like(params)
    for k in range(params.size):
        h = 1e-6 * max(1.0, abs(params[k]))
        up, down = params.copy(), params.copy()
        up[k] += h
        down[k] -= h
        fd[k] = (ours.loglike(up) - ours.loglike(down)) / (2 * h)
    assert np.allclose(score, fd, rtol=1e-4, atol=1e-4 * np.abs(fd).max())


# Missing-value patterns that exercise the structured filter's moving frame:
# months missing in the diffuse period, runs of consecutive misses shorter
# and longer than the dummy seasonal's 11 states (its relabelling wraps
# round), misses on both sides of the frame's 16-step anchors, and the last
# month missing (the filter ends inside the frame).
PATTERNS = {
    "diffuse": [0, 2, 3, 9],
    "runs": list(range(40, 42)) + list(range(100, 103)) + list(range(200, 212)) + list(range(300, 313)),
    "anchors": [47, 48, 63, 64, 65, 79, 80, 400, 401, 415, 416],
    "last": [598, 599],
}


@pytest.mark.parametrize("pattern", list(PATTERNS), ids=list(PATTERNS))
@pytest.mark.parametrize("trig", [False, True], ids=["dummy_seasonal", "trig_seasonal_and_x"])
def test_loglike_matches_statsmodels_with_missing_patterns(trig, pattern):
    n = 600
    rng = np.random.default_rng(11)
    t = np.arange(n)
    x = pd.DataFrame({"x": np.cos(t / 7.0)}, index=pd.date_range("1950-01-01", periods=n, freq="MS"))
    y = np.cumsum(rng.normal(0, 0.2, n)) + 2 * np.sin(2 * np.pi * t / 12) + 1.5 * x["x"].to_numpy() + rng.normal(0, 0.5, n)
    y[PATTERNS[pattern]] = np.nan
    y = pd.Series(y, index=x.index, name="simulated")
    if trig:
        kw, exog, params = dict(freq_seasonal=[{"period": 12, "harmonics": 5}]), x, [0.25, 0.04, 1e-4, 0.001, 1.5]
    else:
        kw, exog, params = dict(seasonal=12), None, [0.25, 0.04, 1e-4, 0.01]
    ours = UnobservedComponents(y, exog=exog, level="local linear trend", **kw)
    with quiet_peer():
        theirs = sm.tsa.UnobservedComponents(y, exog=exog, level="local linear trend", use_exact_diffuse=True, **kw)
        ll_theirs = theirs.loglike(np.array(params))
    assert ours.loglike(np.array(params)) == pytest.approx(ll_theirs, rel=1e-10)
