"""simulate_world: determinism, bad input, and recovery of its known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast.datasets import simulate_world


def test_same_seed_same_world_and_labelled_simulated():
    a, b = simulate_world(7, n_months=120), simulate_world(7, n_months=120)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    pd.testing.assert_frame_equal(a.summits, b.summits)
    assert a.simulated and "SIMULATED" in a.summary()
    assert not simulate_world(8, n_months=120).indicators.equals(a.indicators)
    assert a.indicators.index.freqstr == "MS" and a.indicators.index[0] == pd.Timestamp("2000-01-01")


def test_poisson_mean_recovered():
    # alpha = 0: launches are iid Poisson(exp(omega)); the sample mean lies within 4 standard errors
    w = simulate_world(1, n_months=20000, omega=0.5, alpha=0.0)
    lam = np.exp(0.5)
    y = w.indicators["missile_launches"].to_numpy()
    assert abs(y.mean() - lam) < 4 * np.sqrt(lam / len(y))


def test_summit_count_matches_true_hazard():
    w = simulate_world(2, n_months=20000)
    h = w.hazard.to_numpy()
    held = w.indicators["summit_held"].to_numpy()
    # sum of independent Bernoulli(h_t) given the path: mean sum(h), variance sum(h(1-h))
    assert abs(held.sum() - h.sum()) < 4 * np.sqrt((h * (1 - h)).sum())
    assert len(w.summits) == held.sum()


def test_ordered_outcome_frequencies_match_cutpoints():
    w = simulate_world(3, n_months=40000, p_crisis=0.0, beta0=-1.0, cutpoints=(-1.0, 1.0))
    levels = w.summits["outcome_level"].to_numpy()
    n = len(levels)
    logistic = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    expected = np.array([logistic(-1.0), logistic(1.0) - logistic(-1.0), 1 - logistic(1.0)])
    observed = np.bincount(levels, minlength=3) / n
    assert np.all(np.abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / n))


@pytest.mark.parametrize("kwargs, message", [
    ({"n_months": 0}, "n_months must be >= 1, got 0"),
    ({"p_crisis": 1.5}, "p_crisis must be <= 1, got 1.5"),
    ({"cutpoints": (1.0, 0.0)}, "cutpoints must be two increasing numbers"),
    ({"crisis_duration": 0.5}, "crisis_duration must be >= 1"),
    ({"trade_sigma": -0.1}, "trade_sigma must be >= 0, got -0.1"),
    ({"beta_crisis": np.nan}, "beta_crisis must be finite, got nan"),
    ({"omega": 50.0}, "omega=50.0 and alpha=0.4 make the launch rate explode"),
    ({"start": "2000-13"}, "start must be a month"),
    ({"n_months": 10**7}, "n_months=10000000 periods after 1999-12 run past the last date"),
])
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_world(0, **kwargs)


def test_unknown_parameter():
    with pytest.raises(TypeError, match="unknown parameters"):
        simulate_world(0, gamma=1.0)
