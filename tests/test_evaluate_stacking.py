"""Leave-future-out stacking: the weights against scipy's constrained
optimiser, known optima, and the rule that weights at an origin depend only
on windows closed before it."""

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


def scipy_weights(p, y):
    from scipy.optimize import minimize

    f = np.where(y[:, None] == 1, p, 1 - p)
    k = p.shape[1]
    res = peer_call(minimize, lambda w: -np.mean(np.log(f @ w)), np.full(k, 1 / k), method="SLSQP",
                    bounds=[(0, 1)] * k, constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                    options={"ftol": 1e-15, "maxiter": 2000})
    return res.x, -res.fun


def mean_log(p, y, w):
    f = np.where(y[:, None] == 1, p, 1 - p)
    return float(np.mean(np.log(f @ w)))


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 200), k=st.integers(2, 7))
def test_weights_reach_the_optimum_scipy_finds(seed, n, k):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(float)
    skill = rng.uniform(-0.3, 0.6, k)
    p = np.clip(0.5 + skill * (y[:, None] - 0.5) + rng.normal(0, 0.2, (n, k)), 0.01, 0.99)
    w = ev.stacking_weights(p, y)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1, abs=1e-12)
    ref, best = scipy_weights(p, y)
    # never worse than scipy's optimum, and the optimality conditions hold
    assert mean_log(p, y, w) >= best - 1e-9
    f = np.where(y[:, None] == 1, p, 1 - p)
    g = np.mean(f / (f @ w)[:, None], axis=0)
    assert np.all(g <= 1 + 1e-6) and np.allclose(g[w > 1e-6], 1, atol=1e-6)


def test_known_optima():
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
    near_truth = np.where(y == 1, 0.95, 0.05)
    p = np.column_stack([near_truth, np.full(8, 0.5), 1 - near_truth])
    np.testing.assert_allclose(ev.stacking_weights(p, y), [1, 0, 0], atol=1e-12)
    # two forecasters, one the mirror image of the other around 1/2: the
    # mixture 1/2 each is the constant 1/2, optimal when events are half the windows
    q = np.linspace(0.2, 0.8, 8)
    w = ev.stacking_weights(np.column_stack([q, 1 - q]), np.array([0, 1] * 4, dtype=float))
    f = np.column_stack([q, 1 - q])
    assert mean_log(f, np.array([0, 1] * 4, dtype=float), w) >= mean_log(f, np.array([0, 1] * 4, dtype=float),
                                                                          np.array([0.5, 0.5])) - 1e-12
    # a single forecaster, and windows every forecaster gave probability 0
    np.testing.assert_array_equal(ev.stacking_weights(q[:, None], np.zeros(8)), [1.0])
    zero = np.column_stack([np.zeros(3), np.zeros(3)])
    np.testing.assert_array_equal(ev.stacking_weights(zero, np.ones(3)), [0.5, 0.5])


@pytest.mark.parametrize("p, y, error, pattern", [
    ([[0.5, 1.2]], [1], ValueError, r"p must be a probability"),
    ([[0.5, 0.4]], [1, 0], ValueError, r"p has 1 rows but y has 2 outcomes"),
    ([0.5, 0.4], [1, 0], ValueError, r"p"),
    ([[0.5, np.nan]], [1], ValueError, r"p contains NaN"),
    ([[0.5, 0.5]], [2], ValueError, r"y must be 0 or 1"),
])
def test_bad_input(p, y, error, pattern):
    with pytest.raises(error, match=pattern):
        ev.stacking_weights(p, y)


@pytest.fixture(scope="module")
def stacked():
    record = simulated_record()
    return ev.backtest(SeededNoise, record, month_index("2003-01", "2012-12"), [3, 12], seed=8,
                       series=["simulated_a", "simulated_b"],
                       baselines=[ev.BaseRateMonthly, ev.Persistence, ev.Constant])


def test_stacked_forecast_is_the_mixture(stacked):
    f = stacked.frame
    w = stacked.weights
    models = [m for m in stacked.models if m != "stacked"]
    wide = f.pivot(index=["series", "origin", "horizon"], columns="model", values="forecast")
    merged = wide.join(w.set_index(["series", "origin", "horizon"]).add_suffix("_w"))
    mixture = sum(merged[m] * merged[f"{m}_w"] for m in models)
    np.testing.assert_allclose(merged["stacked"], mixture, atol=1e-14)
    assert np.allclose(w[models].sum(axis=1), 1)


def test_fallback_until_enough_windows_are_known(stacked):
    w = stacked.weights
    origin_ord = w["origin"].dt.year * 12 + w["origin"].dt.month
    for (series, h), g in w.groupby(["series", "horizon"]):
        first = origin_ord[g.index].min()
        expected_known = np.array([sum(1 for o in origin_ord[g.index] if o + h <= t) for t in origin_ord[g.index]])
        np.testing.assert_array_equal(g["n_known"], expected_known)
        np.testing.assert_array_equal(g["fallback"], g["n_known"] < 24)
        assert np.allclose(g.loc[g["fallback"], ["seeded_noise", "base_rate_monthly", "persistence",
                                                "constant_0.5"]], 0.25)
        assert not g["fallback"].iloc[-1] and first < origin_ord[g.index].max()


def test_weights_at_an_origin_ignore_later_outcomes(stacked):
    origin = pd.Timestamp("2009-06-01")
    frame = stacked.frame[stacked.frame["model"] != "stacked"].copy()
    closes = frame["origin"] + pd.to_timedelta(0, "D")
    open_at_origin = np.array([o + pd.DateOffset(months=int(h)) > origin for o, h in zip(closes, frame["horizon"])])
    flipped = frame.copy()
    flipped.loc[open_at_origin, "outcome"] = 1 - flipped.loc[open_at_origin, "outcome"]
    again = ev.stack_backtest(ev.Backtest(flipped, stacked.unscored, stacked.info))
    at = lambda r: r.weights[r.weights["origin"] <= origin].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(at(stacked), at(again))
    later = lambda r: r.weights[r.weights["origin"] > origin + pd.DateOffset(months=12)]  # noqa: E731
    assert not np.allclose(later(stacked)["persistence"], later(again)["persistence"])
    # ...and the test can fail: flipping one window closed before the origin moves them
    window = (frame["series"] == "simulated_a") & (frame["horizon"] == 3) & (frame["origin"] == "2009-03-01")
    assert not open_at_origin[window.to_numpy()].any()
    one = frame.copy()
    one.loc[window, "outcome"] = 1 - one.loc[window, "outcome"]
    moved = ev.stack_backtest(ev.Backtest(one, stacked.unscored, stacked.info))
    sel = lambda r: r.weights[(r.weights["origin"] == origin) & (r.weights["series"] == "simulated_a")  # noqa: E731
                              & (r.weights["horizon"] == 3)]
    models = ["seeded_noise", "base_rate_monthly", "persistence", "constant_0.5"]
    assert not np.allclose(sel(stacked)[models], sel(moved)[models])


def test_pooled_weights_and_arguments(stacked):
    pooled = ev.stack_backtest(stacked, by=("horizon",), min_windows=10)
    assert set(pooled.weights["series"]) == {"pooled"}
    assert len(pooled.weights) == pooled.weights[["horizon", "origin"]].drop_duplicates().shape[0]
    assert (pooled.frame["model"] == "stacked").sum() == (stacked.frame["model"] == "stacked").sum()
    with pytest.raises(ValueError, match=r"by must be one of"):
        ev.stack_backtest(stacked, by=("series",))
    with pytest.raises(ValueError, match=r"min_windows"):
        ev.stack_backtest(stacked, min_windows=0)
    with pytest.raises(TypeError, match=r"result must be a Backtest"):
        ev.stack_backtest(stacked.frame)
