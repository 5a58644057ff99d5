"""Temporal aggregation (TemporalAggregation): a dense brute-force oracle, the
equivalence with UnobservedComponents when every month is observed,
simulation calibration of the intervals, the adding-up property, the results
API and bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitcast._common.seeds import generator
from summitcast._common.summary import Summary
from summitcast.statespace import TemporalAggregation, UnobservedComponents

# -- the dense oracle ----------------------------------------------------------
# Local linear trend + dummy seasonal of period 3 + irregular, written out by
# hand: state [level, slope, gamma_1, gamma_2].
T = np.array([[1.0, 1, 0, 0], [0, 1, 0, 0], [0, 0, -1, -1], [0, 0, 1, 0]])
R = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]])
Z = np.array([1.0, 0, 1, 0])
PARAMS = {"sigma2.irregular": 0.3, "sigma2.level": 0.1, "sigma2.trend": 0.01, "sigma2.seasonal": 0.05}
KAPPA = 1e7  # variance of the (approximately) diffuse initial state in the oracle


def dense_flows(n: int, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x = X u with u = [alpha_1, eta_1..eta_{n-1}, eps_1..eps_n] and Cov(u)."""
    m, r = 4, 3
    k = m + r * (n - 1) + n
    X = np.zeros((n, k))
    A = np.zeros((m, k))  # alpha_t as a linear map of u
    A[:, :m] = np.eye(m)
    for t in range(n):
        X[t] = scale[t] * (Z @ A)
        X[t, m + r * (n - 1) + t] = scale[t]
        if t + 1 < n:
            A = T @ A
            A[:, m + r * t: m + r * (t + 1)] += R
    q = [PARAMS["sigma2.level"], PARAMS["sigma2.trend"], PARAMS["sigma2.seasonal"]]
    cov = np.diag(np.r_[np.full(m, KAPPA), np.tile(q, n - 1), np.full(n, PARAMS["sigma2.irregular"])])
    return X, cov


def oracle(y: pd.Series, aggregates: pd.Series, how: str, scale: np.ndarray):
    """E(x | data), sd(x | data) and the exact-diffuse log-likelihood by
    conditioning the joint Gaussian directly."""
    n = y.size
    X, cov = dense_flows(n, scale)
    rows, values = [], []
    for t in np.flatnonzero(~np.isnan(y.to_numpy())):
        rows.append(X[t])
        values.append(y.iloc[t])
    months = y.index.to_period("M")
    for period, value in aggregates.items():
        inside = np.flatnonzero((months.start_time >= period.start_time) & (months.end_time <= period.end_time))
        if not np.isnan(y.to_numpy()[inside]).any():
            continue  # a fully observed period adds nothing
        w = 1.0 if how == "sum" else 1.0 / inside.size
        rows.append(w * X[inside].sum(axis=0))
        values.append(value)
    G = np.array(rows)
    obs = np.array(values)
    S = G @ cov @ G.T
    C = X @ cov @ G.T
    mean = C @ np.linalg.solve(S, obs)
    var = np.einsum("ij,jk,ik->i", X, cov, X) - np.einsum("ij,ji->i", C, np.linalg.solve(S, C.T))
    _, logdet = np.linalg.slogdet(S)
    loglike = -0.5 * (obs.size * np.log(2 * np.pi) + logdet + obs @ np.linalg.solve(S, obs))
    return mean, np.sqrt(np.maximum(var, 0.0)), loglike + 0.5 * 4 * np.log(KAPPA)


def small_problem(how: str):
    index = pd.date_range("2020-01-01", periods=12, freq="MS", name="month")
    rng = generator(20260101, "aggregation-oracle")
    x = 10 + np.cumsum(rng.normal(0, 1, 12))
    scale = 1.0 + 0.1 * np.arange(12)
    y = pd.Series(x, index=index, name="flow")
    quarters = pd.period_range("2020Q1", "2020Q4", freq="Q")
    totals = np.array([x[3 * q: 3 * q + 3].sum() for q in range(4)])
    aggregates = pd.Series(totals if how == "sum" else totals / 3, index=quarters)
    aggregates.iloc[3] += 1.5  # the aggregates need not be the sums of x
    hidden = y.copy()
    hidden.iloc[5:] = np.nan   # Q1 fully observed (redundant), Q2 partly, Q3 not at all,
    hidden.iloc[9] = x[9]      # Q4 partly (one month observed)
    return hidden, aggregates, scale


@pytest.mark.parametrize("how", ["sum", "mean"])
def test_matches_dense_gaussian_conditioning(how):
    y, aggregates, scale = small_problem(how)
    model = TemporalAggregation(y, aggregates, how=how, level="local linear trend", seasonal=3, scale=scale)
    assert model.n_redundant == 1 and model.layout["used"].tolist() == [False, True, True, True]
    res = model.smooth(pd.Series(PARAMS))
    mean, sd, loglike = oracle(y, aggregates, how, scale)
    np.testing.assert_allclose(res.smoothed["mean"].to_numpy(), mean, rtol=1e-6, atol=1e-6)
    # variances: the oracle's are good to ~1e-6 absolute (the finite kappa)
    np.testing.assert_allclose(res.smoothed["se"].to_numpy() ** 2, sd**2, rtol=1e-5, atol=1e-5)
    assert res.llf == pytest.approx(loglike, abs=1e-5)
    # observed months are kept as observed, with no uncertainty
    observed = ~np.isnan(y.to_numpy())
    np.testing.assert_array_equal(res.smoothed["mean"].to_numpy()[observed], y.to_numpy()[observed])
    assert (res.smoothed["se"].to_numpy()[observed] == 0).all()
    # month 6 completes the partly observed Q2, so the Q2 aggregate pins it down
    assert res.smoothed["se"].iloc[5] < 1e-6
    assert (res.smoothed["se"].to_numpy()[[6, 7, 8, 10, 11]] > 0.5).all()


def test_every_month_observed_is_unobserved_components(shared_data):
    monthly = pd.read_csv(shared_data / "trade_monthly" / "korea-china-trade-data.csv", dtype={"Date": str})
    index = pd.date_range("2001-01-01", periods=len(monthly), freq="MS", name="month")
    y = pd.Series(monthly["Exports"].to_numpy(float) / 1e3, index=index, name="exports")  # million USD
    no_aggregates = pd.Series([], dtype=float, index=pd.PeriodIndex([], freq="Y"))
    ta = TemporalAggregation(y, no_aggregates)
    uc = UnobservedComponents(y, level="local linear trend", seasonal=12)
    for params in (uc.start_params, pd.Series([2e4, 1e5, 1.0, 3e3], index=uc.param_names)):
        assert ta.loglike(params) == pytest.approx(uc.loglike(params), rel=1e-10)
    fit_ta, fit_uc = ta.fit(), uc.fit()
    assert fit_ta.llf == pytest.approx(fit_uc.llf, abs=1e-6)
    big = fit_uc.params > 1e-6 * fit_uc.params.max()
    np.testing.assert_allclose(fit_ta.params[big], fit_uc.params[big], rtol=1e-4)


def simulate_levels(rng: np.random.Generator, n: int, params: dict) -> np.ndarray:
    """A local linear trend + dummy seasonal(12) + irregular path on levels."""
    level, slope = 100.0, 0.5
    seasonal = list(rng.normal(0, 3, 11))
    out = np.empty(n)
    for t in range(n):
        gamma = seasonal[0]
        out[t] = level + gamma + rng.normal(0, np.sqrt(params["sigma2.irregular"]))
        level, slope = (level + slope + rng.normal(0, np.sqrt(params["sigma2.level"])),
                        slope + rng.normal(0, np.sqrt(params["sigma2.trend"])))
        new = -sum(seasonal) + rng.normal(0, np.sqrt(params["sigma2.seasonal"]))
        seasonal = [new] + seasonal[:-1]
    return out


def test_intervals_are_calibrated_under_the_model():
    # At the true variances the errors of the estimates are exactly N(0, se²)
    # (a flat prior on the initial state makes the posterior variance the
    # frequentist mean squared error), so 90% intervals cover 90%.  With
    # 300 × 36 hidden months, dependent within a path, the band ±0.02 is
    # about 3.5 standard errors for ~3000 effectively independent months.
    params = {"sigma2.irregular": 4.0, "sigma2.level": 1.0, "sigma2.trend": 0.01, "sigma2.seasonal": 0.2}
    index = pd.date_range("2010-01-01", periods=60, freq="MS", name="month")
    years = pd.period_range("2010", "2014", freq="Y")
    z = []
    for rep in range(300):
        x = simulate_levels(generator(7, "calibration", rep), 60, params)
        y = pd.Series(x, index=index)
        totals = pd.Series(x.reshape(5, 12).sum(axis=1), index=years)
        hidden = y.copy()
        hidden.iloc[24:] = np.nan
        res = TemporalAggregation(hidden, totals).smooth(pd.Series(params))
        s = res.smoothed.iloc[24:]
        z.append((x[24:] - s["mean"].to_numpy()) / s["se"].to_numpy())
    z = np.concatenate(z)
    coverage = np.mean(np.abs(z) < 1.6448536269514722)
    assert 0.88 <= coverage <= 0.92, coverage
    assert 0.93 <= np.mean(z**2) <= 1.07


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), hide_from=st.integers(13, 23), how=st.sampled_from(["sum", "mean"]))
def test_estimates_add_up_to_their_aggregates(seed, hide_from, how):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2015-01-01", periods=48, freq="MS", name="month")
    x = np.exp(3 + np.cumsum(rng.normal(0.01, 0.05, 48)))
    years = pd.period_range("2015", "2018", freq="Y")
    agg = x.reshape(4, 12).sum(axis=1) * np.r_[1.0, rng.uniform(0.9, 1.1, 3)]  # 2015 is fully observed
    aggregates = pd.Series(agg if how == "sum" else agg / 12, index=years)
    y = pd.Series(x, index=index)
    y.iloc[hide_from:] = np.nan
    model = TemporalAggregation(y, aggregates, how=how, scale="level")
    res = model.smooth(model.start_params)
    table = res.aggregates[res.aggregates["used"]]
    np.testing.assert_allclose(table["estimated"], table["value"], rtol=1e-8)


# -- general use: other frequencies, the results object -----------------------
def quarterly_example():
    index = pd.period_range("2018-01", "2023-12", freq="M")
    rng = generator(3, "quarterly-example")
    x = 50 + np.cumsum(rng.normal(0, 1, index.size)) + 5 * np.sin(np.arange(index.size) * 2 * np.pi / 12)
    y = pd.Series(x, index=index, name="orders")
    quarters = pd.period_range("2021Q1", "2023Q4", freq="Q")
    means = pd.Series(x[36:].reshape(12, 3).mean(axis=1), index=quarters)
    y.iloc[36:] = np.nan
    return y, means, x


def test_quarterly_averages_on_a_period_index():
    y, means, x = quarterly_example()
    res = TemporalAggregation(y, means, how="mean").fit()
    assert res.converged
    frame = res.summary_frame(alpha=0.1)
    assert list(frame.columns) == ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "observed"]
    assert frame.index.equals(y.index)
    np.testing.assert_allclose(res.aggregates["estimated"], means.to_numpy(), rtol=1e-9)
    inside = (x[36:] >= frame["mean_ci_lower"].iloc[36:]) & (x[36:] <= frame["mean_ci_upper"].iloc[36:])
    assert inside.mean() > 0.6  # a loose sanity check; calibration is tested above
    fc = res.get_forecast(6)
    assert fc.predicted_mean.index.equals(pd.period_range("2024-01", periods=6, freq="M"))
    assert (np.diff(fc.se_mean.to_numpy()) > 0).all()  # uncertainty grows with the horizon


def test_results_presentation():
    y, means, _ = quarterly_example()
    res = TemporalAggregation(y, means, how="mean").fit()
    summary = res.summary()
    assert isinstance(summary, Summary)
    text = summary.as_text()
    for needle in ("Temporal aggregation", "sigma2.level", "12 used", "36 estimated"):
        assert needle in text
    assert "<table" in res._repr_html_()
    assert set(res.bse.index) == set(res.params.index)
    assert (res.conf_int()["lower"] <= res.params).all()
    ax = res.plot()
    assert ax.get_legend() is not None
    import matplotlib.pyplot as plt

    plt.close("all")


# -- bad input -----------------------------------------------------------------
def monthly(n=36, start="2020-01-01"):
    return pd.Series(np.linspace(10, 20, n), index=pd.date_range(start, periods=n, freq="MS", name="month"), name="x")


def annual(values, start="2020"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="Y"))


@pytest.mark.parametrize("aggregates, kwargs, match", [
    (annual([150.0, np.nan], "2021"), {}, r"aggregates for 2022 must be a finite number"),
    (annual([150.0, np.inf], "2021"), {}, r"aggregates for 2022 must be a finite number"),
    (annual([150.0, -5.0], "2021"), {"scale": "level"}, r"scale='level' needs positive values"),
    (annual([150.0, 200.0], start="2018"), {}, r"aggregates period 2018 has no months"),
    (annual([150.0, 200.0], start="2022"), {}, r"aggregates period 2023 has no months"),
    (pd.Series([1.0], index=pd.PeriodIndex(["2020-01-06/2020-01-12"], freq="W")), {}, r"does not line up"),
    (pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2020", "2020"], freq="Y")), {}, r"duplicated period: 2020"),
    (annual([150.0], "2021"), {"how": "median"}, r"how must be one of"),
    (annual([150.0], "2021"), {"scale": "log"}, r"scale must be None, 'level'"),
    (annual([150.0], "2021"), {"scale": np.ones(5)}, r"scale must have 36 positive finite values"),
    (annual([150.0], "2021"), {"scale": -np.ones(36)}, r"scale must have 36 positive finite values"),
    (annual([150.0], "2021"), {"rtol": -1.0}, r"rtol must be >= 0"),
    (annual([150.0], "2021"), {"seasonal": 1}, r"seasonal must be >= 2"),
])
def test_bad_aggregates_and_options(aggregates, kwargs, match):
    y = monthly()
    y.iloc[12:] = np.nan
    with pytest.raises(ValueError, match=match):
        TemporalAggregation(y, aggregates, **kwargs)


def test_partly_covered_period():
    y = monthly(30, start="2020-03-01")
    y.iloc[20:] = np.nan
    with pytest.raises(ValueError, match=r"aggregates period 2020 is only partly inside endog's index: 10 of its 12"):
        TemporalAggregation(y, annual([150.0, 200.0]))


def test_inconsistent_redundant_aggregate():
    y = monthly()
    with pytest.raises(ValueError, match=r"aggregates for 2020 is 1 but its observed values add up to"):
        TemporalAggregation(y, annual([1.0]))


def test_unidentified_model():
    # annual totals alone say nothing of a monthly seasonal
    y = monthly()
    y[:] = np.nan
    with pytest.raises(ValueError, match=r"do not identify every state"):
        TemporalAggregation(y, annual([150.0, 160.0, 170.0]))


@pytest.mark.parametrize("endog, aggregates, exc, match", [
    (np.arange(36.0), annual([1.0]), TypeError, r"endog must be a pandas Series"),
    (monthly().astype(str), annual([1.0]), TypeError, r"endog must be numeric"),
    (monthly(), [1.0, 2.0], TypeError, r"aggregates must be a pandas Series with a PeriodIndex"),
    (monthly(), pd.Series([1.0], index=pd.DatetimeIndex(["2020-12-31"])), TypeError, r"aggregates must have a PeriodIndex"),
    (monthly().replace(20.0, np.inf), annual([1.0]), ValueError, r"endog contains infinite values"),
])
def test_bad_types(endog, aggregates, exc, match):
    with pytest.raises(exc, match=match):
        TemporalAggregation(endog, aggregates)


def test_bad_params():
    y = monthly()
    y.iloc[12:] = np.nan
    model = TemporalAggregation(y, annual([150.0, 160.0], start="2021"))
    with pytest.raises(ValueError, match=r"variance sigma2.level must be non-negative"):
        model.smooth([1.0, -1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"params must have 4 values"):
        model.loglike([1.0])
    with pytest.raises(ValueError, match=r"start_params variances must be positive"):
        model.fit(start_params=[1.0, 0.0, 1.0, 1.0])
    with pytest.raises(TypeError, match=r"maxiter must be an integer"):
        model.fit(maxiter=2.5)
