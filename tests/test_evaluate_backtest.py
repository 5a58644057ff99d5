"""Rolling-origin backtests: the frame, its outcomes against brute force,
record-through dates, the no-look-ahead rule, refits, bad input and scores."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from summitcast import evaluate as ev
from summitcast._common.time import month_index
from summitcast.datasets import load_trilateral

from evaluate_records import PeekingForecaster, SeededNoise, SimulatedRecord, perturbed_after, simulated_record

HORIZONS = (3, 6, 12)
#: every second month (origins need not be consecutive)
ORIGINS = month_index("2001-06", "2018-06")[::2]


@pytest.fixture(scope="module")
def record() -> SimulatedRecord:
    return simulated_record()


@pytest.fixture(scope="module")
def result(record):
    return ev.backtest(SeededNoise, record, ORIGINS, HORIZONS, seed=11, series=["simulated_a", "simulated_b"])


def brute_outcome(meetings: pd.DataFrame, series: str, origin: pd.Timestamp, h: int) -> int:
    """Whether ``series`` met after the end of ``origin`` and by the end of month origin + h."""
    start = origin + pd.offsets.MonthEnd(0)
    end = origin + pd.DateOffset(months=h) + pd.offsets.MonthEnd(0)
    dates = meetings.loc[meetings["series"] == series, "date"]
    return int(((dates > start) & (dates <= end)).any())


# ---------------------------------------------------------------- the frame
def test_frame_columns_and_order(result):
    f = result.frame
    assert list(f.columns) == ["model", "series", "origin", "horizon", "forecast", "outcome"]
    assert result.models == ["seeded_noise", "base_rate_windows", "base_rate_monthly", "time_since_last",
                             "persistence", "constant_0.5", "stacked"]
    assert f["horizon"].dtype == np.int64 and f["outcome"].dtype == np.int64
    assert f["forecast"].between(0, 1).all() and set(f["outcome"]) == {0, 1}
    assert not f.duplicated(["model", "series", "origin", "horizon"]).any()
    # every model is scored on exactly the same windows
    windows = {m: set(map(tuple, g[["series", "origin", "horizon"]].astype(str).to_numpy())) for m, g in f.groupby("model")}
    assert len({frozenset(w) for w in windows.values()}) == 1
    one = f[f["model"] == "base_rate_windows"]
    assert one.equals(one.sort_values(["series", "origin", "horizon"], key=lambda c: c.map(
        {"simulated_a": 0, "simulated_b": 1}) if c.name == "series" else c))


def test_outcomes_against_brute_force(result, record):
    f = result.frame[result.frame["model"] == "constant_0.5"]
    expected = [brute_outcome(record.series_meetings, s, o, h) for s, o, h in
                zip(f["series"], f["origin"], f["horizon"])]
    np.testing.assert_array_equal(f["outcome"].to_numpy(), expected)
    assert 0.2 < f["outcome"].mean() < 0.9  # both outcomes, often


def test_record_through_and_coverage_respected(result, record):
    f = result.frame
    b = f[f["series"] == "simulated_b"]
    through = pd.Timestamp("2016-06-30")
    window_end = b["origin"] + pd.to_timedelta(0, "D")
    ends = [o + pd.DateOffset(months=int(h)) + pd.offsets.MonthEnd(0) for o, h in zip(window_end, b["horizon"])]
    assert max(ends) <= through
    assert b["origin"].min() >= pd.Timestamp("2001-12-01")  # the window 2002-01.. is the first covered
    origins = ORIGINS
    u = result.unscored.set_index(["series", "horizon"])
    for h in HORIZONS:
        late = sum(o + pd.DateOffset(months=h) > pd.Timestamp("2016-06-01") for o in origins)
        early = sum(o < pd.Timestamp("2001-12-01") for o in origins)
        rows = u.loc[[("simulated_b", h)]]
        assert rows.loc[rows["reason"].str.contains("record-through"), "n"].item() == late
        assert rows.loc[rows["reason"].str.contains("coverage"), "n"].item() == early
        assert "2016-06-30" in rows["reason"].iloc[-1]
        a_late = sum(o + pd.DateOffset(months=h) > record.as_of for o in origins)
        if a_late:
            assert u.loc[[("simulated_a", h)], "n"].item() == a_late
        n_scored = len(f[(f["model"] == "stacked") & (f["series"] == "simulated_b") & (f["horizon"] == h)])
        assert n_scored + late + early == len(origins)
    assert result.n_unscored == int(result.unscored["n"].sum())


def test_mid_month_record_through_excludes_that_month():
    record = simulated_record(second_through="2016-06-15")  # June 2016 not complete
    r = ev.backtest(None, record, month_index("2015-01", "2016-06"), [1], series="simulated_b", seed=0,
                    baselines=[ev.Constant], stack=False)
    assert r.frame["origin"].max() == pd.Timestamp("2016-04-01")  # window May 2016


def test_same_seed_same_frame_and_seeds_matter(record):
    kw = dict(origins=month_index("2005-01", "2008-12"), horizons=[6], series="simulated_a",
              baselines=[ev.TimeSinceLast])
    a = ev.backtest(SeededNoise, record, seed=5, **kw).frame
    b = ev.backtest(SeededNoise, record, seed=5, **kw).frame
    c = ev.backtest(SeededNoise, record, seed=6, **kw).frame
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["forecast"], c["forecast"])


def test_seed_of_each_fit_is_the_child_seed(record):
    seen = []

    class Recorder(SeededNoise):
        name = "recorder"

        def fit(self, data, as_of=None, seed=None):
            seen.append((self.series, pd.Timestamp(as_of), seed))
            return super().fit(data, as_of, seed)

    ev.backtest(Recorder, record, ["2010-03", "2011-07"], [6], series=["simulated_a", "simulated_b"], seed=99,
                baselines=(), stack=False)
    from summitcast._common.seeds import child_seed

    assert sorted(seen) == sorted((s, pd.Timestamp(o), child_seed(99, "series", s, "origin", o))
                                  for s in ("simulated_a", "simulated_b") for o in ("2010-03", "2011-07"))


# ---------------------------------------------------------------- no look-ahead
@pytest.mark.parametrize("origin", ["2006-05", "2012-11"])
def test_perturbing_later_data_changes_nothing_at_the_origin(record, origin):
    origins = month_index("2004-01", origin)
    models = {"peeking": PeekingForecaster, "noise": SeededNoise}
    kw = dict(horizons=HORIZONS, seed=3, series=["simulated_a", "simulated_b"])
    base = ev.backtest(models, record, origins, **kw).frame
    changed = perturbed_after(record, origin)
    other = ev.backtest(models, changed, origins, **kw).frame
    pd.testing.assert_frame_equal(base.drop(columns="outcome"), other.drop(columns="outcome"))
    # the perturbation is real: outcomes of windows running past the origin differ
    assert not base["outcome"].equals(other["outcome"])


def test_the_no_look_ahead_test_catches_a_leaky_vintage(record, monkeypatch):
    origins = month_index("2004-01", "2006-05")
    kw = dict(horizons=[6], seed=3, series="simulated_a", baselines=(), stack=False)
    base = ev.backtest(PeekingForecaster, record, origins, **kw).frame
    changed = perturbed_after(record, "2006-05")
    monkeypatch.setattr(SimulatedRecord, "truncate", lambda self, as_of: dataclasses.replace(
        self, as_of=pd.Timestamp(as_of)))
    leaky = ev.backtest(PeekingForecaster, changed, origins, **kw).frame
    assert not np.allclose(base["forecast"], leaky["forecast"])


def test_bundled_record_later_summits_erased_or_invented_change_nothing():
    data = load_trilateral()
    origins = ["2013-06", "2017-01"]
    base = ev.backtest(None, data, origins, [6, 12], seed=1, stack=False).frame
    summits = data.summits.copy()
    cutoff = pd.Timestamp("2017-01-31")
    later = summits["date"] > cutoff
    summits.loc[later, "held"] = False  # erase every later summit
    summits.loc[later, "date"] = pd.NaT
    invented = summits.iloc[[0]].assign(series="standalone", year=2017, date=pd.Timestamp("2017-03-10"), held=True)
    summits = pd.concat([summits, invented], ignore_index=True)
    panel = data.indicators.copy()
    panel.loc[panel.index > cutoff, "missile_launches"] = 99.0
    changed = dataclasses.replace(data, summits=summits, indicators=panel)
    if hasattr(data, "series_meetings") and hasattr(data, "truncate"):  # the record protocol
        sm = data.series_meetings
        sm = pd.concat([sm[~((sm["date"] > cutoff) & (sm["series"] == "trilateral"))],
                        sm.iloc[[0]].assign(series="trilateral", date=pd.Timestamp("2017-03-10"))], ignore_index=True)
        changed = dataclasses.replace(changed, series_meetings=sm)
    other = ev.backtest(None, changed, origins, [6, 12], seed=1, stack=False).frame
    pd.testing.assert_frame_equal(base.drop(columns="outcome"), other.drop(columns="outcome"))
    assert base.loc[base["origin"] == "2017-01-01", "outcome"].tolist() != \
        other.loc[other["origin"] == "2017-01-01", "outcome"].tolist()


# ---------------------------------------------------------------- the bundled record
#: the stand-alone trilateral summits (shared/data/README.md; DESIGN.md §4)
SUMMITS = pd.to_datetime(["2008-12-13", "2009-10-10", "2010-05-29", "2011-05-21", "2012-05-13", "2015-11-01",
                          "2018-05-09", "2019-12-24", "2024-05-26"])


def test_bundled_outcomes_are_the_published_summit_dates():
    data = load_trilateral()
    # every fifth month (each truncation rebuilds the record's vintage)
    r = ev.backtest(None, data, month_index("2010-01", "2025-12")[::5], [6, 12, 24], seed=0,
                    baselines=[ev.Constant], stack=False)
    f = r.frame
    expected = [brute_outcome(pd.DataFrame({"series": "trilateral", "date": SUMMITS}), "trilateral", o, h)
                for o, h in zip(f["origin"], f["horizon"])]
    np.testing.assert_array_equal(f["outcome"].to_numpy(), expected)
    assert f.loc[(f["origin"] == "2015-06-01") & (f["horizon"] == 6), "outcome"].item() == 1
    assert f.loc[(f["origin"] == "2015-11-01") & (f["horizon"] == 24), "outcome"].item() == 0
    assert r.n_unscored > 0 and r.unscored["reason"].str.contains("record-through").all()


# ---------------------------------------------------------------- refits
def test_refit_false_keeps_the_first_parameters(record):
    origins = month_index("2006-01", "2008-12")
    kw = dict(horizons=[6], seed=2, series="simulated_a", baselines=[ev.BaseRateMonthly, ev.Persistence],
              stack=False)
    once = ev.backtest(None, record, origins, refit=False, **kw).frame
    every = ev.backtest(None, record, origins, refit=True, **kw).frame
    rate = once[once["model"] == "base_rate_monthly"]["forecast"]
    assert np.allclose(rate, rate.iloc[0])
    assert rate.iloc[0] == every[every["model"] == "base_rate_monthly"]["forecast"].iloc[0]
    # persistence keeps its learned hedge but follows the latest window
    pers = once[once["model"] == "persistence"]["forecast"].round(12)
    assert pers.nunique() == 2
    blocks = ev.backtest(None, record, origins, refit=3, **kw).frame
    rate3 = blocks[blocks["model"] == "base_rate_monthly"]["forecast"].to_numpy()
    rate1 = every[every["model"] == "base_rate_monthly"]["forecast"].to_numpy()
    np.testing.assert_array_equal(rate3[::3], rate1[::3])
    assert np.all(rate3.reshape(-1, 3) == rate3.reshape(-1, 3)[:, :1])


def test_refit_false_needs_update(record):
    with pytest.raises(TypeError, match=r"refit.*update.*seeded_noise"):
        ev.backtest(SeededNoise, record, ["2006-01", "2006-02"], [6], refit=False, seed=0, baselines=())


def test_the_given_forecaster_is_not_changed(record):
    model = ev.TimeSinceLast("simulated_a")
    before = dict(vars(model))
    ev.backtest(model, record, ["2006-01"], [6], seed=0, baselines=())
    assert vars(model) == before


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(origins=[]), ValueError, r"origins is empty"),
    (dict(origins=["1990-01"]), ValueError, r"origins must lie between 2000-01 and the data's as_of 2019-12, got 1990-01"),
    (dict(origins=["2030-01"]), ValueError, r"origins must lie between .* got 2030-01"),
    (dict(origins=["2010-01", "2010-01"]), ValueError, r"origins has the month 2010-01 more than once"),
    (dict(origins=5), TypeError, r"origins must be months"),
    (dict(origins=["2010-13"]), ValueError, r"origins must be a month"),
    (dict(horizons=[0]), ValueError, r"horizons must be .*1.* got 0"),
    (dict(horizons=[-6]), ValueError, r"horizons"),
    (dict(horizons=[]), ValueError, r"horizons is empty"),
    (dict(horizons="6"), TypeError, r"horizons must be positive integers"),
    (dict(horizons=[6.5]), TypeError, r"horizons"),
    (dict(horizons=[6, 6]), ValueError, r"horizons has a duplicate"),
    (dict(executor=2), TypeError, r"executor must be a concurrent.futures.Executor or None, got 2"),
    (dict(executor="threads"), TypeError, r"executor must be a concurrent.futures.Executor"),
    (dict(refit=0), ValueError, r"refit"),
    (dict(refit="yes"), TypeError, r"refit"),
    (dict(series="nowhere"), ValueError, r"series must name series of the data .* got 'nowhere'"),
    (dict(series=[]), ValueError, r"series is empty"),
    (dict(seed=-1), ValueError, r"seed"),
    (dict(stack="no"), TypeError, r"stack"),
    (dict(baselines="constant"), TypeError, r"baselines must be a sequence"),
    (dict(forecaster=3), TypeError, r"forecaster must be a forecaster"),
    (dict(forecaster=None, baselines=()), ValueError, r"nothing to backtest"),
    (dict(baselines=[ev.Constant, ev.Constant]), ValueError, r"model names must be unique"),
    (dict(origins=["2019-10"], horizons=[6]), ValueError, r"no window can be scored"),
])
def test_bad_arguments(record, kwargs, error, pattern):
    args = dict(forecaster=SeededNoise, data=record, origins=["2010-01"], horizons=[6], seed=0, series="simulated_a")
    args.update(kwargs)
    with pytest.raises(error, match=pattern):
        ev.backtest(**args)


def test_bad_data_and_forecasts(record):
    with pytest.raises(TypeError, match=r"data must be a record"):
        ev.backtest(SeededNoise, {"summits": []}, ["2010-01"], [6], seed=0)

    class Broken(SeededNoise):
        name = "broken"

        def fit(self, data, as_of=None, seed=None):
            fitted = super().fit(data, as_of, seed)
            fitted.rate = float("nan")
            return fitted

    with pytest.raises(ValueError, match=r"broken: p_held must be a probability in \[0, 1\] .*nan at months=1") as err:
        ev.backtest(Broken, record, ["2010-01", "2010-02"], [6], seed=0, series="simulated_a")
    assert any("2010-01" in note for note in getattr(err.value, "__notes__", ["2010-01"]))

    class NoFrame(SeededNoise):
        name = "no_frame"

        def fit(self, data, as_of=None, seed=None):
            class F:
                def forecast(self, horizon):
                    return [0.5] * horizon
            return F()

    with pytest.raises(TypeError, match=r"no_frame: forecast\(horizon\).to_frame\(\) must be a DataFrame"):
        ev.backtest(NoFrame, record, ["2010-01"], [6], seed=0, series="simulated_a")
    with pytest.raises(TypeError, match=r"forecasts series 'simulated_a', not 'simulated_b'"):
        ev.backtest(SeededNoise("simulated_a"), record, ["2010-01"], [6], seed=0,
                    series=["simulated_a", "simulated_b"])


def test_a_fitted_objects_held_probabilities_are_used_and_checked(record):
    # the protocol's cheaper path: used in place of forecast(h) when present, the same frame
    # when it gives forecast(h)'s p_held, and checked like it
    class Direct(SeededNoise):
        name = "seeded_noise"

        def fit(self, data, as_of=None, seed=None):
            fitted = super().fit(data, as_of, seed)
            forecast = fitted.forecast
            fitted.held_probabilities = lambda horizon: forecast(horizon).p_held
            fitted.forecast = None  # never called
            return fitted

    args = dict(data=record, origins=["2010-01", "2011-06"], horizons=[3, 12], seed=4, series="simulated_a",
                baselines=())
    pd.testing.assert_frame_equal(ev.backtest(Direct, **args).frame, ev.backtest(SeededNoise, **args).frame)

    class Short(SeededNoise):
        name = "short"

        def fit(self, data, as_of=None, seed=None):
            fitted = super().fit(data, as_of, seed)
            fitted.held_probabilities = lambda horizon: np.full(horizon - 1, 0.5)
            return fitted

    with pytest.raises(TypeError, match=r"short: held_probabilities\(horizon\) must return 12 probabilities"):
        ev.backtest(Short, **args)


# ---------------------------------------------------------------- scores
def test_scores_against_independent_computation(result):
    from sklearn.metrics import roc_auc_score

    table = result.by_horizon()
    f = result.frame
    for (model, h), row in table.iterrows():
        mine = f[(f["model"] == model) & (f["horizon"] == h)]
        p, y = mine["forecast"].to_numpy(), mine["outcome"].to_numpy()
        assert row["n"] == len(mine) and row["events"] == y.sum()
        assert row["brier"] == pytest.approx(np.mean((p - y) ** 2), rel=1e-12)
        assert row["log_score"] == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)), rel=1e-12)
        assert row["auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-12)
        assert row["ece"] == pytest.approx(ev.ece(p, y), rel=1e-12)
        for b in result.baselines:
            ref = f[(f["model"] == b) & (f["horizon"] == h)]
            expected = 1 - np.mean((p - y) ** 2) / np.mean((ref["forecast"].to_numpy() - ref["outcome"].to_numpy()) ** 2)
            assert row[f"bss_{b}"] == pytest.approx(expected, rel=1e-10, abs=1e-12)
        per_series = [ev.effective_sample_size(g.sort_values("origin")["forecast"].sub(g.sort_values("origin")[
            "outcome"]).pow(2).to_numpy()) for _, g in mine.groupby("series")]
        assert row["n_effective"] == pytest.approx(sum(per_series), rel=1e-12)
        assert 1 <= row["n_effective"] <= row["n"]
    assert (table.xs("base_rate_windows", level="model")["bss_base_rate_windows"] == 0).all()
    pooled = result.scores()
    assert list(pooled.index) == result.models
    assert pooled.loc["constant_0.5", "brier"] == pytest.approx(0.25)
    by_series = result.by_series()
    assert by_series.index.names == ["model", "series", "horizon"]
    assert by_series["n"].sum() == len(f)


def test_auc_is_nan_when_one_outcome_only(record):
    r = ev.backtest(None, record, ["2005-03"], [1], seed=0, series="simulated_a", stack=False)
    assert r.frame["outcome"].nunique() == 1
    assert r.by_horizon()["auc"].isna().all()


def test_summary_and_plot(result):
    text = str(result.summary())
    assert "Backtest" in text and "n_effective" in text and "Windows not scored" in text
    assert "<table" in result._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = result.plot_calibration(n_boot=50)
    assert len(axes) == len(HORIZONS)
    assert axes[0].get_xlabel() and axes[0].get_ylabel() and "seeded_noise" in axes[0].get_title()
    ax = result.plot_calibration("base_rate_monthly", horizon=6, n_boot=50)
    assert "6-month" in ax.get_title()
    with pytest.raises(ValueError, match=r"model must be one of"):
        result.plot_calibration("nobody")
    with pytest.raises(ValueError, match=r"horizon must be one of"):
        result.plot_calibration(horizon=7)
    plt.close("all")


def test_an_instance_that_fits_itself_is_copied_per_task(record):
    class SelfFitting(SeededNoise):
        """fit() changes and returns the object itself, as SummitForecaster's does."""

        name = "self_fitting"

        def fit(self, data, as_of=None, seed=None):
            self.fitted = super().fit(data, as_of, seed)
            return self

        def forecast(self, horizon):
            return self.fitted.forecast(horizon)

    import concurrent.futures as cf

    model = SelfFitting("simulated_a")
    serial = ev.backtest(model, record, month_index("2006-01", "2007-12"), [6], seed=1, baselines=(), stack=False)
    with cf.ThreadPoolExecutor(4) as pool:
        threads = ev.backtest(model, record, month_index("2006-01", "2007-12"), [6], seed=1, baselines=(),
                              stack=False, executor=pool)
    pd.testing.assert_frame_equal(serial.frame, threads.frame)
    assert not hasattr(model, "fitted")
