"""The classes of bad input the held-out fuzz of issue 8 found, one test (or a
property) each: every one used to be accepted silently, give NaN without a
reason, or fail with an error that did not name the argument."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import summitcast as sc
from summitcast import diagnostics
from summitcast._bundled import load_nile
from summitcast._common.validation import MAX_ARRAY_VALUES
from summitcast.bayes import DiscreteHazard, HierarchicalLogit, Logit, OrderedLogit, at_risk_panel
from summitcast.counts import INGARCH, simulate_ingarch
from summitcast.datasets import simulate_world
from summitcast.events import Hawkes
from summitcast.io import read_acled, read_cns_missile_db, read_gdelt_events
from summitcast.statespace import UnobservedComponents, kalman_filter

from bad_input_cases import N_ROWS, binary, counts, design, event_floats, groups, regressor, walk

FIXTURES = "tests/fixtures"
QUICK = settings(max_examples=25, deadline=None, derandomize=True)


def quiet(fn, *args, **kwargs):
    """A valid starting point whose own warnings are not what is tested."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# -- wrong types reach numpy: the argument is named ----------------------------

TEXTS = st.one_of(st.text(min_size=1, max_size=5), st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=3))


@QUICK
@given(value=TEXTS)
def test_strings_for_numbers_name_the_argument(value):
    uc = quiet(lambda: UnobservedComponents(walk()).fit())
    ing = quiet(lambda: INGARCH(counts()).fit())
    calls = {
        "params": lambda: uc.model.loglike(value),
        "start_params": lambda: ing.model.fit(start_params=value),
        "decays": lambda: Hawkes().fit(event_floats(), decays=value),
        "Z": lambda: kalman_filter(walk().to_numpy(), value, np.eye(1), np.eye(1), np.eye(1), np.eye(1), np.zeros(1)),
        "X": lambda: Logit(value, binary()),
        "x": lambda: diagnostics.rhat(value),
        "residuals": lambda: sc.events.ks_exponential(value),
    }
    for name, call in calls.items():
        with pytest.raises((TypeError, ValueError), match=name) as err:
            call()
        assert "could not convert string to float" not in str(err.value)


def test_readers_given_the_wrong_kind_of_path_name_the_argument(tmp_path):
    acled = f"{FIXTURES}/acled_2019_layout.csv"
    with pytest.raises(TypeError, match=r"path must be a path .* got \['"):
        read_acled([acled, acled])
    with pytest.raises(TypeError, match=r"paths\[1\] must be a path .* got 3"):
        read_gdelt_events([f"{FIXTURES}/gdelt1_daily_20130401.export.CSV", 3])
    with pytest.raises(FileNotFoundError, match=f"paths\\[0\\]: no such file: {tmp_path}/missing.CSV"):
        read_gdelt_events([tmp_path / "missing.CSV"])
    with pytest.raises(FileNotFoundError, match="path is a directory, not a file"):
        read_cns_missile_db(tmp_path)
    with pytest.raises(TypeError, match="path must be a path"):
        sc.load(None)
    with pytest.raises(ValueError, match="encoding must be 'auto' or a codec name"):
        read_acled(acled, encoding="utf-9")


# -- a bad posterior is flagged, by one set of thresholds -----------------------

def test_gibbs_with_defaults_warns_as_nuts_does():
    """The held-out fuzz: fit_bayes() with defaults gave R-hat 1.275 and ESS
    13 on the Nile without a word."""
    with pytest.warns(sc.ConvergenceWarning, match=r"Gibbs sampler diagnostics failed: R-hat up to .*ESS as low as"):
        post = UnobservedComponents(load_nile()).fit_bayes(seed=1)
    d = post.diagnostics()
    assert d["r_hat"].max() > diagnostics.RHAT_MAX or d[["ess_bulk", "ess_tail"]].min().min() < 400


def test_one_threshold_set_judges_both_samplers(monkeypatch):
    """Loosening the thresholds in summitcast.diagnostics silences both the
    Gibbs and the NUTS posterior: there is no second copy of them."""
    monkeypatch.setattr(diagnostics, "RHAT_MAX", 10.0)
    monkeypatch.setattr(diagnostics, "ESS_MIN_PER_CHAIN", 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sc.ConvergenceWarning)
        UnobservedComponents(load_nile()).fit_bayes(draws=30, tune=10, chains=2, seed=1)
        Logit(design(), binary()).sample(draws=30, tune=50, chains=2, seed=1, cores=1)
    monkeypatch.setattr(diagnostics, "ESS_MIN_PER_CHAIN", 1e9)
    for run in (lambda: UnobservedComponents(load_nile()).fit_bayes(draws=30, tune=10, chains=2, seed=1),
                lambda: Logit(design(), binary()).sample(draws=30, tune=50, chains=2, seed=1, cores=1)):
        with pytest.warns(sc.ConvergenceWarning, match="ESS as low as"):
            run()


# -- complex series and designs: the imaginary part is never dropped -----------

COMPLEX_CALLS = {
    "endog": lambda z: UnobservedComponents(z),
    "exog": lambda z: UnobservedComponents(walk(), exog=pd.DataFrame({"x": z})),
    "INGARCH endog": lambda z: INGARCH(counts() + 0j),
    "INGARCH exog": lambda z: INGARCH(counts(), exog=pd.DataFrame({"x": z})),
    "X": lambda z: Logit(design() + 1j, binary()),
    "y": lambda z: Logit(design(), binary() + 1j),
    "ordered X": lambda z: OrderedLogit(design() + 1j, binary()),
    "hierarchical X": lambda z: HierarchicalLogit(design() + 1j, binary(), groups()),
    "covariates": lambda z: DiscreteHazard(pd.date_range("1995-01", periods=48, freq="MS"), ["1996-05-01"],
                                           covariates=pd.DataFrame({"c": z}, index=walk().index.shift(-240))),
    "y of the filter": lambda z: kalman_filter(z, np.eye(1), np.eye(1), np.eye(1), np.eye(1), np.eye(1), np.zeros(1)),
    "draws": lambda z: diagnostics.ess_bulk(np.asarray(z).reshape(4, 12)),
}


@pytest.mark.parametrize("where", list(COMPLEX_CALLS))
def test_complex_values_are_refused(where):
    z = (walk() + 0.5j).set_axis(walk().index)
    with pytest.raises(TypeError, match="complex"):
        COMPLEX_CALLS[where](z)


# -- INGARCH: odd time indexes -------------------------------------------------

@pytest.mark.parametrize("odd, message", [
    (lambda y: y.iloc[::-1], "sorted"),
    (lambda y: y.set_axis(y.index[:-1].append(y.index[-2:-1])), "duplicated index"),
    (lambda y: y.set_axis(y.index.tz_localize("Asia/Seoul")), "time-zone-aware"),
    (lambda y: y.set_axis(y.index.delete(3).append(pd.DatetimeIndex(["2030-01-01"]))), "no regular frequency"),
])
def test_ingarch_refuses_odd_indexes(odd, message):
    with pytest.raises(ValueError, match=f"endog.*{message}|{message}"):
        INGARCH(odd(counts()))


def test_ingarch_exog_on_another_index_is_refused():
    with pytest.raises(ValueError, match="exog's index does not match"):
        INGARCH(counts(), exog=regressor().set_axis(regressor().index + pd.DateOffset(years=1)))


# -- NaN parameters and impossible ones in every simulation --------------------

@QUICK
@given(bad=st.sampled_from([np.nan, np.inf, -np.inf]), at=st.integers(0, 1))
def test_simulations_refuse_non_finite_parameters(bad, at):
    params = [0.5, 0.3]
    params[at] = bad
    name = ["intercept", "beta_1"][at]
    with pytest.raises(ValueError, match=f"params: {name} must be finite"):
        simulate_ingarch(params, 20, seed=1)
    with pytest.raises(ValueError, match=f"params: {['mu', 'alpha'][at]} must be finite"):
        Hawkes().loglike(event_floats(), [params[0], params[1], 1.0])
    with pytest.raises(ValueError, match="params: sigma2.* must be finite"):
        UnobservedComponents(walk()).smooth(params)
    with pytest.raises(ValueError, match="omega must be finite|alpha must be finite"):
        simulate_world(1, omega=params[0], alpha=params[1])


@pytest.mark.parametrize("kind", ["counts.INGARCHResults", "events.HawkesResults"])
def test_a_saved_file_with_nan_parameters_is_refused(tmp_path, kind):
    fit = quiet(lambda: INGARCH(counts()).fit() if kind.startswith("counts") else Hawkes().fit(event_floats()))
    path = tmp_path / "fit.json"
    fit.save(path)
    doc = json.loads(path.read_text())
    doc["payload"]["fit"]["params"][0] = None
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="the saved params: .* must be finite, got nan"):
        sc.load(path)


@QUICK
@given(sd=st.floats(max_value=-1e-12, allow_nan=False, allow_infinity=False))
def test_simulate_world_refuses_a_negative_standard_deviation(sd):
    with pytest.raises(ValueError, match=re.escape(f"trade_sigma must be >= 0, got {sd:g}")):
        simulate_world(1, trade_sigma=sd)


@pytest.mark.parametrize("params, message", [
    ({"p_crisis": -0.1}, "p_crisis must be >= 0"), ({"crisis_duration": 0.0}, "crisis_duration must be >= 1"),
    ({"cutpoints": (1.0, 1.0)}, "cutpoints must be two increasing"), ({"beta_gap": "0.4"}, "beta_gap must be a real"),
    ({"n_months": -3}, "n_months must be >= 1"), ({"trade_sigma": 1e200}, "trade_sigma must be <= 1e\\+100"),
])
def test_simulate_world_refuses_impossible_parameters(params, message):
    with pytest.raises((TypeError, ValueError), match=message):
        simulate_world(1, **params)


# -- negative gtol and cores, everywhere in Python -------------------------------

@QUICK
@given(cores=st.integers(-10**6, 0))
def test_non_positive_cores_are_refused_everywhere(cores):
    fit = quiet(lambda: UnobservedComponents(walk()).fit())
    post = quiet(lambda: UnobservedComponents(walk()).fit_bayes(draws=10, tune=5, chains=1, seed=1, cores=1))
    calls = [lambda: fit.simulate(2, paths=3, seed=1, cores=cores),
             lambda: post.simulate(2, seed=1, cores=cores),
             lambda: fit.model.fit_bayes(draws=10, tune=5, chains=1, seed=1, cores=cores),
             lambda: Logit(design(), binary()).sample(draws=10, tune=10, chains=1, seed=1, cores=cores)]
    for call in calls:
        with pytest.raises(ValueError, match=f"cores must be >= 1, got {cores}"):
            call()


@QUICK
@given(gtol=st.one_of(st.floats(max_value=0.0), st.just(np.nan)))
def test_non_positive_gtol_is_refused(gtol):
    with pytest.raises(ValueError, match="gtol must be"):
        UnobservedComponents(walk()).fit(gtol=gtol)


# -- the hazard panel: a missing event date -------------------------------------

MONTHS = pd.date_range("2000-01-01", periods=120, freq="MS")


@pytest.mark.parametrize("missing", [pd.NaT, None, np.nan, "NaT"])
def test_a_missing_event_date_is_refused(missing):
    with pytest.raises(ValueError, match=r"event_dates contains 1 missing date\(s\)"):
        at_risk_panel(MONTHS, ["2001-05-01", missing, "2004-03-01"])


def test_numbers_are_not_event_dates():
    """pandas would read them as nanoseconds after 1970, silently."""
    with pytest.raises(TypeError, match="event_dates must hold dates, got the number 5"):
        DiscreteHazard(MONTHS, [5, 7])


# -- diagnostics of constant or non-finite draws ---------------------------------

@QUICK
@given(value=st.floats(-1e6, 1e6), chains=st.integers(1, 4))
def test_constant_draws_give_nan_with_the_reason(value, chains):
    x = np.full((chains, 50), value)
    with pytest.warns(sc.ConvergenceWarning, match="R-hat of x is undefined \\(NaN\\): the draws are constant"):
        assert np.isnan(diagnostics.rhat(x))
    with pytest.warns(sc.ConvergenceWarning, match="MCSE of the sd of x is undefined"):
        assert np.isnan(diagnostics.mcse_sd(x))
    with pytest.warns(sc.ConvergenceWarning, match="energy is constant"):
        assert np.isnan(diagnostics.bfmi(x)).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_draws_are_refused(bad):
    x = np.random.default_rng(1).normal(size=(4, 50))
    x[2, 7] = bad
    for fn in (diagnostics.rhat, diagnostics.ess_bulk, diagnostics.ess_tail, diagnostics.mcse_mean):
        with pytest.raises(ValueError, match=r"x contains (NaN|infinite) values .*position \(2, 7\)"):
            fn(x)


def test_posterior_summary_explains_its_nan():
    post = Logit(design(), binary()).fit_laplace(draws=100, seed=1)
    frame = post.summary_frame()
    assert frame["r_hat"].isna().all() and frame.attrs["why_nan"] == {"r_hat": "R-hat needs at least two chains"}


def test_a_variance_at_its_boundary_explains_its_nan_standard_error():
    fit = quiet(lambda: UnobservedComponents(walk()).fit())
    with pytest.warns(sc.BoundaryWarning, match=r"standard errors of \['sigma2.irregular'\] are undefined .*boundary 0"):
        bse = fit.bse
    assert np.isnan(bse["sigma2.irregular"])


# -- absurd sampler settings: refused with the number ----------------------------

def test_absurd_sampler_settings_are_refused():
    logit = Logit(design(), binary())
    with pytest.raises(ValueError, match="chains must be >= 1, got 0"):
        logit.sample(chains=0)
    with pytest.raises(ValueError, match=f"draws=25,000,000 x chains=4 x values_per_draw=13 = 1,300,000,000 values, "
                                         f"beyond summitcast's limit of {MAX_ARRAY_VALUES:,}"):
        logit.sample(draws=25_000_000, chains=4)
    with pytest.raises(ValueError, match="draws must be <= 100000000, got 1000000000"):
        logit.sample(draws=10**9)
    with pytest.raises(ValueError, match="tune must be <= 100000000"):
        UnobservedComponents(walk()).fit_bayes(tune=10**9)
    with pytest.raises(ValueError, match=r"the posterior would hold draws=10,000,000 x chains=4 .* values"):
        UnobservedComponents(walk()).fit_bayes(draws=10**7)
    with pytest.raises(ValueError, match="paths=1,000,000,000 x steps=12"):
        quiet(lambda: INGARCH(counts()).fit()).simulate(12, paths=10**9)


def test_horizons_past_the_last_representable_date_name_steps():
    fit = quiet(lambda: UnobservedComponents(walk()).fit())
    with pytest.raises(ValueError, match="steps=100000000 periods after .* run past the last date pandas"):
        fit.simulate(10**8, paths=1)


@pytest.mark.parametrize("X", [np.zeros((N_ROWS, 2), dtype=bool), pd.DataFrame({"d": np.arange(N_ROWS) % 2 == 0})])
def test_boolean_dummies_are_designs(X):
    """Booleans in a design are dummies (0/1), the one non-float kind accepted."""
    if isinstance(X, np.ndarray):
        X[::2, 0] = X[1::3, 1] = True
    model = Logit(X, binary())
    assert model.design.values.dtype == float and set(np.unique(model.design.values)) <= {0.0, 1.0}
