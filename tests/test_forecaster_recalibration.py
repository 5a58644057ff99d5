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


def map_oracle(frame, month):
    """Recalibration 4's map learned afresh at ``month`` by SciPy (BFGS on the negative log
    posterior, analytic gradient): logit p' = a + u_s + b logit p over the windows closed by then,
    each weighted (1/h) 2^(-age / 60), age = months from its close to ``month``, a ~ N(0, 0.5²),
    b ~ N(1, 0.25²), u_s ~ N(0, 0.5²).  Returns (n_known, {series: (a + u_s, b)})."""
    from scipy.optimize import minimize

    names = sorted(frame["series"].unique())
    closes = frame["origin"].dt.year * 12 + frame["origin"].dt.month - 1 + frame["horizon"]
    at = pd.Timestamp(month)
    target = at.year * 12 + at.month - 1
    known, age = frame[closes <= target], (target - closes[closes <= target]).to_numpy(float)
    q = np.clip(known["forecast"].to_numpy(), 1e-6, 1 - 1e-6)
    design = np.column_stack([np.ones(len(known)), np.log(q / (1 - q))]
                             + [(known["series"] == s).to_numpy(float) for s in names])
    y, w = known["outcome"].to_numpy(float), 1.0 / known["horizon"].to_numpy() * 0.5 ** (age / 60.0)
    mean = np.r_[0.0, 1.0, np.zeros(len(names))]
    precision = np.r_[0.5 ** -2, 0.25 ** -2, np.full(len(names), 0.5 ** -2)]

    def objective(theta):
        eta = design @ theta
        value = -(w @ (y * eta - np.logaddexp(0.0, eta))) + 0.5 * precision @ (theta - mean) ** 2
        grad = -design.T @ (w * (y - 1 / (1 + np.exp(-eta)))) + precision * (theta - mean)
        return value, grad

    theta = minimize(objective, mean, jac=True, method="BFGS", options={"gtol": 1e-10}).x
    return len(known), {s: (theta[0] + theta[2 + k], theta[1]) for k, s in enumerate(names)}


def test_bundled_table_is_the_map_learned_on_the_saved_backtest():
    """The shipped table against its provenance: the map of every series at a month, learned
    afresh (by SciPy, not by summitcast's Newton steps) from the configuration-5 backtest's
    forecasts whose windows had closed by then."""
    table, source = _bundled()
    assert "backtest of the bundled record" in source
    forecasts = pd.read_csv(RESULTS / "skill_backtest_configuration5_crises2_forecasts.csv", parse_dates=["origin"])
    own = forecasts[forecasts["model"] == "SharedFit"]
    assert sorted(set(table["series"])) == sorted(own["series"].unique())
    for month in ["2012-01", "2019-06", "2026-01"]:
        n_known, maps = map_oracle(own, month)
        rows = table[table["origin"] == pd.Timestamp(month)].set_index("series")
        assert (rows["n_known"] == n_known).all()
        for series, (a, b) in maps.items():
            np.testing.assert_allclose(rows.loc[series, ["a", "b"]].to_numpy(float), [a, b], atol=1e-6)
    # the shifts differ by series: the pairwise visits lowered most, the annual meetings raised
    last = table[table["origin"] == pd.Timestamp("2026-01")].set_index("series")["a"]
    assert last["china_japan_visits"] < last["trilateral"] < 0 < last["asean_plus_three"]
    # each series' table runs monthly from the first origin to the last closed window, with no gap
    for _, rows in table.groupby("series"):
        months = pd.DatetimeIndex(rows["origin"]).to_period("M").asi8
        assert months[0] == pd.Timestamp("2010-01").to_period("M").ordinal and (np.diff(months) == 1).all()


def test_every_reported_probability_goes_through_the_map(pair):
    mapped, raw = pair
    fm = mapped.recalibration_map
    assert fm is not None and fm.origin == pd.Timestamp("2026-01") and fm.b > 0
    table, _ = _bundled()
    row = table[(table["origin"] == fm.origin) & (table["series"] == "trilateral")].iloc[0]
    assert (fm.a, fm.b, fm.n_known, fm.series) == (row["a"], row["b"], row["n_known"], "trilateral")
    f, g = mapped.forecast(24, drivers=False).to_frame(), raw.forecast(24, drivers=False).to_frame()
    for column in ("p_held", "lower", "upper"):
        np.testing.assert_allclose(f[column], expit_logit(g[column].to_numpy(), fm.a, fm.b), rtol=1e-9)
    assert np.all(np.diff(f["p_held"]) >= 0) and np.all(f["lower"] <= f["p_held"]) and np.all(f["p_held"] <= f["upper"])
    # a < 0 and b < 1 on this record: the map lowers every forecast above its fixed point
    # logit p = a / (1 − b) (p ≈ 0.007) and raises the few below it
    assert fm.a < 0 and fm.b < 1
    fixed = 1 / (1 + np.exp(-fm.a / (1 - fm.b)))
    above = g["p_held"] > fixed
    assert above.sum() >= 20 and np.all(f["p_held"][above] < g["p_held"][above])
    assert np.all(f["p_held"][~above] >= g["p_held"][~above])
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


def test_each_series_forecast_goes_through_its_own_map(pair, tmp_path):
    """One fit forecasts every series; each through its series' map (recalibration 4), and a saved
    and loaded forecaster carries the same maps."""
    mapped, raw = pair
    table, _ = _bundled()
    for series in ("china_japan_visits", "japan_korea_visits"):
        fm = mapped.recalibration_maps[series]
        row = table[(table["origin"] == fm.origin) & (table["series"] == series)].iloc[0]
        assert (fm.series, fm.a, fm.b) == (series, row["a"], row["b"])
        np.testing.assert_allclose(mapped.held_probabilities(12, series=series),
                                   expit_logit(raw.held_probabilities(12, series=series), fm.a, fm.b), rtol=1e-9)
        f = mapped.forecast(12, series=series, drivers=False)
        assert f.settings["recalibration"]["series"] == series
        assert any(f"(series {series})" in n for n in f.notes)
    assert mapped.recalibration_maps["china_japan_visits"].a < mapped.recalibration_maps["trilateral"].a
    mapped.save(tmp_path / "mapped.json")
    back = sc.load(tmp_path / "mapped.json")
    assert back.recalibration_maps == mapped.recalibration_maps
    np.testing.assert_allclose(back.held_probabilities(6, series="china_japan_visits"),
                               mapped.held_probabilities(6, series="china_japan_visits"), rtol=1e-12)


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
    row = table[(table["origin"] == pd.Timestamp("2015-06")) & (table["series"] == "trilateral")].iloc[0]
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


def test_maps_per_series_serve_their_series_only(data):
    """A table of maps per series: each series reads its own; a series it lacks is left unmapped
    with a note; pooled rows serve any series."""
    from summitcast.forecaster._recalibration import check_recalibration, resolve_maps

    maps = check_recalibration(pd.DataFrame({
        "series": ["trilateral", "trilateral", "japan_korea_visits"], "horizon": "all",
        "origin": pd.to_datetime(["2020-01-01", "2025-01-01", "2025-01-01"]), "n_known": [10, 20, 20],
        "a": [-1.0, -0.3, -0.9], "b": [1.0, 0.9, 0.9]}))
    at = pd.Timestamp("2026-01-01")
    got, notes = resolve_maps(maps, data, at, ["trilateral", "japan_korea_visits", "east_asia_summit"])
    fm = got["trilateral"]
    assert (fm.a, fm.b, fm.series) == (-0.3, 0.9, "trilateral") and got["japan_korea_visits"].a == -0.9
    assert got["east_asia_summit"] is None and "none for 'east_asia_summit'" in notes["east_asia_summit"]
    assert set(notes) == {"east_asia_summit"}
    # before the first map: no map and nothing to note
    assert resolve_maps(maps, data, pd.Timestamp("2019-01-01"), ["east_asia_summit"]) == ({"east_asia_summit": None}, {})
    pooled = check_recalibration(pd.DataFrame({"origin": ["2025-01"], "a": [0.2], "b": [1.1]}))
    assert resolve_maps(pooled, data, at, ["east_asia_summit"])[0]["east_asia_summit"].series == "pooled"
    # the forecaster reads its series' map, and says whose it is
    fc = SummitForecaster(**SETTINGS, recalibration=maps).fit(data, seed=5)
    assert fc.recalibration_map.series == "trilateral"
    assert any("(series trilateral)" in n for n in fc.forecast(6, drivers=False).notes)


@pytest.mark.parametrize("spec, error, pattern", [
    ("none", ValueError, r"recalibration must be 'bundled', None or a DataFrame of maps, got 'none'"),
    (1.0, TypeError, r"recalibration must be 'bundled', None or a DataFrame of maps, got float"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [0.0]}), ValueError, r"lacks \['b'\]"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [0.0], "b": [-1.0]}), ValueError, r"b positive"),
    (pd.DataFrame({"origin": ["2020-01"], "a": [np.nan], "b": [1.0]}), ValueError, r"a must be finite"),
    (pd.DataFrame({"origin": ["2020-01", "2020-01"], "a": [0.0, 0.0], "b": [1.0, 1.0]}), ValueError,
     r"one map per origin month"),
    (pd.DataFrame({"series": ["trilateral"] * 2, "origin": ["2020-01", "2020-01"], "a": [0.0, 0.0],
                   "b": [1.0, 1.0]}), ValueError, r"one map per origin month \(per series"),
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
    # a document written before maps had a series reads as a pooled map
    old = {k: v for k, v in fm.as_dict().items() if k != "series"}
    assert ForecastMap.from_dict(old).series == "pooled"
