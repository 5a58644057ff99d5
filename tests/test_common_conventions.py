"""The shared conventions (summitcast._common): one behaviour per concern."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import summitcast as sc
from summitcast._common import seeds, summary, time, validation
from summitcast._common.exceptions import BoundaryWarning, ConvergenceWarning, DataWarning, SummitcastWarning
from summitcast._common.paths import ForecastPaths
from summitcast._common.progress import progress


# ------------------------------------------------------------------ time
@pytest.mark.parametrize(
    "value", ["2024-05", "2024-05-26", pd.Timestamp("2024-05-26 13:00"), dt.date(2024, 5, 26),
              pd.Period("2024-05", "M"), np.datetime64("2024-05-31"), pd.Timestamp("2024-05-26", tz="Asia/Seoul")]
)
def test_as_month_gives_the_month_start(value):
    assert time.as_month(value) == pd.Timestamp("2024-05-01")


@pytest.mark.parametrize("value", ["May 2024x", "2024-13", None, pd.NaT, float("nan")])
def test_as_month_refuses_non_months_with_a_value_error(value):
    with pytest.raises(ValueError, match="as_of must be a month"):
        time.as_month(value, "as_of")


@pytest.mark.parametrize("value", [2024, 2024.5, True, [2024, 5]])
def test_as_month_refuses_numbers_with_a_type_error(value):
    with pytest.raises(TypeError, match="as_of must be a month"):
        time.as_month(value, "as_of")


def test_last_complete_month_and_future_months():
    assert time.last_complete_month("2025-11-30") == pd.Timestamp("2025-11-01")
    assert time.last_complete_month("2025-11-24") == pd.Timestamp("2025-10-01")
    assert time.last_complete_month("2024-02-29") == pd.Timestamp("2024-02-01")
    future = time.future_months("2025-11", 3)
    assert list(future) == list(pd.to_datetime(["2025-12-01", "2026-01-01", "2026-02-01"]))
    assert future.freqstr == "MS" and future.name == "month"
    assert time.months_between("2023-11", "2024-05") == 6
    assert time.month_end("2024-02") == pd.Timestamp("2024-02-29")


def test_as_monthly_index_converts_periods_and_dates_and_refuses_gaps():
    periods = pd.period_range("2020-01", periods=4, freq="M")
    idx = time.as_monthly_index(periods)
    assert idx.equals(pd.date_range("2020-01-01", periods=4, freq="MS")) and idx.freqstr == "MS"
    mid = pd.DatetimeIndex(["2020-01-15", "2020-02-03", "2020-03-31"])
    assert time.as_monthly_index(mid).equals(pd.date_range("2020-01-01", periods=3, freq="MS"))
    with pytest.raises(ValueError, match="the month after 2020-01 is missing"):
        time.as_monthly_index(pd.DatetimeIndex(["2020-01-01", "2020-03-01"]))
    with pytest.raises(ValueError, match="2020-01 more than once"):
        time.as_monthly_index(pd.DatetimeIndex(["2020-01-01", "2020-01-20"]))
    with pytest.raises(ValueError, match="missing date"):
        time.as_monthly_index(pd.DatetimeIndex(["2020-01-01", None]))
    with pytest.raises(ValueError, match="must be monthly"):
        time.as_monthly_index(pd.period_range("2020Q1", periods=3, freq="Q"))


# ----------------------------------------------------------------- seeds
def test_child_seeds_are_stable_distinct_and_keyed_by_name():
    a = seeds.child_seed(20240526, "indicator", "missile_launches")
    assert a == seeds.child_seed(20240526, "indicator", "missile_launches")
    # fixed by numpy's SeedSequence and BLAKE2b (not Python's salted hash): the
    # same in another process with another hash seed, and on every platform
    assert a == 16416209995561520855
    import os
    import subprocess

    code = "from summitcast._common.seeds import child_seed; print(child_seed(20240526, 'indicator', 'missile_launches'))"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert int(out.stdout) == a
    others = {seeds.child_seed(20240526, "indicator", "trade"), seeds.child_seed(20240526, "sampler"),
              seeds.child_seed(20240527, "indicator", "missile_launches"), seeds.child_seed(20240526, "origin", 1)}
    assert a not in others and len(others) == 4
    assert seeds.child_seed(5) == 5
    assert seeds.child_seed(1, "origin", pd.Timestamp("2015-03-01")) == seeds.child_seed(1, "origin", "2015-03-01 00:00:00")


def test_child_seed_streams_are_uncorrelated():
    x = seeds.generator(7, "a").standard_normal(20000)
    y = seeds.generator(7, "b").standard_normal(20000)
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(20000)


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (2**64, ValueError), (1.5, TypeError), ("1", TypeError),
                                             (True, TypeError)])
def test_bad_seeds(seed, error):
    with pytest.raises(error, match="seed must be a non-negative integer"):
        seeds.check_seed(seed)


def test_none_seed_draws_fresh_entropy():
    assert seeds.check_seed(None) != seeds.check_seed(None)


# ------------------------------------------------------------ validation
@given(st.one_of(st.text(), st.booleans(), st.floats(), st.complex_numbers(), st.lists(st.integers(), max_size=2)))
@settings(max_examples=60, deadline=None)
def test_check_int_refuses_every_non_integer_with_a_type_error(value):
    with pytest.raises(TypeError, match="steps must be an integer"):
        validation.check_int(value, "steps", 1)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (np.array([1 + 2j, 3.0]), TypeError, "complex"),
        (np.array(["a", "b"]), TypeError, "text"),
        (np.array([True, False]), TypeError, "boolean"),
        (pd.Series(pd.to_datetime(["2020-01-01"])), TypeError, "date/time"),
        (pd.Series(["a", "b"], dtype="category"), TypeError, "categorical"),
        (np.array([1.0, "x"], dtype=object), TypeError, "position 1"),
        (np.array([1.0, np.nan]), ValueError, "NaN values .1 of them; first at position 1"),
        (np.array([1.0, np.inf]), ValueError, "infinite"),
        (np.array([1e200]), ValueError, "too large to square"),
        (np.array([]), ValueError, "at least 1 value"),
        ("12", TypeError, "string"),
    ],
)
def test_as_float_array_refuses_what_numpy_would_silently_convert(value, error, message):
    with pytest.raises(error, match=message):
        validation.as_float_array(value, "x")


def test_as_float_array_float64_fast_path_keeps_every_check():
    # Clean float64 input skips the element-wise scans (min and max decide);
    # anything else still meets them, with the same messages and allowances.
    big = validation.MAX_ABS_VALUE
    edge = validation.as_float_array(np.array([-big, 0.0, big]), "x")
    np.testing.assert_array_equal(edge, [-big, 0.0, big])
    strided = np.arange(10.0)[::2]
    out = validation.as_float_array(strided, "x")
    assert out.flags.c_contiguous and np.array_equal(out, strided)
    with pytest.raises(ValueError, match="too large to square"):
        validation.as_float_array(np.array([1.0, -2 * big]), "x")
    with pytest.raises(ValueError, match="infinite values .1 of them; first at position 0"):
        validation.as_float_array(np.array([-np.inf, 1.0]), "x")
    with pytest.raises(ValueError, match="NaN values .2 of them; first at position 0"):
        validation.as_float_array(np.array([np.nan, 1.0, np.nan]), "x")
    kept = validation.as_float_array(np.array([np.nan, np.inf, 1.0]), "x", allow_nan=True, allow_inf=True)
    assert np.isnan(kept[0]) and np.isinf(kept[1]) and kept[2] == 1.0
    assert validation.as_float_array(np.float64(3.0), "x", 0) == 3.0


def test_regressors_are_matched_by_label_never_by_position():
    idx = pd.date_range("2020-01-01", periods=3, freq="MS")
    other = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=idx + pd.offsets.MonthBegin(1))
    with pytest.raises(ValueError, match="matched by label"):
        validation.as_exog_frame(other, idx)
    same = validation.as_exog_frame(other.set_axis(idx), idx)
    assert same["x"].tolist() == [1.0, 2.0, 3.0]


def test_lags_follow_tscount():
    assert validation.as_lags(13, "past_mean") == [13]
    assert validation.as_lags([12, 1], "past_obs") == [1, 12]
    assert validation.as_lags(None, "past_obs") == []
    with pytest.raises(TypeError, match="past_obs must be an integer lag"):
        validation.as_lags(1.0, "past_obs")
    with pytest.raises(ValueError, match="repeated"):
        validation.as_lags([1, 1], "past_obs")


# -------------------------------------------------- warnings and summaries
def test_one_warning_hierarchy_across_layers():
    for cls in (ConvergenceWarning, BoundaryWarning, DataWarning):
        assert issubclass(cls, SummitcastWarning) and issubclass(cls, UserWarning)
    assert sc.bayes.ConvergenceWarning is sc.counts.ConvergenceWarning is sc.events.ConvergenceWarning is ConvergenceWarning
    assert sc.counts.BoundaryWarning is sc.events.BoundaryWarning is BoundaryWarning
    assert sc.ConvergenceWarning is ConvergenceWarning


def test_summary_has_text_and_html_forms():
    s = summary.Summary("Title", [("Log-likelihood", "-1.5")], [("table", pd.DataFrame({"a": [1.0]}))], ["a note"])
    text = repr(s)
    assert "\\n" not in text and text.count("\n") > 3 and "Log-likelihood:" in text and "a note" in text
    html = s._repr_html_()
    assert "<table" in html and "Title" in html and "&lt;" not in "Title"
    assert "Log-likelihood" in s


# -------------------------------------------------------------- progress
def test_progress_is_silent_in_a_pipe(capsys):
    with progress(10, "work") as advance:
        assert advance is None  # pytest's captured stderr is not a terminal
    with progress(10, "work", enabled=False) as advance:
        assert advance is None
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        with progress(10, "work", enabled="yes"):
            pass


# ------------------------------------------------------------------ lazy
def test_submodules_load_on_first_use():
    import subprocess

    code = ("import sys, summitcast as sc; assert 'summitcast.statespace' not in sys.modules; "
            "assert 'pandas' not in sys.modules; sc.statespace.UnobservedComponents; sc.datasets.load_trilateral; "
            "assert 'summitcast.statespace' in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        sc.nonexistent  # noqa: B018


# --------------------------------------------------------- ForecastPaths
def test_forecast_paths_summaries_agree_with_numpy():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(4000, 3))
    fp = ForecastPaths(values, time.future_months("2025-11", 3), "tone")
    frame = fp.summary_frame(0.1)
    assert list(frame.columns) == ["mean", "sd", "median", "lower", "upper"]
    np.testing.assert_allclose(frame["lower"], np.quantile(values, 0.05, axis=0))
    np.testing.assert_allclose(frame["mean"], values.mean(axis=0))
    np.testing.assert_allclose(fp.prob_at_least(0), (values >= 0).mean(axis=0))
    totals = ForecastPaths(rng.poisson(0.2, size=(4000, 3)), fp.index, "launches", kind="count")
    np.testing.assert_allclose(totals.prob_total_at_least(1),
                               (np.cumsum(totals.values, axis=1) >= 1).mean(axis=0))
    assert fp.to_frame().shape == (3, 4000)
    with pytest.raises(ValueError, match="values has 3 months"):
        ForecastPaths(values, time.future_months("2025-11", 2), "tone")
    with pytest.raises(ValueError, match="NaN"):
        ForecastPaths(np.full((2, 3), np.nan), fp.index, "tone")
    values[0, 0] = 99.0  # the paths own a copy of what they were given
    assert fp.values[0, 0] != 99.0


def test_months_before_is_months_between_for_each_month():
    from summitcast._common.time import months_before, months_between

    months = pd.DatetimeIndex(["1999-12-01", "2000-01-01", "2023-06-01", "2026-01-01"])
    expected = [months_between(m, "2026-01") for m in months]
    assert months_before(months, "2026-01").tolist() == expected == [313, 312, 31, 0]
