"""Leave-future-out logistic recalibration: the map against SciPy's optimiser
on the same log posterior, recovery of a known miscalibration, and the rule
that the map at an origin depends only on windows closed before it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitcast import evaluate as ev
from summitcast._common.time import month_index

from evaluate_records import SeededNoise, simulated_record
from peers import peer_call


def logit(p):
    return np.log(p) - np.log1p(-p)


def scipy_map(p, y, w, prior_a, prior_b):
    """The same MAP by a general-purpose optimiser (BFGS on the negative log posterior)."""
    from scipy.optimize import minimize
    from scipy.special import log_expit

    x = logit(np.clip(p, 1e-6, 1 - 1e-6))

    def negative(theta):
        eta = theta[0] + theta[1] * x
        lik = w @ (y * log_expit(eta) + (1 - y) * log_expit(-eta))
        return -(lik - 0.5 * ((theta[0] - prior_a[0]) / prior_a[1]) ** 2
                 - 0.5 * ((theta[1] - prior_b[0]) / prior_b[1]) ** 2)

    res = peer_call(minimize, negative, np.array([prior_a[0], prior_b[0]]), method="BFGS",
                    options={"gtol": 1e-10, "maxiter": 1000})
    return res.x, -res.fun


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300))
def test_map_reaches_the_optimum_scipy_finds(seed, n):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.01, 0.99, n)
    y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(float)
    w = rng.uniform(0.05, 1.0, n)
    prior_a, prior_b = (rng.normal(0, 0.5), rng.uniform(0.2, 2.0)), (rng.normal(1, 0.3), rng.uniform(0.1, 1.0))
    a, b = ev.logistic_recalibration(p, y, weights=w, prior_shift=prior_a, prior_slope=prior_b)
    ref, _ = scipy_map(p, y, w, prior_a, prior_b)
    np.testing.assert_allclose([a, b], ref, atol=1e-5)


def test_recovers_a_known_miscalibration():
    # forecasts too high by 0.8 in log odds and too spread by 1.5: the map that
    # undoes it is logit p = (logit q - 0.8) / 1.5, i.e. a = -0.8 / 1.5, b = 1 / 1.5
    rng = np.random.default_rng(3)
    truth = rng.uniform(0.02, 0.98, 200_000)
    y = (rng.random(truth.size) < truth).astype(float)
    q = 1 / (1 + np.exp(-(1.5 * logit(truth) + 0.8)))
    a, b = ev.logistic_recalibration(q, y, prior_shift=(0, 100), prior_slope=(1, 100))
    assert a == pytest.approx(-0.8 / 1.5, abs=0.02) and b == pytest.approx(1 / 1.5, abs=0.01)
    np.testing.assert_allclose(ev.recalibrate(q, a, b), truth, atol=0.01)


def test_the_prior_alone_is_the_identity():
    p = np.array([0.1, 0.5, 0.9])
    assert ev.logistic_recalibration(p, [0, 1, 1], weights=[0, 0, 0]) == pytest.approx((0.0, 1.0), abs=1e-12)
    np.testing.assert_allclose(ev.recalibrate(p, 0.0, 1.0), p, rtol=1e-12)
    np.testing.assert_allclose(ev.recalibrate([0.0, 1.0], 0.0, 1.0), [1e-6, 1 - 1e-6], rtol=1e-9)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"p": [0.5, 1.2], "y": [1, 0]}, ValueError, r"p must be a probability"),
    ({"p": [0.5, 0.4], "y": [1]}, ValueError, r"p has 2 forecasts but y has 1 outcomes"),
    ({"p": [0.5, np.nan], "y": [1, 0]}, ValueError, r"p contains NaN"),
    ({"p": [0.5], "y": [2]}, ValueError, r"y must be 0 or 1"),
    ({"p": [0.5], "y": [1], "weights": [-1.0]}, ValueError, r"weights must be non-negative"),
    ({"p": [0.5], "y": [1], "weights": [1.0, 1.0]}, ValueError, r"weights has 2 entries but p has 1"),
    ({"p": [0.5], "y": [1], "prior_shift": 0.5}, TypeError, r"prior_shift must be a pair"),
    ({"p": [0.5], "y": [1], "prior_slope": (1.0, 0.0)}, ValueError, r"prior_slope\[1\]"),
])
def test_bad_input(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ev.logistic_recalibration(**kwargs)


def flip_open_windows(frame, origin):
    """(which rows' windows are still open at ``origin``, a copy of ``frame`` with those outcomes flipped)."""
    opens = np.array([o + pd.DateOffset(months=int(h)) > origin for o, h in zip(frame["origin"], frame["horizon"])])
    flipped = frame.copy()
    flipped.loc[opens, "outcome"] = 1 - flipped.loc[opens, "outcome"]
    return opens, flipped


@pytest.fixture(scope="module")
def backtest():
    record = simulated_record()
    return ev.backtest(SeededNoise, record, month_index("2003-01", "2012-12"), [3, 12], seed=8,
                       series=["simulated_a", "simulated_b"], baselines=[ev.BaseRateMonthly], stack=False)


@pytest.fixture(scope="module")
def recalibrated(backtest):
    return ev.recalibrate_backtest(backtest)


def test_forecasts_are_the_map_of_each_origin(backtest, recalibrated):
    maps = recalibrated.info["recalibration"]["maps"].set_index(["horizon", "origin"])
    f = recalibrated.frame
    base = f[f["model"] == "seeded_noise"].set_index(["series", "origin", "horizon"])["forecast"]
    new = f[f["model"] == "recalibrated"].set_index(["series", "origin", "horizon"])["forecast"]
    assert len(new) == len(base) and recalibrated.models == [*backtest.models, "recalibrated"]
    keys = list(zip(new.index.get_level_values("horizon"), new.index.get_level_values("origin")))
    a, b = maps.loc[keys, "a"].to_numpy(), maps.loc[keys, "b"].to_numpy()
    q = np.clip(base.loc[new.index].to_numpy(), 1e-6, 1 - 1e-6)
    np.testing.assert_allclose(new.to_numpy(), 1 / (1 + np.exp(-(a + b * logit(q)))), rtol=1e-12)


def test_maps_use_only_closed_windows(backtest, recalibrated):
    maps = recalibrated.info["recalibration"]["maps"]
    rows = backtest.frame[backtest.frame["model"] == "seeded_noise"]
    ordinal = lambda s: s.dt.year * 12 + s.dt.month - 1  # noqa: E731
    for h, g in maps.groupby("horizon"):
        closes = ordinal(rows.loc[rows["horizon"] == h, "origin"]) + h
        expected = [int((closes <= t).sum()) for t in ordinal(g["origin"])]
        np.testing.assert_array_equal(g["n_known"], expected)
        none_known = g["n_known"] == 0
        assert none_known.any() and not none_known.all()
        np.testing.assert_allclose(g.loc[none_known, ["a", "b"]], [[0.0, 1.0]] * int(none_known.sum()))
        # the last map equals the map of every window closed by then, fitted at once
        known = rows[(rows["horizon"] == h) & (closes <= ordinal(g["origin"]).iloc[-1])]
        direct = ev.logistic_recalibration(known["forecast"], known["outcome"], weights=np.full(len(known), 1 / h))
        np.testing.assert_allclose(g[["a", "b"]].iloc[-1], direct, atol=1e-9)


def test_maps_at_an_origin_ignore_later_outcomes(backtest, recalibrated):
    origin = pd.Timestamp("2009-06-01")
    frame = backtest.frame.copy()
    opens, flipped = flip_open_windows(frame, origin)
    again = ev.recalibrate_backtest(ev.Backtest(flipped, backtest.unscored, backtest.info))
    maps = lambda r: r.info["recalibration"]["maps"]  # noqa: E731
    at = lambda r: maps(r)[maps(r)["origin"] <= origin].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(at(recalibrated), at(again))
    later = lambda r: maps(r)[maps(r)["origin"] > origin]  # noqa: E731
    assert not np.allclose(later(recalibrated)[["a", "b"]], later(again)[["a", "b"]])
    # ...and the test can fail: flipping one window closed before the origin moves the map there
    window = (frame["model"] == "seeded_noise") & (frame["series"] == "simulated_a") & (frame["horizon"] == 3) \
        & (frame["origin"] == "2009-03-01")
    assert window.sum() == 1 and not opens[window.to_numpy()].any()
    one = frame.copy()
    one.loc[window, "outcome"] = 1 - one.loc[window, "outcome"]
    moved = ev.recalibrate_backtest(ev.Backtest(one, backtest.unscored, backtest.info))
    sel = lambda r: maps(r)[(maps(r)["origin"] == origin) & (maps(r)["horizon"] == 3)]  # noqa: E731
    assert not np.allclose(sel(recalibrated)[["a", "b"]], sel(moved)[["a", "b"]])


def test_per_series_maps_and_arguments(backtest, recalibrated):
    per_series = ev.recalibrate_backtest(backtest, "base_rate_monthly", by=("series", "horizon"))
    maps = per_series.info["recalibration"]["maps"]
    assert set(maps["series"]) == {"simulated_a", "simulated_b"}
    assert per_series.info["recalibration"]["model"] == "base_rate_monthly"
    # recalibrating again replaces the rows rather than adding a second set
    twice = ev.recalibrate_backtest(recalibrated)
    assert (twice.frame["model"] == "recalibrated").sum() == (recalibrated.frame["model"] == "recalibrated").sum()
    with pytest.raises(ValueError, match="model must be one of"):
        ev.recalibrate_backtest(backtest, "nonexistent")
    with pytest.raises(ValueError, match="by must be one of"):
        ev.recalibrate_backtest(backtest, by=("series",))
    with pytest.raises(TypeError, match="result must be a Backtest"):
        ev.recalibrate_backtest(backtest.frame)


def test_one_map_for_every_horizon(backtest):
    one = ev.recalibrate_backtest(backtest, by=())
    maps = one.info["recalibration"]["maps"]
    assert set(maps["horizon"]) == {"all"} and set(maps["series"]) == {"pooled"}
    assert maps["origin"].is_unique
    rows = backtest.frame[backtest.frame["model"] == "seeded_noise"]
    ordinal = lambda s: s.dt.year * 12 + s.dt.month - 1  # noqa: E731
    closes = ordinal(rows["origin"]) + rows["horizon"]
    last = ordinal(maps["origin"]).iloc[-1]
    known = rows[closes <= last]
    np.testing.assert_array_equal(maps["n_known"].iloc[-1], len(known))
    # windows of both horizons, each weighted 1/h
    direct = ev.logistic_recalibration(known["forecast"], known["outcome"], weights=1 / known["horizon"])
    np.testing.assert_allclose(maps[["a", "b"]].iloc[-1], direct, atol=1e-9)
    # one map at an origin serves both horizons
    f = one.frame[one.frame["model"] == "recalibrated"].merge(
        rows[["series", "origin", "horizon", "forecast"]], on=["series", "origin", "horizon"], suffixes=("", "_raw"))
    at = maps.set_index("origin").loc[f["origin"]]
    q = np.clip(f["forecast_raw"].to_numpy(), 1e-6, 1 - 1e-6)
    expected = 1 / (1 + np.exp(-(at["a"].to_numpy() + at["b"].to_numpy() * logit(q))))
    np.testing.assert_allclose(f["forecast"], expected, rtol=1e-12)


def windows_of_last_map(backtest, maps):
    """The forecaster's rows, the windows closed by the last month of ``maps``, their forecasts'
    logits (clipped as the map clips them), their ages at that month, and the maps of that month
    by series."""
    rows = backtest.frame[backtest.frame["model"] == "seeded_noise"]
    ordinal = lambda s: s.dt.year * 12 + s.dt.month - 1  # noqa: E731
    closes = ordinal(rows["origin"]) + rows["horizon"]
    last = ordinal(maps["origin"]).max()
    known = rows[closes <= last]
    x = logit(np.clip(known["forecast"].to_numpy(), 1e-6, 1 - 1e-6))
    age = (last - closes[closes <= last]).to_numpy()
    return rows, known, x, age, maps[ordinal(maps["origin"]) == last].set_index("series")


def scipy_design_map(design, y, w, mean, precision):
    """The MAP of the weighted logistic regression of y on ``design`` under Gaussian priors
    (``mean``, ``precision`` per coefficient), by SciPy's BFGS with the analytic gradient."""
    from scipy.optimize import minimize

    def objective(theta):
        eta = design @ theta
        grad = -design.T @ (w * (y - 1 / (1 + np.exp(-eta)))) + precision * (theta - mean)
        return -(w @ (y * eta - np.logaddexp(0, eta))) + 0.5 * precision @ (theta - mean) ** 2, grad

    return minimize(objective, mean, jac=True, method="BFGS", options={"gtol": 1e-11}).x


def assert_series_maps_applied(result, rows, maps):
    """Every recalibrated forecast of ``result`` is expit(a + b logit p) with its series' map at its origin."""
    f = result.frame[result.frame["model"] == "recalibrated"].merge(
        rows[["series", "origin", "horizon", "forecast"]], on=["series", "origin", "horizon"], suffixes=("", "_raw"))
    at = maps.set_index(["series", "origin"]).loc[list(zip(f["series"], f["origin"]))]
    q = np.clip(f["forecast_raw"].to_numpy(), 1e-6, 1 - 1e-6)
    np.testing.assert_allclose(f["forecast"], 1 / (1 + np.exp(-(at["a"].to_numpy() + at["b"].to_numpy() * logit(q)))),
                               rtol=1e-12)


def test_a_shift_per_series_partially_pooled(backtest):
    """series_shift: logit p' = a + u_s + b logit p, learned jointly; the last map against SciPy's
    optimum of the same posterior, each forecast the map of its series and origin, and the limits
    of the prior (a tiny sd gives the pooled map; the series' shifts are not equal)."""
    shifted = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5)
    maps = shifted.info["recalibration"]["maps"]
    assert set(maps["series"]) == {"simulated_a", "simulated_b"} and set(maps["horizon"]) == {"all"}
    assert shifted.info["recalibration"]["series_shift"] == 0.5
    rows, known, x, _, end = windows_of_last_map(backtest, maps)
    design = np.column_stack([np.ones_like(x), x, (known["series"] == "simulated_a").to_numpy(float),
                              (known["series"] == "simulated_b").to_numpy(float)])
    y, w = known["outcome"].to_numpy(float), 1 / known["horizon"].to_numpy()
    mean, precision = np.array([0, 1, 0, 0.0]), np.array([4.0, 16.0, 4.0, 4.0])
    theta = scipy_design_map(design, y, w, mean, precision)
    np.testing.assert_allclose(end.loc["simulated_a", ["a", "b"]].to_numpy(float), [theta[0] + theta[2], theta[1]],
                               atol=1e-7)
    np.testing.assert_allclose(end.loc["simulated_b", ["a", "b"]].to_numpy(float), [theta[0] + theta[3], theta[1]],
                               atol=1e-7)
    assert abs(theta[2] - theta[3]) > 1e-3
    # every recalibrated forecast is its series' map at its origin
    assert_series_maps_applied(shifted, rows, maps)
    # a prior sd near zero pins every u_s at 0: the pooled map of by=()
    pinned = ev.recalibrate_backtest(backtest, by=(), series_shift=1e-8).info["recalibration"]["maps"]
    pooled = ev.recalibrate_backtest(backtest, by=()).info["recalibration"]["maps"]
    for _, one in pinned.groupby("series"):
        np.testing.assert_allclose(one[["a", "b"]].to_numpy(), pooled[["a", "b"]].to_numpy(), atol=1e-7)
    with pytest.raises(ValueError, match=r"series_shift needs by=\(\)"):
        ev.recalibrate_backtest(backtest, series_shift=0.5)
    with pytest.raises(ValueError, match="series_shift"):
        ev.recalibrate_backtest(backtest, by=(), series_shift=-1.0)


def test_a_half_life_weighs_old_windows_less(backtest):
    """half_life: the map at a month weighs each closed window by (1/h) 2^(-age / half_life); the last
    map against a direct fit with those weights, an endless half-life against none, the map at an
    origin still blind to later outcomes, and bad values named."""
    forgetful = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, half_life=24)
    assert forgetful.info["recalibration"]["half_life"] == 24
    maps = forgetful.info["recalibration"]["maps"]
    rows = backtest.frame[backtest.frame["model"] == "seeded_noise"]
    ordinal = lambda s: s.dt.year * 12 + s.dt.month - 1  # noqa: E731
    closes = ordinal(rows["origin"]) + rows["horizon"]
    # pooled, no shift: the last map is logistic_recalibration with the decayed weights
    pooled = ev.recalibrate_backtest(backtest, by=(), half_life=24).info["recalibration"]["maps"]
    last = ordinal(pooled["origin"]).iloc[-1]
    known = closes <= last
    age = last - closes[known]
    weights = 1 / rows.loc[known, "horizon"] * 2.0 ** (-age / 24)
    direct = ev.logistic_recalibration(rows.loc[known, "forecast"], rows.loc[known, "outcome"], weights=weights)
    np.testing.assert_allclose(pooled[["a", "b"]].iloc[-1], direct, atol=1e-9)
    plain = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5).info["recalibration"]["maps"]
    assert np.abs(maps[["a", "b"]].to_numpy() - plain[["a", "b"]].to_numpy()).max() > 1e-3
    endless = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, half_life=1e15).info["recalibration"]["maps"]
    np.testing.assert_allclose(endless[["a", "b"]].to_numpy(), plain[["a", "b"]].to_numpy(), atol=1e-9)
    # no look-ahead with forgetting too: outcomes of windows open at the origin change nothing there
    origin = pd.Timestamp("2009-06-01")
    _, flipped = flip_open_windows(backtest.frame, origin)
    again = ev.recalibrate_backtest(ev.Backtest(flipped, backtest.unscored, backtest.info), by=(), series_shift=0.5,
                                    half_life=24).info["recalibration"]["maps"]
    before = lambda m: m[m["origin"] <= origin].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(before(maps), before(again))
    for bad in (0, -12.0, float("nan")):
        with pytest.raises(ValueError, match="half_life"):
            ev.recalibrate_backtest(backtest, by=(), half_life=bad)
    with pytest.raises(TypeError, match="half_life"):
        ev.recalibrate_backtest(backtest, by=(), half_life="60")


def test_a_slope_per_series_partially_pooled(backtest):
    """series_slope: logit p' = a + u_s + (b + v_s) logit p, learned jointly with the decayed weights;
    the last map against SciPy's optimum of the same posterior, each forecast its series' map, the
    limit of the prior (a tiny sd gives recalibration 4's maps), no look-ahead, and bad values named."""
    sloped = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, series_slope=0.25, half_life=24)
    assert sloped.info["recalibration"]["series_slope"] == 0.25
    maps = sloped.info["recalibration"]["maps"]
    rows, known, x, age, end = windows_of_last_map(backtest, maps)
    a_ind, b_ind = ((known["series"] == name).to_numpy(float) for name in ("simulated_a", "simulated_b"))
    design = np.column_stack([np.ones_like(x), x, a_ind, b_ind, x * a_ind, x * b_ind])
    y = known["outcome"].to_numpy(float)
    w = 1 / known["horizon"].to_numpy() * 2.0 ** (-age / 24)
    mean, precision = np.array([0, 1, 0, 0, 0, 0.0]), np.array([4.0, 16.0, 4.0, 4.0, 16.0, 16.0])
    theta = scipy_design_map(design, y, w, mean, precision)
    np.testing.assert_allclose(end.loc["simulated_a", ["a", "b"]].to_numpy(float),
                               [theta[0] + theta[2], theta[1] + theta[4]], atol=1e-7)
    np.testing.assert_allclose(end.loc["simulated_b", ["a", "b"]].to_numpy(float),
                               [theta[0] + theta[3], theta[1] + theta[5]], atol=1e-7)
    assert abs(theta[4] - theta[5]) > 1e-3  # the series' slopes are their own
    assert_series_maps_applied(sloped, rows, maps)
    # a slope sd near zero pins every v_s at 0: the maps of a shift per series alone
    pinned = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, series_slope=1e-8,
                                     half_life=24).info["recalibration"]["maps"]
    shifted = ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, half_life=24).info["recalibration"]["maps"]
    np.testing.assert_allclose(pinned[["a", "b"]].to_numpy(), shifted[["a", "b"]].to_numpy(), atol=1e-7)
    # no look-ahead: outcomes of windows open at the origin change no map up to it
    origin = pd.Timestamp("2009-06-01")
    _, flipped = flip_open_windows(backtest.frame, origin)
    again = ev.recalibrate_backtest(ev.Backtest(flipped, backtest.unscored, backtest.info), by=(), series_shift=0.5,
                                    series_slope=0.25, half_life=24).info["recalibration"]["maps"]
    before = lambda m: m[m["origin"] <= origin].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(before(maps), before(again))
    with pytest.raises(ValueError, match="series_slope needs series_shift"):
        ev.recalibrate_backtest(backtest, by=(), series_slope=0.25)
    for bad in (0, -0.25, float("nan")):
        with pytest.raises(ValueError, match="series_slope"):
            ev.recalibrate_backtest(backtest, by=(), series_shift=0.5, series_slope=bad)
