"""Discrete-time hazard: the at-risk panel, duration terms, the MLE limit
against statsmodels on the same panel, and P(event within h months)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import patsy
import pytest

import statsmodels.api as sm

import summitcast.bayes as sb
from peers import quiet_peer

# China-Japan-South Korea trilateral leaders' summits (dates agreed by several
# sources; see ../shared/data/README.md)
SUMMITS = ["2008-12-13", "2009-10-10", "2010-05-29", "2011-05-21", "2012-05-13",
           "2015-11-01", "2018-05-09", "2019-12-24", "2024-05-26"]
MONTHS = pd.period_range("2009-01", "2025-12", freq="M")


def test_panel_events_and_durations():
    panel = sb.at_risk_panel(MONTHS, SUMMITS)
    assert panel.index.equals(pd.DatetimeIndex(MONTHS.to_timestamp(), name="month"))  # the monthly convention at the edge
    assert panel.index.freqstr == "MS"
    assert panel["event"].sum() == 8  # the Dec 2008 summit precedes the panel
    # Jan 2009 is one month after the Dec 2008 summit
    assert panel.loc[pd.Timestamp("2009-01"), "months_since_event"] == 1
    assert panel.loc[pd.Timestamp("2009-10"), "months_since_event"] == 10
    assert panel.loc[pd.Timestamp("2009-11"), "months_since_event"] == 1
    assert panel.loc[pd.Timestamp("2015-11"), "months_since_event"] == 42  # after May 2012
    d = panel["months_since_event"].to_numpy()
    np.testing.assert_allclose(panel["duration^3"], (d / 12) ** 3)


def test_panel_without_earlier_event_counts_from_the_start():
    panel = sb.at_risk_panel(MONTHS, SUMMITS[1:])
    assert panel["months_since_event"].iloc[0] == 1
    assert panel.loc[pd.Timestamp("2009-10"), "months_since_event"] == 10


def test_panel_warnings_and_errors():
    with pytest.warns(sb.DataWarning, match="1 event\\(s\\) after the panel's last month"):
        sb.at_risk_panel(MONTHS, [*SUMMITS, "2030-01-01"])
    with pytest.warns(sb.DataWarning, match="share a month"):
        sb.at_risk_panel(MONTHS, [*SUMMITS, "2024-05-02"])
    with pytest.raises(ValueError, match="consecutive months"):
        sb.at_risk_panel(MONTHS.delete(5), SUMMITS)
    cov = pd.DataFrame({"trade": np.arange(len(MONTHS), dtype=float)}, index=MONTHS.to_timestamp())
    with pytest.raises(ValueError, match="covariates lacks 1 month"):
        sb.at_risk_panel(MONTHS, SUMMITS, cov.iloc[1:])
    bad = cov.copy()
    bad.iloc[7, 0] = np.nan
    with pytest.raises(ValueError, match="covariates contains 1 non-finite.*row 7.*'trade'"):
        sb.at_risk_panel(MONTHS, SUMMITS, bad)
    with pytest.raises(ValueError, match="time must be one of .cubic., .spline."):
        sb.at_risk_panel(MONTHS, SUMMITS, time="quartic")


def test_spline_spans_the_natural_cubic_spline_space():
    """Our restricted cubic spline basis and patsy's natural cubic regression
    spline (cr) with the same knots give identical least-squares fits."""
    d = np.arange(1, 121, dtype=float)
    knots = np.array([6.0, 30.0, 60.0, 100.0])
    target = np.sin(d / 15.0) + 0.01 * d
    ours = np.column_stack([np.ones_like(d), sb.time_terms(d, "spline", knots).to_numpy()])
    theirs = patsy.dmatrix("cr(d, knots=inner, lower_bound=lo, upper_bound=hi)",
                           {"d": d, "inner": knots[1:-1], "lo": knots[0], "hi": knots[-1]})
    inside = (d >= knots[0]) & (d <= knots[-1])
    fit_ours = ours @ np.linalg.lstsq(ours[inside], target[inside], rcond=None)[0]
    fit_theirs = np.asarray(theirs) @ np.linalg.lstsq(np.asarray(theirs)[inside], target[inside], rcond=None)[0]
    np.testing.assert_allclose(fit_ours[inside], fit_theirs[inside], atol=1e-8)
    # linear beyond the last knot
    beyond = ours[d > knots[-1]]
    np.testing.assert_allclose(np.diff(beyond, 2, axis=0), 0.0, atol=1e-10)


def test_flat_prior_mode_equals_statsmodels_logit_on_the_panel():
    rng = np.random.default_rng(0)
    cov = pd.DataFrame({"tension": rng.normal(size=len(MONTHS))}, index=MONTHS)
    model = sb.DiscreteHazard(MONTHS, SUMMITS, cov, prior=sb.Flat(), prior_intercept=sb.Flat())
    panel = model.panel
    exog = sm.add_constant(panel[["duration", "duration^2", "duration^3", "tension"]])
    with quiet_peer():
        reference = sm.Logit(panel["event"], exog).fit(disp=0, tol=1e-12, maxiter=500)
    fit = model.fit_map()
    assert fit.llf == pytest.approx(reference.llf, rel=1e-9)
    np.testing.assert_allclose(fit.params.to_numpy(), reference.params.to_numpy(), rtol=1e-5)


def test_prob_within_recovers_a_constant_simulated_hazard():
    """Simulated history (not real data) with a constant 5% monthly hazard:
    P(event within 12 months) must be close to 1 - 0.95^12 = 0.46."""
    rng = np.random.default_rng(42)
    months = pd.period_range("1900-01", periods=2400, freq="M")
    events = months[rng.uniform(size=len(months)) < 0.05].to_timestamp()
    model = sb.DiscreteHazard(months, events)
    post = model.sample(draws=500, tune=500, chains=4, seed=1)
    table = post.prob_within(12)
    assert list(table.index) == list(pd.period_range(months[-1] + 1, periods=12, freq="M").to_timestamp())
    assert np.all(np.diff(table["mean"]) > 0)
    assert table["mean"].iloc[-1] == pytest.approx(1 - 0.95**12, abs=0.08)
    # the cumulative draws are 1 - prod(1 - h) of the monthly hazard draws
    hazards = post.predict_proba(model.future_design(12), return_draws=True)
    cumulative = post.prob_within(12, return_draws=True)
    np.testing.assert_allclose(cumulative, 1 - np.cumprod(1 - hazards, axis=1), rtol=1e-10)


def test_prob_within_uses_future_covariates():
    rng = np.random.default_rng(1)
    cov = pd.DataFrame({"tension": rng.normal(size=len(MONTHS))}, index=MONTHS)
    model = sb.DiscreteHazard(MONTHS, SUMMITS, cov)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.fit_laplace(draws=2000, seed=3)
    future = pd.DataFrame({"tension": np.full(6, 3.0)}, index=pd.period_range("2026-01", periods=6, freq="M"))
    high = post.prob_within(6, covariates=future)
    low = post.prob_within(6, covariates=future.assign(tension=-3.0))
    slope = post.draws["tension"].mean()
    assert np.sign(high["mean"].iloc[-1] - low["mean"].iloc[-1]) == np.sign(slope)
    with pytest.raises(ValueError, match="covariates lacks 3 forecast month"):
        post.prob_within(9, covariates=future)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        post.prob_within(0)


def test_spline_hazard_flat_prior_mode_equals_statsmodels():
    model = sb.DiscreteHazard(MONTHS, SUMMITS, time="spline", knots=4, prior=sb.Flat(), prior_intercept=sb.Flat())
    panel = model.panel
    assert panel.attrs["time"] == "spline" and len(panel.attrs["knots"]) == 4
    terms = ["duration", "duration_spline1", "duration_spline2"]
    with quiet_peer():
        reference = sm.Logit(panel["event"], sm.add_constant(panel[terms])).fit(disp=0, tol=1e-12, maxiter=500)
    fit = model.fit_map()
    assert fit.llf == pytest.approx(reference.llf, rel=1e-9)
    np.testing.assert_allclose(fit.params.to_numpy(), reference.params.to_numpy(), rtol=1e-5, atol=1e-7)
