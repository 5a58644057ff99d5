"""The recalibration map the forecaster carries: the bundled table against
the backtest it was learned from, every reported probability through the
one map, the map read at the as-of month, and data it does not apply to."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import summitcast as sc
from summitcast import SummitForecaster
from summitcast.datasets import load_trilateral
from summitcast.forecaster._recalibration import ForecastMap, _bundled

pytestmark = pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
SETTINGS = {"draws": 80, "paths": 12}


def expit_logit(p, a, b):
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return 1 / (1 + np.exp(-(a + b * np.log(q / (1 - q)))))


@pytest.fixture(scope="module")
def data():
    return load_trilateral()


@pytest.fixture(scope="module")
def pair(data):
    """The default forecaster and the same fit without a map (same seed, same draws)."""
    mapped = SummitForecaster(**SETTINGS).fit(data, seed=5)
    raw = SummitForecaster(**SETTINGS, recalibration=None).fit(data, seed=5)
    return mapped, raw


def test_bundled_table_is_the_map_learned_on_the_saved_backtest():
    """The shipped table against its provenance: the map at a month, learned afresh from the
    configuration-5 backtest's forecasts whose windows had closed by then (each weighted 1/h)."""
    table, source = _bundled()
    assert "backtest of the bundled record" in source
    forecasts = pd.read_csv(RESULTS / "skill_backtest_configuration5_crises2_forecasts.csv", parse_dates=["origin"])
    own = forecasts[forecasts["model"] == "SharedFit"]
    closes = own["origin"].dt.year * 12 + own["origin"].dt.month - 1 + own["horizon"]
    for month in ["2012-01", "2019-06", "2026-01"]:
        at = pd.Timestamp(month)
        known = own[closes <= at.year * 12 + at.month - 1]
        a, b = sc.evaluate.logistic_recalibration(known["forecast"], known["outcome"], weights=1 / known["horizon"])
        row = table[table["origin"] == at].iloc[0]
        assert row["n_known"] == len(known)
        np.testing.assert_allclose([row["a"], row["b"]], [a, b], atol=1e-8)
    # the table runs monthly from the first origin to the last closed window, with no gap
    months = pd.DatetimeIndex(table["origin"])
    assert months[0] == pd.Timestamp("2010-01") and (months.to_period("M").asi8[1:] - months.to_period("M").asi8[:-1]
                                                     == 1).all()


def test_every_reported_probability_goes_through_the_map(pair):
    mapped, raw = pair
    fm = mapped.recalibration_map
    assert fm is not None and fm.origin == pd.Timestamp("2026-01") and fm.b > 0
    table, _ = _bundled()
    row = table[table["origin"] == fm.origin].iloc[0]
    assert (fm.a, fm.b, fm.n_known) == (row["a"], row["b"], row["n_known"])
    f, g = mapped.forecast(24, drivers=False).to_frame(), raw.forecast(24, drivers=False).to_frame()
    for column in ("p_held", "lower", "upper"):
        np.testing.assert_allclose(f[column], expit_logit(g[column].to_numpy(), fm.a, fm.b), rtol=1e-9)
    assert np.all(np.diff(f["p_held"]) >= 0) and np.all(f["lower"] <= f["p_held"]) and np.all(f["p_held"] <= f["upper"])
    # a < 0 on this record: the map lowers every forecast
    assert np.all(f["p_held"] < g["p_held"])
    # the levels' distribution given held is the model's; P(held & level >= k) scales with P(held)
    levels = [c for c in f.columns if c.startswith("p_level_")]
    np.testing.assert_allclose(f[levels], g[levels], rtol=1e-10)
    ge = [c for c in f.columns if c.startswith("p_held_level_ge_")]
    np.testing.assert_allclose(f[ge], g[ge].to_numpy() * (f["p_held"] / g["p_held"]).to_numpy()[:, None], rtol=1e-10)
    # sd by the delta method: g'(p) sd
    np.testing.assert_allclose(f["sd"], g["sd"] * fm.slope(g["p_held"].to_numpy()), rtol=1e-10)
    np.testing.assert_allclose(mapped.held_probabilities(12), expit_logit(raw.held_probabilities(12), fm.a, fm.b),
                               rtol=1e-9)
    # the draws kept on the forecast (the interval's source) are mapped too
    np.testing.assert_allclose(mapped.forecast(24, drivers=False).draws,
                               expit_logit(raw.forecast(24, drivers=False).draws, fm.a, fm.b), rtol=1e-9)
    assert any("recalibrated by logit p'" in n for n in mapped.forecast(24, drivers=False).notes)
    assert mapped.forecast(24, drivers=False).settings["recalibration"]["origin"] == "2026-01"
    assert raw.forecast(24, drivers=False).settings["recalibration"] is None


def test_scenario_and_drivers_are_on_the_forecast_scale(pair):
    mapped, raw = pair
    fm = mapped.recalibration_map
    forecast = mapped.forecast(12, drivers=False).to_frame()
    scen = mapped.scenario(12, crisis="2026-03").to_frame()
    np.testing.assert_allclose(scen["p_baseline"], forecast["p_held"], rtol=1e-12)
    np.testing.assert_allclose(scen["shift"], scen["p_scenario"] - scen["p_baseline"], atol=1e-15)
    raw_scen = raw.scenario(12, crisis="2026-03").to_frame()
    np.testing.assert_allclose(scen["p_scenario"], expit_logit(raw_scen["p_scenario"].to_numpy(), fm.a, fm.b),
                               rtol=1e-9)
    assert np.all(scen["lower"] <= scen["shift"] + 1e-12) and np.all(scen["shift"] <= scen["upper"] + 1e-12)
    d, e = mapped.forecast(24).drivers, raw.forecast(24).drivers
    assert d.index.equals(e.index) and np.all(np.sign(d.to_numpy()) == np.sign(e.to_numpy()))


def test_map_is_read_at_the_as_of_month(data):
    fc = SummitForecaster(**SETTINGS).fit(data, as_of="2015-06", seed=5)
    table, _ = _bundled()
    row = table[table["origin"] == pd.Timestamp("2015-06")].iloc[0]
    assert fc.recalibration_map.origin == pd.Timestamp("2015-06")
    assert (fc.recalibration_map.a, fc.recalibration_map.b) == (row["a"], row["b"])
    # the same fit on the vintage public then (what a backtest fits) reads the same map
    vintage = SummitForecaster(**SETTINGS).fit(data.truncate("2015-06"), seed=5)
    assert vintage.recalibration_map == fc.recalibration_map
    # before the first map there is none
    assert SummitForecaster(**SETTINGS).fit(data, as_of="2008-06", seed=5).recalibration_map is None


def test_data_other_than_the_bundled_record_are_not_mapped(data):
    fewer = dataclasses.replace(data, series_meetings=data.series_meetings.iloc[1:])
    fc = SummitForecaster(**SETTINGS).fit(fewer, seed=5)
    assert fc.recalibration_map is None
    assert any("not recalibrated" in n and "recalibrate_backtest" in n for n in fc.forecast(6, drivers=False).notes)


def test_maps_from_the_analysts_own_backtest(data):
    maps = pd.DataFrame({"series": "pooled", "horizon": "all", "origin": pd.to_datetime(["2020-01-01", "2025-01-01"]),
                         "n_known": [100, 200], "a": [-1.0, 0.5], "b": [1.0, 0.8]})
    fc = SummitForecaster(**SETTINGS, recalibration=maps).fit(data, seed=5)
    assert (fc.recalibration_map.a, fc.recalibration_map.b, fc.recalibration_map.n_known) == (0.5, 0.8, 200)
    raw = SummitForecaster(**SETTINGS, recalibration=None).fit(data, seed=5)
    np.testing.assert_allclose(fc.held_probabilities(6), expit_logit(raw.held_probabilities(6), 0.5, 0.8), rtol=1e-9)


@pytest.mark.parametrize("spec, error, pattern", [
    ("none", ValueError, r"recalibration must be 'bundled', None or a DataFrame of maps, got 'none'"),
    (1.0, TypeError, r"recalibration must be 'bundled', None or a DataFrame of maps, got float"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [0.0]}), ValueError, r"lacks \['b'\]"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [0.0], "b": [-1.0]}), ValueError, r"b positive"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [np.nan], "b": [1.0]}), ValueError, r"a must be finite"),
    (pd.DataFrame({"origin": ["2020-01", "2020-01"], "a": [0.0, 0.0], "b": [1.0, 1.0]}), ValueError,
     r"one map per origin month"),
    (pd.DataFrame({"horizon": [6, 12], "origin": ["2020-01"] * 2, "a": [0.0] * 2, "b": [1.0] * 2}), ValueError,
     r"one map for every horizon"),
])
def test_bad_recalibration(spec, error, pattern):
    with pytest.raises(error, match=pattern):
        SummitForecaster(recalibration=spec)


def test_map_slope_against_finite_differences():
    fm = ForecastMap(-0.4, 1.2, pd.Timestamp("2020-01"), 10, "a test")
    p = np.array([0.01, 0.2, 0.5, 0.9])
    h = 1e-6
    np.testing.assert_allclose(fm.slope(p), (fm(p + h) - fm(p - h)) / (2 * h), rtol=1e-6)
    assert ForecastMap.from_dict(fm.as_dict()) == fm
