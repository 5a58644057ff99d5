"""Bad input gets a ValueError or TypeError naming the argument, never a crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from summitcast import NumericalError
from summitcast.statespace import InverseGamma, UnobservedComponents, kalman_filter

IDX = pd.date_range("2015-01-01", periods=48, freq="MS")


def series(values=None):
    rng = np.random.default_rng(0)
    return pd.Series(rng.normal(size=48) if values is None else values, index=IDX, name="y")


def test_inf_in_endog():
    y = series()
    y.iloc[5] = np.inf
    with pytest.raises(ValueError, match="endog contains infinite values.*position 5"):
        UnobservedComponents(y)


def test_all_nan():
    with pytest.raises(ValueError, match="endog has no observed values: all 48 are NaN"):
        UnobservedComponents(series(np.full(48, np.nan)))


def test_too_short_for_the_model():
    y = series()
    y.iloc[3:] = np.nan
    with pytest.raises(ValueError, match="endog has 3 observed values; the model needs at least"):
        UnobservedComponents(y, level="local linear trend", seasonal=4)


def test_duplicated_index():
    y = series()
    y.index = IDX[:-1].append(IDX[-2:-1])
    with pytest.raises(ValueError, match="duplicated index"):
        UnobservedComponents(y)


def test_unsorted_index():
    y = series().iloc[::-1]
    with pytest.raises(ValueError, match="sorted"):
        UnobservedComponents(y)


def test_irregular_datetime_index():
    y = series()
    y.index = pd.DatetimeIndex(["2015-01-01", "2015-01-03"] + list(IDX[2:]))
    with pytest.raises(ValueError, match="no regular frequency"):
        UnobservedComponents(y)


@pytest.mark.parametrize("values", [np.array(["a"] * 48, dtype=object), np.ones(48, dtype=bool)])
def test_non_numeric(values):
    with pytest.raises(TypeError, match="endog must be numeric"):
        UnobservedComponents(pd.Series(values, index=IDX))


@pytest.mark.parametrize("period", [1, 0, -3, 49])
def test_seasonal_period(period):
    with pytest.raises(ValueError, match="seasonal"):
        UnobservedComponents(series(), seasonal=period)


def test_seasonal_period_not_integer():
    with pytest.raises(TypeError, match="seasonal must be an integer"):
        UnobservedComponents(series(), seasonal=12.5)


def test_freq_seasonal_harmonics():
    with pytest.raises(ValueError, match="harmonics"):
        UnobservedComponents(series(), freq_seasonal=[{"period": 12, "harmonics": 7}])


def test_exog_wrong_length():
    with pytest.raises(ValueError, match="exog must have 48 rows"):
        UnobservedComponents(series(), exog=np.ones((47, 1)))


def test_exog_with_nan():
    x = pd.DataFrame({"x": np.ones(48)}, index=IDX)
    x.iloc[10, 0] = np.nan
    with pytest.raises(ValueError, match=r"exog has NaN or infinite values in 1 row\(s\) \(first at .*2015-11-01"):
        UnobservedComponents(series(), exog=x)


def test_exog_misaligned_index():
    x = pd.DataFrame({"x": np.ones(48)}, index=IDX + pd.offsets.MonthBegin(1))
    with pytest.raises(ValueError, match="exog's index does not match"):
        UnobservedComponents(series(), exog=x)


def test_negative_variance_in_loglike():
    model = UnobservedComponents(series())
    with pytest.raises(ValueError, match="variance sigma2.level must be non-negative, got -1"):
        model.loglike([1.0, -1.0])


def test_wrong_number_of_params():
    with pytest.raises(ValueError, match="params must have 2 values"):
        UnobservedComponents(series()).loglike([1.0])


def test_nan_params():
    with pytest.raises(ValueError, match="sigma2.irregular must be finite"):
        UnobservedComponents(series()).loglike([np.nan, 1.0])


def test_unknown_level():
    with pytest.raises(ValueError, match="level must be one of"):
        UnobservedComponents(series(), level="local cubic")


def test_forecast_needs_future_exog():
    x = pd.DataFrame({"x": np.arange(48.0)}, index=IDX)
    res = UnobservedComponents(series(), exog=x).smooth([1.0, 0.1, 0.0])
    with pytest.raises(ValueError, match="give exog for the 3 forecast steps"):
        res.get_forecast(3)
    with pytest.raises(ValueError, match="must have 3 rows"):
        res.get_forecast(3, exog=np.ones((2, 1)))


def test_bad_steps_and_paths():
    res = UnobservedComponents(series()).smooth([1.0, 0.1])
    with pytest.raises(ValueError, match="steps must be >= 1"):
        res.get_forecast(0)
    with pytest.raises(ValueError, match="paths must be >= 1"):
        res.simulate(3, paths=0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        res.simulate(3, paths=2, seed=-1)


def test_bad_priors_and_sampler_settings():
    model = UnobservedComponents(series())
    with pytest.raises(ValueError, match="InverseGamma scale must be positive"):
        InverseGamma(1.0, 0.0)
    with pytest.raises(ValueError, match="priors names unknown parameters"):
        model.fit_bayes(draws=10, priors={"sigma2.trend": InverseGamma(1, 1)})
    with pytest.raises(ValueError, match="draws must be >= 1"):
        model.fit_bayes(draws=0)
    with pytest.raises(ValueError, match="chains must be >= 1"):
        model.fit_bayes(chains=0)


def test_generic_filter_shape_errors():
    with pytest.raises(ValueError, match="Z must be 1 x 3, got 1 x 2"):
        kalman_filter(np.zeros(5), np.ones((1, 2)), np.eye(1), np.eye(3), np.eye(2), np.eye(2), np.zeros(2),
                      P1=np.eye(2))
    with pytest.raises(ValueError, match="Z is time-varying with 4 slices but y has 5"):
        kalman_filter(np.zeros(5), np.ones((4, 1, 2)), np.eye(1), np.eye(2), np.eye(2), np.eye(2), np.zeros(2))
    with pytest.raises(ValueError, match="y must not contain infinite values"):
        kalman_filter(np.array([0.0, np.inf]), np.ones((1, 1)), np.eye(1), np.eye(1), np.eye(1), np.eye(1),
                      np.zeros(1), P1=np.eye(1))


@settings(max_examples=100, deadline=None, derandomize=True)
@example(values=[np.nan, 1.1984620899082105e308, 0.0, 0.0], level="local linear trend")
@given(
    values=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.just(np.nan)), min_size=0, max_size=30
    ),
    level=st.sampled_from(["local level", "local linear trend", "smooth trend", "random walk"]),
)
def test_arbitrary_series_never_crash(values, level):
    """Any input either fits or raises ValueError/TypeError: no crash, no silent NaN."""
    arr = np.array(values, dtype=float)
    try:
        model = UnobservedComponents(arr, level=level)
        ll = model.loglike(np.abs(model.start_params.to_numpy()) + 1e-3)
    except (ValueError, TypeError, NumericalError):
        return
    assert np.isfinite(ll) or ll == -np.inf


def test_values_too_large_for_double_precision():
    with pytest.raises(ValueError, match="too large to square in double precision; rescale"):
        UnobservedComponents(np.array([1.0, 2e300, 3.0, 4.0]))
