"""Baselines against their definitions, computed here by brute force over
dates (loops, no shared code), and the time-since-last hazard against the
statsmodels maximum-likelihood fit on a long simulated series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast import evaluate as ev
from summitcast.evaluate._record import series_history

from evaluate_records import SimulatedRecord, simulated_record
from peers import quiet_peer


@pytest.fixture(scope="module")
def record() -> SimulatedRecord:
    return simulated_record()


def months_of(record, series, as_of):
    """(list of observed month starts, set of months with a meeting) at as_of."""
    table = record.series.set_index("series").loc[series]
    start = pd.Timestamp(table["coverage_start"])
    through = pd.Timestamp(table["record_through"])
    month_complete = (through + pd.Timedelta(days=1)).day == 1
    last_full = (through.to_period("M") - (0 if month_complete else 1)).to_timestamp()
    end = min(pd.Timestamp(as_of), last_full)
    months = list(pd.date_range(start, end, freq="MS"))
    dates = record.series_meetings.loc[record.series_meetings["series"] == series, "date"]
    met = {pd.Timestamp(d).to_period("M").to_timestamp() for d in dates if pd.Timestamp(d) <= end + pd.offsets.MonthEnd(0)}
    return months, met


def window_outcomes(months, met, h):
    """Outcome of every wholly observed h-month window, by brute force."""
    out = []
    for i in range(-1, len(months) - h):  # window after origin months[i] (i = -1: the month before coverage)
        window = months[i + 1:i + 1 + h]
        out.append(int(any(m in met for m in window)))
    return out


def jeffreys(k, n):
    return (k + 0.5) / (n + 1.0)


@pytest.mark.parametrize("as_of", ["2003-07", "2010-01", "2019-12"])
@pytest.mark.parametrize("series", ["simulated_a", "simulated_b"])
def test_base_rates_and_persistence_by_brute_force(record, as_of, series):
    vintage = record.truncate(as_of)
    months, met = months_of(vintage, series, as_of)
    H = 15
    windows = ev.BaseRateWindows(series).fit(vintage, seed=0).forecast(H).to_frame()["p_held"].to_numpy()
    monthly = ev.BaseRateMonthly(series).fit(vintage).forecast(H).to_frame()["p_held"].to_numpy()
    persistence = ev.Persistence(series).fit(vintage).forecast(H).to_frame()["p_held"].to_numpy()
    lam = jeffreys(sum(m in met for m in months), len(months))
    for h in range(1, H + 1):
        y = window_outcomes(months, met, h)
        assert windows[h - 1] == pytest.approx(jeffreys(sum(y), len(y)), abs=1e-15)
        assert monthly[h - 1] == pytest.approx(1 - (1 - lam) ** h, abs=1e-15)
        pairs = [(y[i], y[i + h]) for i in range(len(y) - h)]
        eps = jeffreys(sum(a != b for a, b in pairs), len(pairs))
        last = int(any(m in met for m in months[-h:]))
        assert persistence[h - 1] == pytest.approx((1 - eps) if last else eps, abs=1e-15)


def test_no_history_gives_one_half(record):
    vintage = record.truncate("2001-06")  # before simulated_b's coverage (2002-01)
    f = ev.BaseRateWindows("simulated_b").fit(vintage).forecast(6).to_frame()
    assert np.all(f["p_held"] == 0.5)
    assert np.all(ev.Persistence("simulated_b").fit(vintage).forecast(6).to_frame()["p_held"] == 0.5)
    assert np.all(ev.Constant("simulated_b").fit(vintage).forecast(6).to_frame()["p_held"] == 0.5)


def test_forecast_frame_protocol(record):
    f = ev.BaseRateMonthly("simulated_a").fit(record, as_of="2010-04").forecast(12).to_frame()
    assert list(f.columns) == ["months", "month", "p_held"]
    np.testing.assert_array_equal(f["months"], np.arange(1, 13))
    assert f["month"].iloc[0] == pd.Timestamp("2010-05-01") and f["month"].iloc[-1] == pd.Timestamp("2011-04-01")
    assert np.all(np.diff(f["p_held"]) >= 0)
    # fit(data, as_of=...) truncates itself: the same as fitting the vintage
    same = ev.BaseRateMonthly("simulated_a").fit(record.truncate("2010-04")).forecast(12).to_frame()
    pd.testing.assert_frame_equal(f, same)
    assert "base_rate_monthly" in repr(ev.BaseRateMonthly("simulated_a").fit(record).forecast(3))


def test_time_since_last_durations_by_brute_force(record):
    from summitcast.evaluate._baselines import durations

    history = series_history(record.truncate("2012-12"), "simulated_a")
    months = np.arange(history.first, history.last + 1)
    d = durations(history, months)
    events = set(history.events.tolist())
    last = history.first - 1
    for t, value in zip(months, d):
        assert value == t - last
        if t in events:
            last = t


def simulated_spells(n_months: int, a: float, b: float, seed: int):
    """A long simulated series with hazard logit h = a + b log(d)."""
    rng = np.random.default_rng(seed)
    last, dates = -1, []
    for t in range(n_months):
        d = t - last
        if rng.random() < 1 / (1 + np.exp(-(a + b * np.log(d)))):
            dates.append(t)
            last = t
    start = pd.Timestamp("1800-01-01")
    meeting_dates = [start + pd.DateOffset(months=t) + pd.Timedelta(days=4) for t in dates]
    through = start + pd.DateOffset(months=n_months - 1) + pd.offsets.MonthEnd(0)
    series = pd.DataFrame({"series": ["simulated_long"], "coverage_start": [start], "coverage_end": [pd.NaT],
                           "record_through": [through]})
    meetings = pd.DataFrame({"series": "simulated_long", "date": pd.to_datetime(meeting_dates)})
    panel = pd.DataFrame(index=pd.date_range(start, periods=n_months, freq="MS", name="month"))
    empty = pd.DataFrame({"series": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]")})
    return SimulatedRecord(panel.index[-1], series, meetings, empty, panel, {}), dates


def test_time_since_last_agrees_with_the_statsmodels_fit():
    import statsmodels.api as sm

    record, dates = simulated_spells(4000, -3.5, 0.6, seed=1)
    history = series_history(record, "simulated_long")
    from summitcast.evaluate._baselines import durations

    months = np.arange(history.first, history.last + 1)
    X = sm.add_constant(np.log(durations(history, months)))
    with quiet_peer():
        mle = sm.Logit(history.indicator(), X).fit(disp=0).params
    d = durations(history, np.array([history.last + 1]))[0] + np.arange(24)
    plug_in = 1 - np.cumprod(1 - 1 / (1 + np.exp(-(mle[0] + mle[1] * np.log(d)))))
    ours = ev.TimeSinceLast("simulated_long", draws=4000).fit(record, seed=3).forecast(24).to_frame()["p_held"]
    # with ~600 meetings the posterior predictive is the plug-in MLE up to O(1/n)
    np.testing.assert_allclose(ours, plug_in, atol=0.01)
    assert abs(mle[1] - 0.6) < 0.15  # and the simulation has the slope it was given


def test_time_since_last_depends_on_the_seed_only_through_draws(record):
    a = ev.TimeSinceLast("simulated_a").fit(record, as_of="2012-01", seed=1).forecast(12).to_frame()["p_held"]
    b = ev.TimeSinceLast("simulated_a").fit(record, as_of="2012-01", seed=1).forecast(12).to_frame()["p_held"]
    c = ev.TimeSinceLast("simulated_a").fit(record, as_of="2012-01", seed=2).forecast(12).to_frame()["p_held"]
    pd.testing.assert_series_equal(a, b)
    assert 0 < np.max(np.abs(a - c)) < 0.05  # Monte Carlo error of 1000 draws
    assert np.all(np.diff(a) >= 0) and 0 < a.iloc[0] < a.iloc[-1] < 1


def test_time_since_last_falls_back_with_fewer_than_two_meetings(record):
    meetings = record.series_meetings
    first_b = meetings[meetings["series"] == "simulated_b"]["date"].min()
    vintage = record.truncate(first_b.to_period("M").to_timestamp())
    hazard = ev.TimeSinceLast("simulated_b").fit(vintage, seed=0)
    assert hazard.params is None
    pd.testing.assert_frame_equal(hazard.forecast(6).to_frame(),
                                  ev.BaseRateMonthly("simulated_b").fit(vintage).forecast(6).to_frame())


def test_update_keeps_parameters_and_moves_the_state(record):
    early = record.truncate("2008-01")
    later = record.truncate("2012-01")
    fitted = ev.TimeSinceLast("simulated_a").fit(early, seed=4)
    moved = fitted.update(later)
    assert moved.params is fitted.params
    assert moved.as_of == pd.Timestamp("2012-01-01")
    rates = ev.BaseRateWindows("simulated_a").fit(early)
    np.testing.assert_array_equal(rates.update(later).forecast(6).p_held, rates.forecast(6).p_held)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda r: ev.BaseRateMonthly(3), TypeError, r"series must be a series name \(str\), got 3"),
    (lambda r: ev.Constant(value=1.5), ValueError, r"value"),
    (lambda r: ev.TimeSinceLast(draws=2), ValueError, r"draws"),
    (lambda r: ev.BaseRateMonthly("nowhere").fit(r), ValueError, r"series must be one of \['simulated_a', "
                                                                  r"'simulated_b'\], got 'nowhere'"),
    (lambda r: ev.BaseRateMonthly("simulated_a").fit(r).forecast(0), ValueError, r"horizon"),
    (lambda r: ev.BaseRateMonthly("simulated_a").fit(r, as_of="2030-01"), ValueError, r"as_of"),
    (lambda r: ev.BaseRateMonthly("simulated_a").fit(r, seed="x"), TypeError, r"seed"),
    (lambda r: ev.BaseRateMonthly("simulated_a").fit([1, 2]), TypeError, r"data must be a record"),
])
def test_bad_input(record, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(record)


def test_names_and_reprs():
    assert [b.name for b in ev.DEFAULT_BASELINES] == ["base_rate_windows", "base_rate_monthly", "time_since_last",
                                                     "persistence", "constant_0.5"]
    assert ev.Constant(value=0.2).name == "constant_0.2"
    assert repr(ev.Constant("x", 0.2)) == "Constant(series='x', value=0.2)"
    assert repr(ev.Persistence("x")) == "Persistence(series='x')"
