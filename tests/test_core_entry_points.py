"""Every public entry point of the C++ core checks its arguments against each
other before it reads them: a ValueError naming the argument, never a read
past an array, a silent NaN or an uninterruptible loop."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summitcast import ConvergenceWarning, _core
from summitcast.bayes import Logit
from summitcast.statespace import UnobservedComponents, kalman_filter

IDX = pd.date_range("2000-01-01", periods=120, freq="MS")


def walk(scale=1.0, seed=1):
    return pd.Series(scale * np.cumsum(np.random.default_rng(seed).normal(size=120)), index=IDX, name="y")


def local_level(y, **kw):
    """The generic filter on a local level: one series, one state."""
    one = np.eye(1)
    return kalman_filter(y, kw.pop("Z", one), kw.pop("H", one), one, one, one, a1=np.zeros(1),
                         P1=kw.pop("P1", one), **kw)


# -- the generic filter: dimensions agree with each other ----------------------

@settings(max_examples=40, deadline=None, derandomize=True)
@given(p_y=st.integers(1, 4), p_z=st.integers(1, 4), n=st.integers(1, 12))
def test_observation_width_must_match_Z(p_y, p_z, n):
    """y with p_y series against a Z with p_z rows, with d passed explicitly
    (the case that used to read y[t+1] and one value past the array)."""
    y = np.random.default_rng(n).normal(size=(n, p_y))
    args = (y, np.ones((p_z, 1)), np.eye(p_z), np.eye(1), np.eye(1), np.eye(1))
    if p_y == p_z:
        out = kalman_filter(*args, a1=np.zeros(1), P1=np.eye(1), d=np.zeros(p_z))
        assert np.isfinite(out["loglike"])
    else:
        with pytest.raises(ValueError, match=f"y has {p_y} series .* but Z has {p_z} rows"):
            kalman_filter(*args, a1=np.zeros(1), P1=np.eye(1), d=np.zeros(p_z))


def test_one_series_against_two_row_Z_is_refused():
    with pytest.raises(ValueError, match="y has 1 series"):
        kalman_filter(np.zeros(10), np.ones((2, 1)), np.eye(2), np.eye(1), np.eye(1), np.eye(1),
                      a1=np.zeros(1), P1=np.eye(1), d=np.zeros(2))


def test_empty_y_is_a_clear_value_error():
    with pytest.raises(ValueError, match="y must have at least one time point, got 0"):
        local_level(np.zeros(0))


def test_negative_P1_is_refused():
    with pytest.raises(ValueError, match=r"P1 must have non-negative variances, got -1"):
        local_level(np.zeros(5), P1=-np.eye(1))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(a=st.floats(0.0, 5.0), b=st.floats(0.0, 5.0), c=st.floats(-10.0, 10.0))
def test_P1_must_be_positive_semidefinite(a, b, c):
    """P1 = [[a, c], [c, b]] is PSD exactly when ab ≥ c² (a, b ≥ 0)."""
    P1 = np.array([[a, c], [c, b]])
    two = np.eye(2)
    call = lambda: kalman_filter(np.zeros(6), np.ones((1, 2)), np.eye(1), two, two, two, a1=np.zeros(2), P1=P1)  # noqa: E731
    det = a * b - c * c
    if det < -1e-9 * max(a, b, abs(c), 1.0):
        with pytest.raises(ValueError, match="P1 must be positive semi-definite"):
            call()
    elif det > 1e-9 * max(a, b, abs(c), 1.0):
        assert np.isfinite(call()["loglike"])


def test_P1_diffuse_and_Q_must_be_covariances():
    two = np.eye(2)
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="P1_diffuse must be positive semi-definite"):
        kalman_filter(np.zeros(6), np.ones((1, 2)), np.eye(1), two, two, two, a1=np.zeros(2), P1_diffuse=bad)
    with pytest.raises(ValueError, match="Q must be positive semi-definite"):
        kalman_filter(np.zeros(6), np.ones((1, 2)), np.eye(1), two, two, bad, a1=np.zeros(2), P1=two)
    with pytest.raises(ValueError, match="P1 must be symmetric"):
        kalman_filter(np.zeros(6), np.ones((1, 2)), np.eye(1), two, two, two, a1=np.zeros(2),
                      P1=np.array([[1.0, 0.5], [0.0, 1.0]]))


@pytest.mark.parametrize("burn", [-1, 5, 6, 100])
def test_loglikelihood_burn_must_leave_data(burn):
    with pytest.raises(ValueError, match=f"loglikelihood_burn must be between 0 and .*4.*got {burn}"):
        local_level(np.zeros(5), loglikelihood_burn=burn)


def test_loglikelihood_burn_inside_the_data_drops_exactly_those_terms():
    y = np.random.default_rng(3).normal(size=8)
    full = local_level(y)
    burnt = local_level(y, loglikelihood_burn=3)
    assert burnt["loglike"] == pytest.approx(full["loglike_t"][3:].sum(), rel=1e-14)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(y=st.sampled_from([1.0, 1e90, 1e200, 1e300]), t=st.sampled_from([1.0, 1e100, 1e200]),
       p1=st.sampled_from([1e-300, 1.0, 1e150, 1e300]), h=st.sampled_from([1e-300, 1.0, 1e300]))
def test_huge_systems_never_give_a_silent_nan(y, t, p1, h):
    """Values near the end of double precision: a finite log-likelihood, −inf
    (the data impossible under the model), a NumericalError or (for inputs
    beyond ±1e100, refused before the filter runs) a ValueError; never NaN."""
    one = np.eye(1)
    try:
        out = kalman_filter(np.array([y, -y, y, 0.5 * y]), one, one * h, one * t, one, one, a1=np.zeros(1),
                            P1=one * p1)
    except (ArithmeticError, ValueError) as err:
        assert "rescale" in str(err)
        return
    assert not np.isnan(out["loglike"])


# -- the unobserved-components model -------------------------------------------

def test_values_near_1e90_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="endog has a value of magnitude .*e\\+89.*rescale"):
        UnobservedComponents(walk(1e90), level="local level", seasonal=12)


def test_large_but_accepted_values_give_finite_standard_errors():
    """1e45 is inside the accepted range: the fit, its standard errors and the
    forecast are finite, and equal the unit-scale fit rescaled."""
    unit = UnobservedComponents(walk(), level="local level").fit()
    big = UnobservedComponents(walk(1e45), level="local level").fit()
    assert np.isfinite(big.bse.to_numpy()).all()
    np.testing.assert_allclose(big.params.to_numpy(), unit.params.to_numpy() * 1e90, rtol=1e-4)
    np.testing.assert_allclose(big.bse.to_numpy(), unit.bse.to_numpy() * 1e90, rtol=1e-3)
    np.testing.assert_allclose(big.forecast(3).to_numpy(), unit.forecast(3).to_numpy() * 1e45, rtol=1e-6)


@pytest.mark.parametrize("gtol", [-1.0, 0.0, np.nan, np.inf])
def test_fit_gtol_must_be_positive(gtol):
    model = UnobservedComponents(walk(), level="local level")
    with pytest.raises(ValueError, match="gtol must be (> 0|finite)"):
        model.fit(gtol=gtol)


def test_negative_cores_are_refused_everywhere():
    model = UnobservedComponents(walk(), level="local level")
    fit = model.fit()
    with pytest.raises(ValueError, match="cores must be >= 1, got -1"):
        fit.simulate(2, paths=3, seed=1, cores=-1)
    with pytest.warns(ConvergenceWarning):  # 20 draws are too few, and the sampler says so
        post = model.fit_bayes(draws=20, tune=20, chains=1, seed=1, cores=1)
    with pytest.raises(ValueError, match="cores must be >= 1, got -2"):
        post.simulate(2, seed=1, cores=-2)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    logit = Logit(X, (X[:, 0] + rng.normal(size=40) > 0).astype(float))
    with pytest.raises(ValueError, match="cores"):
        logit.sample(draws=10, tune=10, chains=1, seed=1, cores=-1)
    with pytest.raises(ValueError, match="cores must be positive, got -1"):
        _core.bayes.sample(logit._core_model, 10, 10, 1, 1, -1)


def test_nan_parameters_to_the_simulators_are_refused():
    model = UnobservedComponents(walk(), level="local level")
    no_exog = np.zeros((3, 0), order="F")
    with pytest.raises(ValueError, match="sigma2.irregular must be non-negative and finite, got nan"):
        model._model.simulate(np.array([np.nan, 1.0]), 3, 4, no_exog, 1, 1)
    with pytest.raises(ValueError, match="sigma2.level must be non-negative and finite, got nan"):
        model._model.simulate_from_draws(np.array([[1.0, np.nan]]), np.zeros((1, 1)), 3, no_exog, 1, 1)
    with pytest.raises(ValueError, match="params must be finite"):
        _core.counts.ingarch_simulate(np.array([np.nan, 0.3]), np.zeros((20, 0)), [1], [], "log", "poisson")
    with pytest.raises(ValueError, match="params must be finite"):
        _core.events.hawkes_simulate(np.array([np.nan, 0.3, 1.0]), 1, 1, 10.0, 1)
    with pytest.raises(ValueError, match="mode must be finite"):
        _core.bayes.laplace_draws(np.array([np.nan, 0.0]), -np.eye(2), 3, 1)
    with pytest.raises(ValueError, match="hessian must be finite"):
        _core.bayes.laplace_draws(np.zeros(2), np.array([[-1.0, np.nan], [np.nan, -1.0]]), 3, 1)


def test_streamed_forecast_matches_the_filter_through_missing_values():
    """The O(m²) forecast loop equals the filter run on y followed by h NaNs:
    mean z'a_t and variance z'P_t z + σ²_ε of the predicted states."""
    y = walk()
    model = UnobservedComponents(y, level="local linear trend", seasonal=12)
    fit = model.fit()
    params = fit.params.to_numpy()
    h = 30
    ext = UnobservedComponents(np.r_[y.to_numpy(), np.full(h, np.nan)], level="local linear trend", seasonal=12)
    out = ext._model.filter(params)
    system = model.spec.system(params, np.zeros((1, 0)))
    z, m = system["Z"][0], system["T"].shape[0]
    P = out["predicted_state_cov"].reshape(m, m, -1, order="F")
    mean = out["predicted_state"][len(y):len(y) + h] @ z
    var = np.einsum("i,ijt,j->t", z, P[:, :, len(y):len(y) + h], z) + system["H"][0, 0]
    fc = fit.get_forecast(h)
    np.testing.assert_allclose(fc.predicted_mean.to_numpy(), mean, rtol=1e-10)
    np.testing.assert_allclose(fc.var_pred_mean.to_numpy(), var, rtol=1e-10)


def test_ctrl_c_stops_a_huge_forecast():
    """A forecast over millions of steps polls for Ctrl-C (the C++ loop runs
    without the GIL; the binding's thread checks for signals every 50 ms)."""
    model = UnobservedComponents(walk(), level="local linear trend", seasonal=12)
    params = model.fit().params.to_numpy()
    steps = 20_000_000
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model._model.forecast(params, steps, np.zeros((steps, 0)))
    timer.join()
    assert time.perf_counter() - start < 20


def test_density_rows_are_the_one_at_a_time_densities_for_any_thread_count():
    rng = np.random.default_rng(11)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = pd.Series((rng.uniform(size=80) < 0.4).astype(float))
    model = Logit(X, y)._core_model
    thetas = rng.normal(size=(301, model.dim))
    one_at_a_time = np.array([model.log_density(t, True)[0] for t in thetas])
    serial = _core.bayes.log_density_rows(model, thetas, True, 1)
    # a logit's rows are evaluated blockwise (one matrix product per block): the same as one at a time
    # to rounding, and bit for bit the same whatever the thread count
    np.testing.assert_allclose(serial, one_at_a_time, rtol=1e-12)
    for threads in (2, 0):
        np.testing.assert_array_equal(_core.bayes.log_density_rows(model, thetas, True, threads), serial)
    with pytest.raises(ValueError, match="thetas columns must have size"):
        _core.bayes.log_density_rows(model, thetas[:, :2], True, 1)
    with pytest.raises(ValueError, match="threads must be >= 0"):
        _core.bayes.log_density_rows(model, thetas, True, -1)
