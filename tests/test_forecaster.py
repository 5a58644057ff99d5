"""SummitForecaster on the bundled record: the as-of rule, reproducibility,
probabilities, the fusion against a brute-force simulation, scenarios with
common random numbers, the JSON schema and the displays."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import summitcast as sc
from summitcast.datasets import load_trilateral
from summitcast.forecaster import SummitForecaster, load_schema
from summitcast.forecaster._features import EXOGENOUS_FEATURES, FEATURES, STEP_FEATURES, decay
from summitcast.forecaster._record import STEP_CLASSES

SMALL = dict(draws=120, paths=24)

# The fast mode's importance-corrected Laplace approximation of the pooled
# summit hazard can have Pareto k-hat >= 0.7 on the bundled record; it says so
# with a ConvergenceWarning (tested in test_cli and test_bayes_psis).  These
# tests are about other properties, so that warning does not decide them.
pytestmark = pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    return load_trilateral()


@pytest.fixture(scope="module")
def fitted(data):
    return SummitForecaster(**SMALL).fit(data, seed=7)


@pytest.fixture(scope="module")
def forecast(fitted):
    return fitted.forecast(24)


def test_top_level_export_is_lazy():
    assert sc.SummitForecaster is SummitForecaster
    assert "SummitForecaster" in dir(sc)


def test_probabilities_are_cumulative_and_inside_their_intervals(forecast):
    frame = forecast.to_frame()
    assert list(frame.columns[:5]) == ["months", "month", "p_held", "lower", "upper"]
    assert frame["months"].tolist() == list(range(1, 25))
    p = frame["p_held"].to_numpy()
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) >= -1e-12)
    assert np.all(frame["lower"] <= p + 1e-12) and np.all(p <= frame["upper"] + 1e-12)
    assert np.all(np.diff(frame["lower"]) >= -1e-12) and np.all(np.diff(frame["upper"]) >= -1e-12)
    assert pd.DatetimeIndex(frame["month"]).freqstr in (None, "MS")
    assert frame["month"].iloc[0] == forecast.as_of + pd.offsets.MonthBegin(1)
    levels = frame[[c for c in frame.columns if c.startswith("p_level_")]].to_numpy()
    np.testing.assert_allclose(levels.sum(axis=1), 1.0, atol=1e-9)


def test_variance_split_adds_up_to_the_total(fitted):
    key = fitted.series
    ext, _ = fitted._inputs(key, 12, 5)
    held = fitted._run(key, 12, ext).held
    per_draw = held.mean(axis=1)
    # law of total variance with population variances: Var = E Var_paths + Var E_paths
    np.testing.assert_allclose(held.reshape(-1, 12).var(axis=0),
                               held.var(axis=1).mean(axis=0) + per_draw.var(axis=0), rtol=1e-10, atol=1e-14)


def test_same_seed_same_numbers_other_seed_other_numbers(data, forecast):
    again = SummitForecaster(**SMALL).fit(data, seed=7).forecast(24)
    pd.testing.assert_frame_equal(again.to_frame(), forecast.to_frame())
    pd.testing.assert_frame_equal(again.drivers, forecast.drivers)
    other = SummitForecaster(**SMALL).fit(data, seed=8).forecast(24)
    assert not np.allclose(other.to_frame()["p_held"], forecast.to_frame()["p_held"])


def _perturbed_after(data, as_of: str):
    """The record with everything after the end of ``as_of`` changed: later
    meetings erased or invented, later steps invented, later indicators
    scrambled and a later crisis added."""
    cut = pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)
    later = pd.Timestamp(as_of) + pd.DateOffset(months=3)
    changes = {}
    if getattr(data, "series_meetings", None) is not None:
        sm = data.series_meetings
        fake = sm.iloc[[0]].assign(date=later, series="trilateral")
        changes["series_meetings"] = pd.concat([sm[sm["date"] <= cut], fake], ignore_index=True)
    if getattr(data, "steps", None) is not None:
        st = data.steps
        fake = st.iloc[[0]].assign(date=later, kind="date_announced", series="trilateral")
        changes["steps"] = pd.concat([st[st["date"] <= cut], fake], ignore_index=True)
    summits = data.summits.copy()
    late = summits["date"] > cut
    summits.loc[late, "held"] = False
    changes["summits"] = summits
    ind = data.indicators.copy()
    after = ind.index > pd.Timestamp(as_of)
    rng = np.random.default_rng(0)
    for col in ind.columns:
        if pd.api.types.is_bool_dtype(ind[col]):
            ind.loc[after, col] = ~ind.loc[after, col].fillna(False).astype(bool)
        elif pd.api.types.is_integer_dtype(ind[col]):
            ind.loc[after, col] = rng.integers(0, 5, after.sum())
        else:
            ind.loc[after, col] = rng.uniform(0.5, 5.0, after.sum())
    changes["indicators"] = ind
    crises = data.crises.copy()
    extra = crises.iloc[[0]].copy()
    extra["onset"] = later
    changes["crises"] = pd.concat([crises, extra], ignore_index=True)
    return dataclasses.replace(data, **changes)


def test_as_of_rule_nothing_later_changes_the_forecast(data):
    as_of = "2019-06"
    base = SummitForecaster(**SMALL).fit(data, as_of=as_of, seed=3).forecast(12)
    other = SummitForecaster(**SMALL).fit(_perturbed_after(data, as_of), as_of=as_of, seed=3).forecast(12)
    assert base.as_of == pd.Timestamp(as_of)
    pd.testing.assert_frame_equal(base.to_frame(), other.to_frame())
    pd.testing.assert_frame_equal(base.drivers, other.drivers)


def test_as_of_outside_the_data_is_an_error(data):
    with pytest.raises(ValueError, match="after the data's as-of"):
        SummitForecaster(**SMALL).fit(data, as_of="2099-01", seed=1)
    with pytest.raises(ValueError, match="before the indicator panel starts"):
        SummitForecaster(**SMALL).fit(data, as_of="1990-01", seed=1)
    with pytest.raises(ValueError, match="as_of must be a month"):
        SummitForecaster(**SMALL).fit(data, as_of="not a month", seed=1)


def test_held_probabilities_are_the_forecasts_p_held_exactly(data):
    # the backtest's cheaper path (no intervals, no outcome levels) gives the very numbers of
    # forecast(...).to_frame()["p_held"], computed afresh or taken from a forecast already made
    fresh = SummitForecaster(**SMALL).fit(data, as_of="2019-06", seed=11)
    alone = fresh.held_probabilities(18)
    other = fresh.held_probabilities(12, series="japan_korea_visits")
    for series, p in ((None, alone), ("japan_korea_visits", other)):
        np.testing.assert_array_equal(p, fresh.forecast(p.size, series=series).to_frame()["p_held"].to_numpy())
    np.testing.assert_array_equal(fresh.held_probabilities(18), alone)  # now from the forecast made
    with pytest.raises(ValueError, match="horizon"):
        fresh.held_probabilities(0)
    with pytest.raises(ValueError, match="not fitted"):
        SummitForecaster().held_probabilities(6)


def test_bad_arguments_name_themselves(fitted):
    with pytest.raises(ValueError, match="horizon"):
        fitted.forecast(0)
    with pytest.raises(ValueError, match="horizon"):
        fitted.forecast(121)
    with pytest.raises(TypeError, match="horizon"):
        fitted.forecast(2.5)
    with pytest.raises(ValueError, match="series must be one of"):
        fitted.forecast(6, series="no_such_series")
    with pytest.raises(ValueError, match="mode"):
        SummitForecaster(mode="medium")
    with pytest.raises(ValueError, match="paths"):
        SummitForecaster(paths=0)
    with pytest.raises(ValueError, match="not fitted"):
        SummitForecaster().forecast(6)


def test_hazard_likelihoods_are_discounted_by_age_before_as_of(fitted):
    """Configuration 4 (benchmarks/results/skill_configurations.md): each series-month's
    likelihood term weighs 2^(-age/120), age in months before the as-of month."""
    panel = fitted.history.panel
    age = np.array([(fitted.as_of.year - m.year) * 12 + fitted.as_of.month - m.month for m in panel["month"]])
    expected = 0.5 ** (age / 120.0)
    np.testing.assert_allclose(fitted.models.summit.model.weights, expected, rtol=1e-12)
    assert expected.max() == 1.0 and np.isclose(expected[age == 120], 0.5).all() and (age == 120).any()
    for cls, fm in fitted.models.steps.items():
        rows = panel[panel["series"].isin(fm.design.groups)]
        np.testing.assert_allclose(fm.model.weights, expected[rows.index], rtol=1e-12)


def _brute_force(fitted, key: str, horizon: int, seed: int) -> np.ndarray:
    """P(first meeting by t) by drawing every month's meeting and steps one
    trajectory at a time from the fitted coefficients (no Rao–Blackwellisation)."""
    summit, steps, _ = fitted._coefficients(key, fitted.draws)
    ext, _ = fitted._inputs(key, horizon, 11)
    exo = fitted._exogenous(key, ext, horizon)
    dur = fitted._duration(key, horizon)
    state0 = fitted.history.state[key]
    rng = np.random.default_rng(seed)
    S, P = summit.slopes.shape[0], exo.shape[0]
    first = np.full((S, P), horizon + 1)
    idx = {f: FEATURES.index(f) for f in FEATURES}

    def eta(c, s, p, t, state):
        x = np.zeros(len(FEATURES))
        for j, f in enumerate(EXOGENOUS_FEATURES):
            x[idx[f]] = exo[p, t, j]
        x[idx["log_gap"]], x[idx["anniversary"]] = dur[t]
        for f in STEP_FEATURES:
            x[idx[f]] = state[f]
        return c.intercept[s] + c.slopes[s] @ x

    for s in range(S):
        for p in range(P):
            state = {cls: state0[cls] for cls in STEP_CLASSES}
            for t in range(horizon):
                h = 1.0 / (1.0 + np.exp(-eta(summit, s, p, t, state)))
                happened = {cls: rng.random() < 1.0 / (1.0 + np.exp(-eta(c, s, p, t, state)))
                            for cls, c in steps.items()}
                if rng.random() < h:
                    first[s, p] = t + 1
                    break
                for cls in STEP_CLASSES:
                    state[cls] = decay(cls) * state[cls] + float(happened.get(cls, False))
    return np.array([(first <= t + 1).mean() for t in range(horizon)])


def test_fusion_equals_a_brute_force_simulation_of_the_fitted_hazard(data):
    fc = SummitForecaster(draws=60, paths=10).fit(data, seed=21)
    key, horizon = fc.series, 12
    ext, _ = fc._inputs(key, horizon, 11)
    exact = fc._run(key, horizon, ext).held.mean(axis=(0, 1))
    reps = [_brute_force(fc, key, horizon, seed) for seed in range(6)]
    brute = np.mean(reps, axis=0)
    # Monte Carlo error of the brute force: each replicate is 600 trajectories
    se = np.sqrt(brute * (1 - brute) / (600 * len(reps))) + 1e-4
    # the step draws of the fusion add their own (smaller) noise: allow 4.5 standard errors
    assert np.all(np.abs(exact - brute) <= 4.5 * se + 0.01), (exact, brute)


def test_scenarios_shift_in_the_expected_direction_and_leave_the_baseline(fitted, forecast):
    before = forecast.to_frame()
    test = fitted.scenario(24, nuclear_test=3)
    end = fitted.scenario(24, crisis=("end", 2))
    new = fitted.scenario(24, crisis=("JPN-KOR", 2))
    held = fitted.scenario(24, ministers_meeting=("held", 3))
    for result in (test, end, new, held):
        frame = result.to_frame()
        assert list(frame.columns[:5]) == ["months", "month", "shift", "lower", "upper"]
        np.testing.assert_allclose(frame["p_baseline"], before["p_held"], atol=1e-12)
        assert np.all(frame["lower"] <= frame["shift"] + 1e-12) and np.all(frame["shift"] <= frame["upper"] + 1e-12)
    assert end.to_frame()["shift"].iloc[11] > 0  # ending the crises raises the chance
    assert new.to_frame()["shift"].iloc[11] < 0  # a new crisis lowers it
    assert held.to_frame()["shift"].iloc[11] > 0  # a ministers' meeting raises it
    pd.testing.assert_frame_equal(fitted.forecast(24).to_frame(), before)  # baseline unchanged


def test_common_random_numbers_make_the_shift_precise(data):
    fc = SummitForecaster(draws=100, paths=20).fit(data, seed=100)
    fitted_seed = fc.seed
    crn, independent = [], []
    for k in range(5):
        # the forecast streams follow the seed; the fitted posteriors stay as they are
        fc.seed, fc._cache = fitted_seed + k, {}
        frame = fc.scenario(12, ministers_meeting=("held", 2), nuclear_test=2).to_frame()
        crn.append(frame["shift"].iloc[-1])
        assert np.all(frame["mc_se"].iloc[1:] < 0.5 * frame["mc_se_independent"].iloc[1:])
        scen = frame["p_scenario"].iloc[-1]
        fc.seed, fc._cache = fitted_seed + 50 + k, {}
        independent.append(scen - fc.forecast(12, drivers=False).p_held(12))
    fc.seed = fitted_seed
    assert np.std(crn, ddof=1) < 0.25 * np.std(independent, ddof=1)


def test_scenario_bad_keywords_and_months(fitted):
    with pytest.raises(ValueError, match="unknown scenario keyword"):
        fitted.scenario(12, earthquake="2026-03")
    with pytest.raises(ValueError, match="forecast window"):
        fitted.scenario(12, nuclear_test="2030-01")
    with pytest.raises(ValueError, match="forecast window"):
        fitted.scenario(12, nuclear_test=0)
    with pytest.raises(TypeError, match="trade"):
        fitted.scenario(12, trade=-0.15)
    with pytest.raises(ValueError, match="held' or 'cancelled"):
        fitted.scenario(12, ministers_meeting=("maybe", 3))
    with pytest.raises(ValueError, match="crisis pair"):
        fitted.scenario(12, crisis=("USA-RUS", 3))


def test_json_document_follows_the_shipped_schema(forecast):
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(json.dumps(forecast.to_dict(), allow_nan=False))
    jsonschema.validate(doc, load_schema())
    assert doc["schema_version"] == 1 and len(doc["horizons"]) == 24
    assert doc["horizons"][11]["months"] == 12
    assert doc["horizons"][11]["p_held"] == pytest.approx(forecast.p_held(12))
    broken = json.loads(json.dumps(doc))
    broken["horizons"][0]["p_held"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_schema())


def test_summary_html_and_plot(forecast, fitted):
    text = forecast.summary().as_text()
    assert "P(held by month)" in text and "Drivers" in text and "credible" in text
    assert "<table" in forecast._repr_html_()
    assert "trilateral" in repr(fitted) and "Models" in fitted.summary().as_text()
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = forecast.plot()
    ax = fig.axes[0]
    assert ax.get_ylabel().startswith("P(") and ax.get_xlabel() == "month"
    assert len(fig.axes) >= 2  # the indicators' fan charts beside the curve
    plt.close(fig)


def test_a_gap_in_the_trade_record_before_as_of_is_imputed_as_in_the_fit(data):
    # the bundled China-Korea monthly trade misses 2020-01..2020-12: as of 2021-01 the 12-month
    # growth of the forecast months looks back into that gap (it used to raise a ValueError)
    fc = SummitForecaster(**SMALL).fit(data, as_of="2021-01", seed=3)
    frame = fc.forecast(24, drivers=False).to_frame()
    assert np.isfinite(frame["p_held"]).all() and frame["p_held"].is_monotonic_increasing
    assert any("trade_growth unknown" in n and "trade:CHN-KOR" in n for n in fc.forecast(24, drivers=False).notes)
    later = SummitForecaster(**SMALL).fit(data, as_of="2023-06", seed=3)
    assert not any("unknown in some forecast months" in n for n in later.forecast(24, drivers=False).notes)


def test_mode_settings_fill_what_a_caller_leaves_out_and_name_what_they_get_wrong():
    from summitcast.forecaster._models import MODE_SETTINGS, mode_settings

    full = mode_settings("full", {"draws": 40})
    assert full == {**MODE_SETTINGS["full"], "draws": 40}
    assert mode_settings("fast") == MODE_SETTINGS["fast"] and mode_settings("fast") is not MODE_SETTINGS["fast"]
    with pytest.raises(ValueError, match=r"settings has keys \['tune'\]"):
        mode_settings("fast", {"tune": 10})
    with pytest.raises(ValueError, match="mode must be one of.*'exact'"):
        mode_settings("exact")


def test_crisis_features_count_the_crises_table_and_skip_series_an_organisation_convenes(data, fitted):
    """Configuration 5: a state-only series' ``crisis`` in month t counts the
    crises between its members active in month t - 1, read directly from the
    crises table; the ASEAN-convened series read none (``crisis`` and
    ``host_crisis`` are 0 in every month), though crises were active in their months."""
    panel = fitted.history.panel
    crises = data.crises
    for key, members in [("china_japan_visits", {"CHN", "JPN"}), ("trilateral", {"CHN", "JPN", "KOR"})]:
        rows = panel[panel["series"] == key]
        expected = []
        for month in rows["month"]:
            previous = month - pd.DateOffset(months=1)
            count = 0
            for _, c in crises.iterrows():
                parties = set(c["parties"].split(";"))
                if len(parties & members) < 2:
                    continue
                onset = c["onset"].to_period("M").to_timestamp()
                end = c["end"].to_period("M").to_timestamp() if pd.notna(c["end"]) else fitted.as_of
                count += onset <= previous <= end
            expected.append(count)
        np.testing.assert_array_equal(rows["crisis"].to_numpy(), expected)
        assert rows["crisis"].max() >= 1
    for key in ("asean_plus_three", "east_asia_summit"):
        assert fitted.record.series[key].convened_by_organisation
        rows = panel[panel["series"] == key]
        assert len(rows) > 100
        assert (rows["crisis"] == 0).all() and (rows["host_crisis"] == 0).all()
    state_only = [k for k, info in fitted.record.series.items() if not info.convened_by_organisation]
    assert {"trilateral", "china_japan_visits", "us_japan_korea_leaders"} <= set(state_only)
