"""The table of the bad-input fuzz (``test_bad_input_fuzz.py``): every public
entry point, the argument that receives a bad value, and the families of bad
values, together with the worker that runs a batch of cases in a child
process.

An entry is a function of one value: it makes a valid call of the entry point
with that value substituted for one argument, and returns what the call
produced (the numbers a user would read from it).  A value family is a list
of classic bad values (one of each class the held-out fuzz of issue 8 found:
wrong types, complex/bool/date/categorical dtypes, odd indexes, NaN, inf,
huge, empty, one element, constant, absurd sizes) plus a hypothesis strategy
that draws further values.

The worker (``python -c 'import bad_input_cases; bad_input_cases.worker()'``)
reads pickled ``(case_id, entry_key, value)`` triples on stdin and writes one
JSON line per case on stdout: a ``start`` line before the call and the
outcome after it, so the parent knows which case hung or crashed the process.
"""

from __future__ import annotations

import faulthandler
import json
import math
import os
import pickle
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: seconds one case may take before the worker dumps its traceback and exits
CASE_TIMEOUT = float(os.environ.get("SUMMITCAST_FUZZ_CASE_TIMEOUT", "30"))
MARK = "@@fuzz "

IDX = pd.date_range("2015-01-01", periods=48, freq="MS", name="month")
FUTURE = pd.date_range("2019-01-01", periods=6, freq="MS", name="month")
N_ROWS = 40  # rows of the regression designs


# =================================================================== data
def walk() -> pd.Series:
    return pd.Series(np.cumsum(np.random.default_rng(1).normal(size=48)), index=IDX, name="y")


def counts() -> pd.Series:
    return pd.Series(np.random.default_rng(2).poisson(3.0, size=48).astype(float), index=IDX, name="launches")


def regressor(index: pd.Index = IDX) -> pd.DataFrame:
    return pd.DataFrame({"x": np.sin(np.arange(len(index)) / 3.0)}, index=index)


def event_floats() -> np.ndarray:
    return np.cumsum(np.random.default_rng(3).exponential(2.0, size=60))


def event_dates() -> pd.DatetimeIndex:
    return pd.Timestamp("2015-01-01") + pd.to_timedelta(np.round(event_floats() * 7, 3), unit="D")


def design() -> np.ndarray:
    return np.random.default_rng(4).normal(size=(N_ROWS, 2))


def binary() -> np.ndarray:
    X = design()
    return (X[:, 0] + np.random.default_rng(5).normal(size=N_ROWS) > 0).astype(float)


def ordinal() -> np.ndarray:
    X = design()
    return np.digitize(X[:, 0] + np.random.default_rng(6).normal(size=N_ROWS), [-0.5, 0.5]).astype(float)


def groups() -> np.ndarray:
    return np.array(["a", "b", "c", "d"] * (N_ROWS // 4))


HAZARD_INDEX = pd.date_range("1995-01-01", periods=240, freq="MS", name="month")
HAZARD_FUTURE = pd.date_range("2015-01-01", periods=6, freq="MS", name="month")
HAZARD_EVENTS = pd.DatetimeIndex(["1996-05-10", "1999-02-01", "2003-07-20", "2008-12-13", "2011-05-21",
                                  "2015-11-01", "2018-05-09"])


def hazard_covariates(index: pd.Index = HAZARD_INDEX) -> pd.DataFrame:
    return pd.DataFrame({"tension": np.cos(np.arange(len(index)) / 7.0)}, index=index)


# ======================================================== fitted objects
# Built once per worker process, with their own warnings silenced (they are
# the valid starting points, not the cases).
def _quiet(fn: Callable[[], Any]) -> Callable[[], Any]:
    @cache
    def build() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    return build


@_quiet
def uc_fit():
    from summitcast.statespace import UnobservedComponents

    return UnobservedComponents(walk(), level="local level").fit()


@_quiet
def uc_exog_fit():
    from summitcast.statespace import UnobservedComponents

    return UnobservedComponents(walk(), level="local level", exog=regressor()).fit()


@_quiet
def uc_posterior():
    from summitcast.statespace import UnobservedComponents

    return UnobservedComponents(walk(), level="local level").fit_bayes(draws=40, tune=20, chains=2, seed=1, cores=1)


@_quiet
def ingarch_fit():
    from summitcast.counts import INGARCH

    return INGARCH(counts()).fit()


@_quiet
def ingarch_exog_fit():
    from summitcast.counts import INGARCH

    return INGARCH(counts(), exog=regressor()).fit()


@_quiet
def count_forecast():
    return ingarch_fit().simulate(6, paths=50, seed=1)


@_quiet
def hawkes_fit():
    from summitcast.events import Hawkes

    return Hawkes().fit(event_floats())


@_quiet
def hawkes_dates_fit():
    from summitcast.events import Hawkes

    return Hawkes().fit(event_dates())


@_quiet
def logit():
    from summitcast.bayes import Logit

    return Logit(design(), binary())


@_quiet
def logit_laplace():
    return logit().fit_laplace(draws=200, seed=1)


@_quiet
def hazard_model():
    from summitcast.bayes import DiscreteHazard

    return DiscreteHazard(HAZARD_INDEX, HAZARD_EVENTS, covariates=hazard_covariates())


@_quiet
def hazard_laplace():
    return hazard_model().fit_laplace(draws=200, seed=1)


@_quiet
def files() -> dict[str, str]:
    return json.loads(os.environ["SUMMITCAST_FUZZ_FILES"])


# ========================================================= value families
@dataclass
class Family:
    classics: list[Any]
    strategy: st.SearchStrategy


def _tz(series: pd.Series) -> pd.Series:
    return series.set_axis(series.index.tz_localize("Asia/Tokyo"))


def _dup(series: pd.Series) -> pd.Series:
    return series.set_axis(series.index[:-1].append(series.index[-2:-1]))


def _irregular(series: pd.Series) -> pd.Series:
    index = series.index
    return series.set_axis(index[:5].append(index[6:]).append(pd.DatetimeIndex([index[-1] + pd.DateOffset(months=2)])))


def series_classics(base: pd.Series) -> list[Any]:
    """Bad versions of a monthly series (one of each class)."""
    n, index = len(base), base.index
    huge, inf = base.copy(), base.copy()
    huge.iloc[3] = 1e200
    inf.iloc[3] = np.inf
    return [
        base.astype(complex) + 1j,                                   # complex: the imaginary part must not be dropped
        pd.Series(["a"] * n, index=index),                           # text
        pd.Series(np.arange(n) % 2 == 0, index=index),               # boolean
        pd.Series(pd.date_range("2000-01-01", periods=n), index=index),  # dates as values
        pd.Series(pd.Categorical(base.round().astype(int)), index=index),  # categorical
        _tz(base), _dup(base), base.iloc[::-1], _irregular(base),     # odd indexes
        base.iloc[:0], base.iloc[:1], pd.Series(3.0, index=index),    # empty, one value, constant
        pd.Series(np.nan, index=index), inf, huge,                    # all missing, infinite, huge
        "abc", ["a", "b", "c"], {"a": 1.0}, None, 1.5,                # not a series at all
        pd.DataFrame({"a": base, "b": base}),                         # two series
        np.zeros((4, 4, 3)),                                          # three dimensions
        [1 + 1j, 2.0, 3.0, 4.0, 5.0],                                 # a list with a complex number
        np.array([1.0, "x", 3.0], dtype=object),                      # mixed objects
        base.set_axis(pd.RangeIndex(n).astype(str)),                  # a text index
    ]


FLOATS = st.floats(allow_nan=True, allow_infinity=True)
ANY_SCALAR = st.one_of(FLOATS, st.integers(-10**20, 10**20), st.text(max_size=4), st.booleans(), st.none(),
                       st.complex_numbers(max_magnitude=1e3))
SERIES_VALUES = hnp.arrays(np.float64, st.integers(0, 60), elements=FLOATS)

INT_CLASSICS = [0, -1, 1.5, "3", True, np.nan, 10**9, 2**70, [2], None, np.int64(-5), 3.0, 1 + 0j]
INT_STRATEGY = st.one_of(st.integers(-1000, 0), st.integers(1, 12), st.integers(10**9, 10**30), FLOATS,
                         st.text(max_size=4), st.booleans())
FLOAT_CLASSICS = [np.nan, np.inf, -np.inf, -1.0, 0.0, 1e308, -1e308, "0.5", None, 1 + 1j, True, [0.1]]
SEED_CLASSICS = [-1, 2**64, 1.5, "1", True, np.nan, [1], np.int64(-1)]
CHOICE_CLASSICS = ["", "nonsense", None, 1, ["log"], b"log", True, "LOG "]
BOOL_CLASSICS = ["yes", "False", 2, None, np.nan, 0.5, [True]]
PARAM_CLASSICS = [[np.nan, 1.0], [np.inf, 1.0], [1.0], [1.0, 1.0, 1.0], ["a", "b"], [1 + 1j, 1.0], None, [],
                  [1e300, 1e300], np.array([1.0, "x"], dtype=object), "ab", [-1.0, 1.0], [True, False]]
PARAM_STRATEGY = hnp.arrays(np.float64, st.integers(0, 4), elements=FLOATS)
MATRIX_CLASSICS = [np.array([[np.nan]]), np.array([[np.inf]]), np.array([[1 + 1j]]), np.array([["a"]]), None,
                   np.zeros((0, 0)), np.array([[1e300]]), np.ones((2, 2)), np.ones((3, 1, 1, 1)), "Z", [[True]],
                   -np.ones((1, 1)), np.ones((48 + 1, 1, 1))]
DRAWS_CLASSICS = [np.full((4, 100), 2.5), np.r_[np.random.default_rng(7).normal(size=399), np.nan].reshape(4, 100),
                  np.r_[np.random.default_rng(7).normal(size=399), np.inf].reshape(4, 100),
                  np.random.default_rng(7).normal(size=(4, 100)) + 1j, np.full((4, 100), "a"), np.zeros((0, 0)),
                  np.zeros((4, 3)), np.zeros((2, 3, 4, 5)), np.random.default_rng(7).normal(size=(4, 100)) > 0,
                  np.full((4, 100), 1e300) * np.random.default_rng(7).uniform(1, 2, size=(4, 100)),
                  [[1.0, 2.0, 3.0, 4.0, "x"]], None, "x", np.full((1, 100), 1.0),
                  np.r_[np.full(50, 1.0), np.full(50, 2.0)].reshape(2, 50)]
DRAWS_STRATEGY = hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(0, 60)), elements=FLOATS)
DATES_CLASSICS = [[pd.NaT], pd.DatetimeIndex(["2001-05-01", None]), ["not a date"], [1.5, 2.5], [],
                  pd.DatetimeIndex(["2001-05-01", "2004-03-01"]).tz_localize("Asia/Seoul"),
                  pd.DatetimeIndex(["2004-03-01", "2001-05-01"]), pd.DatetimeIndex(["2001-05-01", "2001-05-01"]),
                  None, "2001-05-01", pd.Series(pd.Categorical(["2001-05-01"])), [1 + 1j], {"a": 1}, 5,
                  np.array(["2001-05-01"], dtype="datetime64[ns]")]
DATES_STRATEGY = st.lists(st.one_of(st.datetimes(min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
                                                 max_value=pd.Timestamp("2100-01-01").to_pydatetime()),
                                    st.none(), st.text(max_size=5), FLOATS), max_size=5)
TIMES_CLASSICS = [[np.nan, 1.0], [np.inf], [], [1.0, 1.0, 2.0], [3.0, 2.0, 1.0], [-1.0, 2.0], [1 + 1j, 2.0],
                  ["a", "b"], pd.DatetimeIndex(["2020-01-01", None]),
                  pd.DatetimeIndex(["2020-01-01", "2020-02-01"]).tz_localize("UTC"), [1.0, pd.Timestamp("2020")],
                  None, 5.0, {"a": [1.0, 2.0], "b": "x"}, [[1.0, 2.0], [np.nan]], [1e300, 2e300], np.zeros((2, 2)),
                  "2020-01-01", [True, False]]
TIMES_STRATEGY = st.lists(FLOATS, max_size=20)
INDEX_CLASSICS = [HAZARD_INDEX.tz_localize("UTC"), HAZARD_INDEX[:-1].append(HAZARD_INDEX[-2:-1]), HAZARD_INDEX[::-1],
                  HAZARD_INDEX.delete(10), HAZARD_INDEX[:0], HAZARD_INDEX[:1],
                  pd.period_range("1995Q1", periods=80, freq="Q"), pd.RangeIndex(240), pd.Index(["a"] * 240),
                  ["abc"], None, HAZARD_INDEX.insert(5, pd.NaT), pd.date_range("1995-01-01", periods=240, freq="D"),
                  "1995-01", 240]


def frame_classics(index: pd.Index, column: str = "x") -> list[Any]:
    """Bad regressor frames on ``index`` (one column)."""
    n = len(index)
    good = regressor(index).rename(columns={"x": column})
    nan, inf, huge = good.copy(), good.copy(), good.copy()
    nan.iloc[2, 0], inf.iloc[2, 0], huge.iloc[2, 0] = np.nan, np.inf, 1e200
    return [
        good.astype(complex) + 1j, good.assign(**{column: "a"}), good.assign(**{column: np.arange(n) % 2 == 0}),
        good.assign(**{column: pd.date_range("2000-01-01", periods=n)}),
        good.assign(**{column: pd.Categorical(np.arange(n) % 3)}),
        nan, inf, huge, good.set_axis(index.tz_localize("UTC") if isinstance(index, pd.DatetimeIndex) else index),
        good.iloc[::-1], good.set_axis(index[:-1].append(index[-2:-1])), good.set_axis(index + pd.DateOffset(years=1)),
        good.iloc[:-1], np.zeros((n + 1, 1)), good.iloc[:, :0], "x", 3.0, np.zeros((n, 1, 1)),
        good.to_numpy().astype(object),
    ]


def path_classics(root: str) -> list[Any]:
    return [os.path.join(root, "missing.csv"), root, 3, None, os.path.join(root, "missing").encode(),
            [os.path.join(root, "empty.csv")], os.path.join(root, "empty.csv"), os.path.join(root, "garbage.bin"),
            Path(root) / "missing.csv", os.path.join(root, "nul\0byte"), 2.5]


def paths_classics(root: str) -> list[Any]:
    empty = os.path.join(root, "empty.csv")
    return [[os.path.join(root, "missing.csv")], [empty, 3], [], [None], [root], os.path.join(root, "missing.csv"),
            3, None, {"a": 1}, [[empty]], [empty, os.path.join(root, "missing.csv")], os.path.join(root, "garbage.bin"),
            (os.path.join(root, "nul\0byte"),)]


def families(root: str) -> dict[str, Family]:
    """Every value family, with paths under ``root`` (made by the parent)."""
    texts = st.text(max_size=12)
    return {
        "series": Family(series_classics(walk()), SERIES_VALUES),
        "counts": Family(series_classics(counts()) + [counts() - 5, counts() + 0.5, counts() * 1e12, counts() * 1e300],
                         SERIES_VALUES),
        "vector": Family(
            [np.r_[np.nan, np.ones(N_ROWS - 1)], np.r_[np.inf, np.ones(N_ROWS - 1)], np.ones(N_ROWS) + 1j,
             np.full(N_ROWS, "a"), np.ones(N_ROWS - 1), np.ones((N_ROWS, 2)), "y", [],
             np.full(N_ROWS, 2.0), np.full(N_ROWS, -1.0), pd.Series(pd.Categorical(np.arange(N_ROWS) % 2)),
             np.array(pd.date_range("2000", periods=N_ROWS)), np.full(N_ROWS, 1e300), np.arange(N_ROWS) % 2 == 0],
            hnp.arrays(np.float64, st.integers(0, N_ROWS + 2), elements=FLOATS)),
        "design": Family(
            [design() + 1j, np.full((N_ROWS, 2), "a"), design() > 0, np.full((N_ROWS, 1), np.datetime64("2001-01-01")),
             pd.DataFrame({"a": pd.Categorical(np.arange(N_ROWS) % 3), "b": design()[:, 1]}),
             np.where(np.eye(N_ROWS, 2) == 1, np.nan, design()), np.where(np.eye(N_ROWS, 2) == 1, np.inf, design()),
             np.zeros((0, 2)), design()[:1], np.ones((N_ROWS, 2)), design() * 1e200, np.zeros((N_ROWS, 2, 2)), "X",
             None, [["a", "b"]] * N_ROWS, pd.DataFrame(design(), columns=["a", "a"]),
             pd.DataFrame({"a": ["1.5"] * N_ROWS, "b": design()[:, 1]}), design()[:-1],
             pd.DataFrame(design()).set_axis(pd.date_range("2000", periods=N_ROWS, tz="UTC"))],
            hnp.arrays(np.float64, st.tuples(st.integers(0, N_ROWS + 1), st.integers(0, 3)), elements=FLOATS)),
        "int": Family(INT_CLASSICS, INT_STRATEGY),
        "float": Family(FLOAT_CLASSICS, st.one_of(FLOATS, st.text(max_size=4), st.integers(-10**20, 10**20))),
        "seed": Family(SEED_CLASSICS, st.one_of(st.integers(-2**80, 2**80), FLOATS, st.text(max_size=3))),
        "choice": Family(CHOICE_CLASSICS, texts),
        "bool": Family(BOOL_CLASSICS, st.one_of(st.integers(), st.text(max_size=3), FLOATS)),
        "params": Family(PARAM_CLASSICS, PARAM_STRATEGY),
        "matrix": Family(MATRIX_CLASSICS, hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=3),
                                                     elements=FLOATS)),
        "draws": Family(DRAWS_CLASSICS, DRAWS_STRATEGY),
        "dates": Family(DATES_CLASSICS, DATES_STRATEGY),
        "times": Family(TIMES_CLASSICS, TIMES_STRATEGY),
        "index": Family(INDEX_CLASSICS, st.lists(st.dates(), max_size=4)),
        "frame": Family(frame_classics(IDX), st.none()),
        "future_frame": Family(frame_classics(FUTURE), st.none()),
        "hazard_frame": Family(frame_classics(HAZARD_INDEX, "tension"), st.none()),
        "hazard_future_frame": Family(frame_classics(HAZARD_FUTURE, "tension"), st.none()),
        "lags": Family([0, -1, [0], [1, 1], "1", 1.5, [1.5], True, 10**6, [1, 10**6], 47, 48, [2**70]],
                       st.one_of(st.integers(-5, 60), st.lists(st.integers(-5, 60), max_size=3))),
        "path": Family(path_classics(root), texts.map(lambda s: os.path.join(root, s))),
        "paths": Family(paths_classics(root), st.lists(texts.map(lambda s: os.path.join(root, s)), max_size=3)),
        "text": Family([None, 3, b"12 km", ["12 km"], "", "12e400 km", "-5 km", "nan km", "inf km", "1-2-3 km"], texts),
        "any": Family([None, "x", 3, 1.5, [1], {"a": 1}, np.nan, True, object()], ANY_SCALAR),
    }


# ================================================================ entries
@dataclass
class Entry:
    key: str                 # "module.function(argument)"
    family: str
    call: Callable[[Any], Any]
    names: tuple[str, ...]   # a message must name one of these
    nan_means: str | None    # when NaN in the result is a documented answer, what it means


ENTRIES: dict[str, Entry] = {}


def entry(key: str, family: str, *names: str,
          nan_means: str | None = None) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    argument = key[key.index("(") + 1 : key.index(")")].split(",")[0]

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        if key in ENTRIES:
            raise ValueError(f"entry {key} registered twice")
        ENTRIES[key] = Entry(key, family, fn, names or (argument,), nan_means)
        return fn
    return register


def _forward(fn: Callable[..., Any], argument: str, family: str, key: str, *names: str,
             nan_means: str | None = None, **fixed: Any) -> None:
    """Register ``fn(argument=value, **fixed)`` under ``key``."""
    entry(key, family, *names, nan_means=nan_means)(lambda v: fn(**fixed, **{argument: v}))


def methods(key: str, call: Callable[..., Any], arguments: list[tuple[str, str]], nan_means: str | None = None,
            **defaults: Any) -> None:
    """Register ``key(argument)`` for each (argument, family): ``call`` with
    ``defaults`` and the bad value in place of that argument."""
    for argument, family in arguments:
        entry(f"{key}({argument})", family, nan_means=nan_means)(
            lambda v, a=argument: call(**{**defaults, a: v}))


# -- statespace -----------------------------------------------------------
def _uc(**kw: Any) -> Any:
    from summitcast.statespace import UnobservedComponents

    args = {"endog": walk(), "level": "local level", **kw}
    model = UnobservedComponents(**args)
    fit = model.fit()
    return fit.params, fit.bse, fit.llf, None if model.exog_names else fit.forecast(2)


for _arg, _fam, _extra in [("endog", "series", {}), ("level", "choice", {}), ("seasonal", "int", {}),
                           ("exog", "frame", {}), ("irregular", "bool", {}),
                           ("stochastic_seasonal", "bool", {"seasonal": 4}), ("diffuse", "choice", {}),
                           ("approx_diffuse_variance", "float", {"diffuse": "approximate"}),
                           ("freq_seasonal", "any", {}), ("stochastic_freq_seasonal", "any",
                                                          {"freq_seasonal": [{"period": 12, "harmonics": 1}]})]:
    _forward(_uc, _arg, _fam, f"statespace.UnobservedComponents({_arg})", **_extra)


def estimates(fit: Any) -> tuple[Any, ...]:
    return fit.params, fit.bse, fit.llf


methods("statespace.UnobservedComponents.fit", lambda **kw: estimates(uc_fit().model.fit(**kw)),
        [("start_params", "params"), ("maxiter", "int"), ("gtol", "float")])
methods("statespace.UnobservedComponents.fit_bayes", lambda **kw: uc_fit().model.fit_bayes(**kw).draws,
        [("draws", "int"), ("tune", "int"), ("chains", "int"), ("seed", "seed"), ("thin", "int"), ("cores", "int"),
         ("progress", "bool"), ("priors", "any")], draws=20, tune=10, chains=1, seed=1, cores=1)

for _method in ("loglike", "smooth"):
    entry(f"statespace.UnobservedComponents.{_method}(params)", "params")(
        lambda v, m=_method: (lambda r: r if isinstance(r, float) else (r.llf, r.params))(
            getattr(uc_fit().model, m)(v)))

methods("statespace.UnobservedComponentsResults.get_forecast",
        lambda **kw: uc_exog_fit().get_forecast(**kw).summary_frame(), [("steps", "int"), ("exog", "future_frame")],
        steps=6, exog=regressor(FUTURE))
methods("statespace.UnobservedComponentsResults.simulate", lambda **kw: uc_exog_fit().simulate(**kw).summary_frame(),
        [("steps", "int"), ("paths", "int"), ("seed", "seed"), ("cores", "int"), ("exog", "future_frame")],
        steps=6, paths=20, seed=1, exog=regressor(FUTURE))
entry("statespace.UnobservedComponentsResults.conf_int(alpha)", "float")(lambda v: uc_fit().conf_int(v))
entry("statespace.UnobservedComponentsResults.summary(alpha)", "float")(lambda v: uc_fit().summary(v).tables)
entry("statespace.UnobservedComponentsResults.test_serial_correlation(lags)", "int")(
    lambda v: uc_fit().test_serial_correlation(v))
methods("statespace.UnobservedComponentsResults.simulation_smoother", lambda **kw: uc_fit().simulation_smoother(**kw),
        [("draws", "int"), ("seed", "seed")], draws=3, seed=1)
methods("statespace.UnobservedComponentsPosterior.simulate", lambda **kw: uc_posterior().simulate(**kw).summary_frame(),
        [("steps", "int"), ("paths", "int"), ("seed", "seed"), ("cores", "int")], steps=4, paths=20, seed=1)
entry("statespace.UnobservedComponentsPosterior.components(alpha)", "float")(lambda v: uc_posterior().components(v))
entry("statespace.UnobservedComponentsPosterior.summary(alpha)", "float")(lambda v: uc_posterior().summary(v).tables)
entry("statespace.UnobservedComponentsPosterior.forecast_summary(alpha)", "float")(
    lambda v: uc_posterior().forecast_summary(3, alpha=v, seed=1))


def _kalman(**kw: Any) -> Any:
    from summitcast.statespace import kalman_filter

    one = np.eye(1)
    args = {"y": walk().to_numpy(), "Z": one, "H": one, "T": one, "R": one, "Q": one, "a1": np.zeros(1),
            "P1": one * 10.0, **kw}
    out = kalman_filter(**args)
    return out["loglike"], out["filtered_state"]


_forward(_kalman, "y", "series", "statespace.kalman_filter(y)")
for _arg in ("Z", "H", "T", "R", "Q", "a1", "P1", "P1_diffuse", "d", "c"):
    _forward(_kalman, _arg, "matrix", f"statespace.kalman_filter({_arg})")
for _arg in ("smooth", "steady_state"):
    _forward(_kalman, _arg, "bool", f"statespace.kalman_filter({_arg})")
_forward(_kalman, "loglikelihood_burn", "int", "statespace.kalman_filter(loglikelihood_burn)")


ANNUAL = pd.period_range("2015", "2018", freq="Y")


def annual_totals() -> pd.Series:
    y = walk() + 20.0
    return pd.Series(y.groupby(y.index.year).sum().to_numpy(), index=ANNUAL, name="total")


def monthly_gaps() -> pd.Series:
    """The walk with 2016 and 2017 known only through their annual totals."""
    y = walk() + 20.0
    return y.where(~y.index.year.isin([2016, 2017]))


@_quiet
def aggregation_fit():
    from summitcast.statespace import TemporalAggregation

    return TemporalAggregation(monthly_gaps(), annual_totals(), seasonal=None).fit()


def _aggregation(**kw: Any) -> Any:
    from summitcast.statespace import TemporalAggregation

    fit = TemporalAggregation(**{"endog": monthly_gaps(), "aggregates": annual_totals(), "seasonal": None, **kw}).fit()
    return fit.params, fit.bse, fit.llf, fit.summary_frame()


methods("statespace.TemporalAggregation", _aggregation,
        [("endog", "series"), ("aggregates", "series"), ("how", "choice"), ("level", "choice"), ("seasonal", "int"),
         ("irregular", "bool"), ("scale", "any"), ("rtol", "float")])
methods("statespace.TemporalAggregation.fit", lambda **kw: estimates(aggregation_fit().model.fit(**kw)),
        [("start_params", "params"), ("maxiter", "int"), ("gtol", "float")])
entry("statespace.TemporalAggregation.loglike(params)", "params")(lambda v: aggregation_fit().model.loglike(v))
entry("statespace.TemporalAggregationResults.get_forecast(steps)", "int")(
    lambda v: aggregation_fit().get_forecast(v).summary_frame())
entry("statespace.TemporalAggregationResults.summary_frame(alpha)", "float")(
    lambda v: aggregation_fit().summary_frame(v))


def _inverse_gamma(**kw: Any) -> Any:
    from summitcast.statespace import InverseGamma

    return InverseGamma(**{"shape": 1.0, "scale": 1.0, **kw})


for _arg in ("shape", "scale"):
    _forward(_inverse_gamma, _arg, "float", f"statespace.InverseGamma({_arg})")
entry("statespace.load_results(path)", "path")(lambda v: __import__("summitcast.statespace").statespace.load_results(v))
entry("summitcast.load(path)", "path")(lambda v: __import__("summitcast").load(v))


# -- counts ---------------------------------------------------------------
def _ingarch(**kw: Any) -> Any:
    from summitcast.counts import INGARCH

    fit = INGARCH(**{"endog": counts(), **kw}).fit()
    return fit.params, fit.bse, fit.llf


for _arg, _fam in [("endog", "counts"), ("past_obs", "lags"), ("past_mean", "lags"), ("exog", "frame"),
                   ("link", "choice"), ("family", "choice"), ("init", "choice"), ("init_drop", "bool")]:
    _forward(_ingarch, _arg, _fam, f"counts.INGARCH({_arg})")
methods("counts.INGARCH.fit", lambda **kw: estimates(ingarch_fit().model.fit(**kw)),
        [("start_params", "params"), ("presample", "choice"), ("maxiter", "int")])
entry("counts.INGARCH.loglike(params)", "params")(lambda v: ingarch_fit().model.loglike(v))
methods("counts.INGARCHResults.simulate", lambda **kw: ingarch_exog_fit().simulate(**kw).summary_frame(),
        [("steps", "int"), ("paths", "int"), ("seed", "seed"), ("exog", "future_frame")],
        steps=6, paths=20, seed=1, exog=regressor(FUTURE))
entry("counts.INGARCHResults.conf_int(alpha)", "float")(lambda v: ingarch_fit().conf_int(v))
entry("counts.INGARCHResults.pit(bins)", "int")(lambda v: ingarch_fit().pit(v))
entry("counts.CountForecast.score(observed)", "vector")(lambda v: count_forecast().score(v))
entry("counts.CountForecast.quantile(q)", "float")(lambda v: count_forecast().quantile(v))
entry("counts.CountForecast.summary_frame(alpha)", "float")(lambda v: count_forecast().summary_frame(v))
entry("counts.CountForecast.prob_at_least(k)", "int")(lambda v: count_forecast().prob_at_least(v))
entry("counts.CountForecast.prob_total_at_least(k)", "int")(lambda v: count_forecast().prob_total_at_least(v))


def _simulate_ingarch(**kw: Any) -> Any:
    from summitcast.counts import simulate_ingarch

    return simulate_ingarch(**{"params": [0.5, 0.3], "nobs": 30, "seed": 1, **kw})


for _arg, _fam in [("params", "params"), ("nobs", "int"), ("past_obs", "lags"), ("past_mean", "lags"),
                   ("exog", "frame"), ("link", "choice"), ("family", "choice"), ("burn", "int"), ("seed", "seed"),
                   ("index", "index")]:
    _forward(_simulate_ingarch, _arg, _fam, f"counts.simulate_ingarch({_arg})")


def _intervention(**kw: Any) -> Any:
    from summitcast.counts import intervention

    return intervention(**{"index": IDX, "at": "2016-03-01", "kind": "decay", "delta": 0.5, **kw})


for _arg, _fam in [("index", "index"), ("at", "any"), ("kind", "choice"), ("delta", "float")]:
    _forward(_intervention, _arg, _fam, f"counts.intervention({_arg})")


# -- events ---------------------------------------------------------------
def _hawkes(fit_kw: dict[str, Any], **kw: Any) -> Any:
    from summitcast.events import Hawkes

    fit = Hawkes(**kw).fit(**{"times": event_floats(), **fit_kw})
    return fit.params, fit.bse, fit.llf


for _arg, _fam in [("kernel", "choice"), ("n_exp", "int")]:
    entry(f"events.Hawkes({_arg})", _fam)(lambda v, a=_arg: _hawkes({}, **{a: v}))
for _arg, _fam in [("times", "times"), ("end_time", "float"), ("start_time", "float"), ("decays", "params"),
                   ("start_params", "params"), ("time_unit", "choice"), ("maxiter", "int")]:
    entry(f"events.Hawkes.fit({_arg})", _fam)(lambda v, a=_arg: _hawkes({a: v}))
entry("events.Hawkes.fit(times, dates)", "dates", "times")(lambda v: _hawkes({"times": v}))
entry("events.Hawkes.loglike(times)", "times")(lambda v: __import__("summitcast.events").events.Hawkes().loglike(
    v, [0.5, 0.3, 1.0]))
entry("events.Hawkes.loglike(params)", "params")(lambda v: __import__("summitcast.events").events.Hawkes().loglike(
    event_floats(), v))
entry("events.HawkesResults.intensity(at)", "times")(lambda v: hawkes_fit().intensity(v))
methods("events.HawkesResults.prob_event_within",
        lambda **kw: (lambda r: (r.prob_any, r.counts))(hawkes_fit().prob_event_within(**kw)),
        [("window", "float"), ("at", "float"), ("paths", "int"), ("seed", "seed")], window=5.0, paths=50, seed=1)
methods("events.HawkesResults.sample_events", lambda **kw: hawkes_fit().sample_events(**kw),
        [("end_time", "float"), ("seed", "seed")], end_time=50.0, seed=1)
methods("events.HawkesResults.simulate", lambda **kw: hawkes_dates_fit().simulate(**kw).summary_frame(),
        [("steps", "int"), ("paths", "int"), ("seed", "seed"), ("dimension", "choice")], steps=3, paths=20, seed=1)
entry("events.HawkesResults.conf_int(alpha)", "float")(lambda v: hawkes_fit().conf_int(v))
entry("events.ks_exponential(residuals)", "times")(lambda v: __import__("summitcast.events").events.ks_exponential(v))


# -- bayes ----------------------------------------------------------------
def _laplace(model: Any) -> Any:
    post = model.fit_laplace(draws=50, seed=1)
    return post.draws


def _logit(**kw: Any) -> Any:
    from summitcast.bayes import Logit

    return _laplace(Logit(**{"X": design(), "y": binary(), **kw}))


for _arg, _fam in [("X", "design"), ("y", "vector"), ("link", "choice"), ("prior", "any"),
                   ("prior_intercept", "any"), ("offset", "vector"), ("weights", "vector"), ("intercept", "bool"),
                   ("standardize", "bool")]:
    _forward(_logit, _arg, _fam, f"bayes.Logit({_arg})")

methods("bayes.Logit.sample", lambda **kw: logit().sample(**kw).draws,
        [("draws", "int"), ("tune", "int"), ("chains", "int"), ("seed", "seed"), ("cores", "int"),
         ("progress", "bool"), ("target_accept", "float"), ("max_tree_depth", "int"), ("dense_metric", "bool")],
        draws=20, tune=20, chains=1, seed=1, cores=1)
methods("bayes.Logit.fit_laplace", lambda **kw: logit().fit_laplace(**kw).draws,
        [("draws", "int"), ("seed", "seed"), ("importance", "bool"), ("df", "float"), ("rounds", "int")],
        draws=20, seed=1)
methods("bayes.psis", lambda **kw: (lambda r: (r.log_weights, r.khat, r.ess))(
    __import__("summitcast.bayes").bayes.psis(**kw)), [("log_ratios", "times"), ("r_eff", "float")],
    log_ratios=np.random.default_rng(10).normal(size=200))
entry("bayes.Logit.fit_map(jacobian)", "bool")(lambda v: logit().fit_map(jacobian=v).params)
entry("bayes.Logit.fit_map(start)", "params", "start")(lambda v: logit().fit_map(start=v).params)
entry("bayes.Logit.log_density(theta)", "params")(lambda v: logit().log_density(v))
entry("bayes.Logit.predict_draws(X)", "design")(lambda v: logit().predict_draws(logit_laplace(), v))
entry("bayes.Posterior.summary_frame(hdi_prob)", "float")(lambda v: logit_laplace().summary_frame(v))
entry("bayes.Posterior.predict_proba(X_new)", "design")(lambda v: logit_laplace().predict_proba(v))
entry("bayes.Posterior.predict_proba(hdi_prob)", "float")(lambda v: logit_laplace().predict_proba(design(), v))
entry("bayes.Posterior.array(name)", "any")(lambda v: logit_laplace().array(v))


def _ordered(**kw: Any) -> Any:
    from summitcast.bayes import OrderedLogit

    return _laplace(OrderedLogit(**{"X": design(), "y": ordinal(), **kw}))


for _arg, _fam in [("X", "design"), ("y", "vector"), ("link", "choice"), ("levels", "any"),
                   ("prior_cutpoints", "any"), ("standardize", "bool")]:
    _forward(_ordered, _arg, _fam, f"bayes.OrderedLogit({_arg})")


def _hierarchical(**kw: Any) -> Any:
    from summitcast.bayes import HierarchicalLogit

    return _laplace(HierarchicalLogit(**{"X": design(), "y": binary(), "groups": groups(), **kw}))


for _arg, _fam in [("groups", "vector"), ("varying_slopes", "any"), ("varying_intercept", "bool"),
                   ("prior_scale", "any")]:
    _forward(_hierarchical, _arg, _fam, f"bayes.HierarchicalLogit({_arg})")


def _hazard(**kw: Any) -> Any:
    from summitcast.bayes import DiscreteHazard

    return _laplace(DiscreteHazard(**{"index": HAZARD_INDEX, "event_dates": HAZARD_EVENTS, **kw}))


def _panel(**kw: Any) -> Any:
    from summitcast.bayes import at_risk_panel

    return at_risk_panel(**{"index": HAZARD_INDEX, "event_dates": HAZARD_EVENTS, **kw})


for _arg, _fam in [("index", "index"), ("event_dates", "dates"), ("covariates", "hazard_frame"), ("time", "choice"),
                   ("knots", "any")]:
    _forward(_hazard, _arg, _fam, f"bayes.DiscreteHazard({_arg})", **({"time": "spline"} if _arg == "knots" else {}))
    _forward(_panel, _arg, _fam, f"bayes.at_risk_panel({_arg})", **({"time": "spline"} if _arg == "knots" else {}))
entry("bayes.time_terms(duration)", "times")(lambda v: __import__("summitcast.bayes").bayes.time_terms(v))
entry("bayes.time_terms(kind)", "choice")(lambda v: __import__("summitcast.bayes").bayes.time_terms([1.0, 2.0], v))
entry("bayes.time_terms(knots)", "params")(
    lambda v: __import__("summitcast.bayes").bayes.time_terms([1.0, 2.0, 30.0], "spline", v))
methods("bayes.DiscreteHazard.prob_within", lambda **kw: hazard_model().prob_within(hazard_laplace(), **kw),
        [("horizon", "int"), ("covariates", "hazard_future_frame"), ("hdi_prob", "float")], horizon=6)
methods("bayes.DiscreteHazard.future_design", lambda **kw: hazard_model().future_design(**kw),
        [("horizon", "int"), ("covariates", "hazard_future_frame")], horizon=6)
entry("bayes.DiscreteHazard.hazard_paths(covariate_paths)", "draws")(
    lambda v: hazard_model().hazard_paths(hazard_laplace(), {"tension": v}))
entry("bayes.DiscreteHazard.hazard_paths(horizon)", "int")(
    lambda v: hazard_model().hazard_paths(hazard_laplace(), horizon=v))

for _cls, _args in [("Normal", ("mu", "sigma")), ("StudentT", ("nu", "mu", "sigma")), ("Cauchy", ("mu", "sigma")),
                    ("HalfNormal", ("sigma",)), ("HalfStudentT", ("nu", "sigma")), ("Exponential", ("rate",))]:
    for _arg in _args:
        entry(f"bayes.{_cls}({_arg})", "float")(
            lambda v, c=_cls, a=_arg: getattr(__import__("summitcast.bayes").bayes, c)(**{a: v}))


def _classifier(**kw: Any) -> Any:
    from summitcast.bayes import BayesianLogisticRegression

    clf = BayesianLogisticRegression(**{"method": "laplace", "draws": 20, "chains": 1, "seed": 1, **kw})
    return clf.fit(design(), binary()).predict_proba(design())


for _arg, _fam in [("method", "choice"), ("draws", "int"), ("chains", "int"), ("seed", "seed"), ("link", "choice")]:
    _forward(_classifier, _arg, _fam, f"bayes.BayesianLogisticRegression({_arg})")
entry("bayes.BayesianLogisticRegression.fit(X)", "design")(
    lambda v: __import__("summitcast.bayes").bayes.BayesianLogisticRegression(method="laplace", draws=20, seed=1)
    .fit(v, binary()).coef_)
entry("bayes.BayesianLogisticRegression.fit(y)", "vector")(
    lambda v: __import__("summitcast.bayes").bayes.BayesianLogisticRegression(method="laplace", draws=20, seed=1)
    .fit(design(), v).coef_)


# -- diagnostics ----------------------------------------------------------
for _fn in ("rhat", "ess_bulk", "ess_tail", "ess_mean", "mcse_mean", "mcse_sd"):
    entry(f"diagnostics.{_fn}(x)", "draws")(lambda v, f=_fn: getattr(__import__("summitcast.diagnostics").diagnostics,
                                                                       f)(v))
entry("diagnostics.bfmi(energy)", "draws")(lambda v: __import__("summitcast.diagnostics").diagnostics.bfmi(v))


# -- io -------------------------------------------------------------------
def _io(name: str) -> Callable[..., Any]:
    import summitcast.io

    return getattr(summitcast.io, name)


MISSING_FIELD = "a missing field in the file"
for _reader, _arg, _fixture in [("read_acled", "path", "acled"), ("read_cns_missile_db", "path", "cns"),
                                ("read_comtrade", "paths", "comtrade"), ("read_gdelt_events", "paths", "gdelt"),
                                ("read_icews", "paths", "icews"), ("detect_gdelt_version", "path", "gdelt")]:
    entry(f"io.{_reader}({_arg})", "path" if _arg == "path" else "paths", nan_means=MISSING_FIELD)(
        lambda v, r=_reader: _io(r)(v))
    if _reader != "detect_gdelt_version":
        entry(f"io.{_reader}(errors)", "choice", nan_means=MISSING_FIELD)(
            lambda v, r=_reader, f=_fixture: _io(r)(files()[f], errors=v))
for _reader, _fixture in [("read_acled", "acled"), ("read_cns_missile_db", "cns"), ("read_comtrade", "comtrade")]:
    entry(f"io.{_reader}(encoding)", "choice", nan_means=MISSING_FIELD)(
        lambda v, r=_reader, f=_fixture: _io(r)(files()[f], encoding=v))
entry("io.iter_gdelt_events(paths)", "paths", nan_means=MISSING_FIELD)(lambda v: list(_io("iter_gdelt_events")(v)))
methods("io.read_gdelt_events", lambda **kw: _io("read_gdelt_events")(files()["gdelt"], **kw),
        [("version", "choice"), ("countries", "any"), ("match", "choice"), ("columns", "any"), ("block_bytes", "int"),
         ("engine", "choice")], nan_means=MISSING_FIELD)
methods("io.read_icews", lambda **kw: _io("read_icews")(files()["icews"], **kw),
        [("na_values", "any"), ("block_bytes", "int")], nan_means=MISSING_FIELD)
entry("io.parse_distance_km(text)", "text", nan_means="an unknown distance")(lambda v: _io("parse_distance_km")(v))
entry("io.quad_class_from_root(root)", "any", nan_means="a root that is not a CAMEO root")(
    lambda v: _io("quad_class_from_root")(v))


@cache
def _gdelt_events() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _io("read_gdelt_events")(files()["gdelt"])


def _panel_call(**kw: Any) -> Any:
    return _io("build_indicator_panel")(**{"events": _gdelt_events(), "dyads": [("CHN", "JPN")], **kw})


for _arg, _fam in [("events", "any"), ("dyads", "any"), ("freq", "choice"), ("measures", "any"),
                   ("directed", "bool"), ("coverage", "dates"), ("date", "choice")]:
    _forward(_panel_call, _arg, _fam, f"io.build_indicator_panel({_arg})",
             nan_means="a period the files do not cover, or the mean of no events")


def _incidents() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2017-01-05", "2017-03-09", "2017-03-20"]),
                         "kind": ["a", "b", "a"]})


def _incident_call(**kw: Any) -> Any:
    return _io("incident_counts")(**{"incidents": _incidents(), **kw})


for _arg, _fam in [("incidents", "any"), ("freq", "choice"), ("by", "choice"), ("coverage", "dates"),
                   ("date_column", "choice")]:
    _forward(_incident_call, _arg, _fam, f"io.incident_counts({_arg})")


# -- datasets -------------------------------------------------------------
def _world(**kw: Any) -> Any:
    from summitcast.datasets import simulate_world

    world = simulate_world(**{"seed": 1, "n_months": 60, **kw})
    return world.indicators, world.hazard


for _arg, _fam in [("seed", "seed"), ("n_months", "int"), ("start", "any")]:
    _forward(_world, _arg, _fam, f"datasets.simulate_world({_arg})")
for _arg in ("omega", "alpha", "p_crisis", "crisis_duration", "trade_drift", "trade_sigma", "trade_start", "beta0",
             "beta_missile", "beta_crisis", "beta_gap", "gamma_crisis"):
    _forward(_world, _arg, "float", f"datasets.simulate_world({_arg})")
_forward(_world, "cutpoints", "params", "datasets.simulate_world(cutpoints)")


# ========================================================= valid values
# Every entry is also run once with a value that must work, so an entry whose
# call is broken cannot pass by turning every bad value into some error.
class Lazy:
    """A valid value made in the parent from the fixture files."""

    def __init__(self, make: Callable[[dict[str, str]], Any]) -> None:
        self.make = make


FAMILY_VALID: dict[str, Any] = {
    "series": walk(), "counts": counts(), "design": design(), "seed": 7, "bool": True,
    "draws": np.random.default_rng(8).normal(size=(4, 100)), "times": event_floats(), "dates": HAZARD_EVENTS,
    "frame": regressor(), "future_frame": regressor(FUTURE), "hazard_frame": hazard_covariates(),
    "hazard_future_frame": hazard_covariates(HAZARD_FUTURE), "lags": 1, "text": "1,000 km",
    "index": HAZARD_INDEX,
}
VALID_BY_ARG: dict[str, Any] = {
    "steps": 6, "paths": 20, "draws": 20, "tune": 10, "chains": 1, "thin": 2, "cores": 1, "maxiter": 100,
    "gtol": 1e-6, "alpha": 0.1, "hdi_prob": 0.9, "lags": 5, "bins": 5, "k": 2, "q": 0.5, "progress": False,
    "priors": None, "prior": None, "prior_intercept": None, "prior_cutpoints": None, "prior_scale": None,
    "horizon": 6, "window": 5.0, "burn": 10, "nobs": 30, "n_exp": 1, "kernel": "exp", "link": "logit",
    "family": "negbin", "init": "iid", "presample": "plugin", "time": "spline", "knots": 4, "errors": "skip",
    "encoding": "utf-8", "match": "both", "engine": "pandas", "version": "1", "freq": "QS", "date": "added",
    "target_accept": 0.9, "max_tree_depth": 5, "method": "laplace", "n_months": 24, "start": "2001-05",
    "shape": 2.0, "scale": 2.0, "mu": 1.0, "sigma": 1.0, "nu": 3.0, "rate": 1.0, "delta": 0.5,
    "loglikelihood_burn": 0, "theta": [0.0, 0.0, 0.0], "name": "Intercept",
    "residuals": np.random.default_rng(9).exponential(size=50), "duration": [1.0, 2.0, 30.0],
}
VALID: dict[str, Any] = {
    "statespace.UnobservedComponents(level)": "local linear trend",
    "statespace.UnobservedComponents(seasonal)": 4,
    "statespace.UnobservedComponents(diffuse)": "approximate",
    "statespace.UnobservedComponents(approx_diffuse_variance)": 1e6,
    "statespace.UnobservedComponents(freq_seasonal)": [{"period": 12, "harmonics": 1}],
    "statespace.UnobservedComponents(stochastic_freq_seasonal)": [False],
    "statespace.UnobservedComponents.fit(start_params)": [1.0, 1.0],
    "statespace.UnobservedComponents.loglike(params)": [1.0, 1.0],
    "statespace.UnobservedComponents.smooth(params)": [1.0, 1.0],
    "statespace.UnobservedComponentsPosterior.simulate(steps)": 4,
    "statespace.TemporalAggregation(endog)": monthly_gaps(), "statespace.TemporalAggregation(aggregates)": annual_totals(),
    "statespace.TemporalAggregation(how)": "sum", "statespace.TemporalAggregation(level)": "local level",
    "statespace.TemporalAggregation(seasonal)": None, "statespace.TemporalAggregation(scale)": "level",
    "statespace.TemporalAggregation(rtol)": 1e-3, "statespace.TemporalAggregation.fit(start_params)": None,
    "statespace.TemporalAggregation.loglike(params)": Lazy(lambda f: aggregation_fit().params.to_numpy()),
    "bayes.Logit.fit_laplace(df)": 6.0, "bayes.Logit.fit_laplace(importance)": True,
    "bayes.Logit.fit_laplace(rounds)": 2,
    "bayes.psis(log_ratios)": np.random.default_rng(10).normal(size=200), "bayes.psis(r_eff)": 0.8,
    **{f"statespace.kalman_filter({m})": np.eye(1) for m in ("Z", "H", "T", "R", "Q", "P1", "P1_diffuse")},
    "statespace.kalman_filter(a1)": np.zeros(1), "statespace.kalman_filter(d)": np.zeros(1),
    "statespace.kalman_filter(c)": np.zeros(1),
    "statespace.load_results(path)": Lazy(lambda f: f["saved"]), "summitcast.load(path)": Lazy(lambda f: f["saved"]),
    "counts.INGARCH(past_mean)": 1, "counts.INGARCH(link)": "identity",
    "counts.INGARCH.fit(start_params)": [1.0, 0.2], "counts.INGARCH.loglike(params)": [1.0, 0.2],
    "counts.CountForecast.score(observed)": np.full(6, 2.0),
    "counts.simulate_ingarch(params)": [0.5, 0.3], "counts.simulate_ingarch(past_mean)": None,
    "counts.simulate_ingarch(exog)": None, "counts.simulate_ingarch(link)": "log",
    "counts.simulate_ingarch(family)": "poisson", "counts.simulate_ingarch(index)": pd.RangeIndex(30),
    "counts.intervention(index)": IDX, "counts.intervention(at)": "2016-03-01", "counts.intervention(kind)": "decay",
    "events.Hawkes.fit(end_time)": 200.0, "events.Hawkes.fit(start_time)": 0.0, "events.Hawkes.fit(decays)": [1.0],
    "events.Hawkes.fit(start_params)": [0.3, 0.3, 1.0], "events.Hawkes.fit(time_unit)": "h",
    "events.Hawkes.fit(times, dates)": event_dates(), "events.Hawkes.loglike(params)": [0.5, 0.3, 1.0],
    "events.HawkesResults.intensity(at)": [1.0, 2.0], "events.HawkesResults.prob_event_within(at)": 100.0,
    "events.HawkesResults.sample_events(end_time)": 50.0, "events.HawkesResults.simulate(dimension)": "0",
    "bayes.Logit(y)": binary(), "bayes.Logit(link)": "probit", "bayes.Logit(offset)": np.zeros(N_ROWS),
    "bayes.Logit(weights)": np.ones(N_ROWS), "bayes.Logit(standardize)": False,
    "bayes.Logit.fit_map(start)": [0.0, 0.0, 0.0], "bayes.Logit.log_density(theta)": [0.0, 0.0, 0.0],
    "bayes.OrderedLogit(y)": ordinal(), "bayes.OrderedLogit(levels)": [0.0, 1.0, 2.0],
    "bayes.OrderedLogit(standardize)": False,
    "bayes.HierarchicalLogit(groups)": groups(), "bayes.HierarchicalLogit(varying_slopes)": ["x0"],
    "bayes.time_terms(kind)": "cubic", "bayes.time_terms(knots)": [1.0, 10.0, 30.0],
    **{f"bayes.{c}({a})": 1.0 for c, args in [("Normal", ("mu", "sigma")), ("StudentT", ("nu", "mu", "sigma")),
                                              ("Cauchy", ("mu", "sigma")), ("HalfNormal", ("sigma",)),
                                              ("HalfStudentT", ("nu", "sigma")), ("Exponential", ("rate",))]
       for a in args},
    "bayes.BayesianLogisticRegression.fit(y)": binary(),
    **{f"io.{r}({a})": Lazy(lambda f, k=k: f[k]) for r, a, k in [
        ("read_acled", "path", "acled"), ("read_cns_missile_db", "path", "cns"), ("read_comtrade", "paths", "comtrade"),
        ("read_gdelt_events", "paths", "gdelt"), ("read_icews", "paths", "icews"),
        ("detect_gdelt_version", "path", "gdelt"), ("iter_gdelt_events", "paths", "gdelt")]},
    "io.read_gdelt_events(countries)": ["CHN"], "io.read_gdelt_events(columns)": ["GLOBALEVENTID", "SQLDATE"],
    "io.read_gdelt_events(block_bytes)": 1 << 16, "io.read_icews(block_bytes)": 1 << 16,
    "io.read_icews(na_values)": ["NA", "-"], "io.quad_class_from_root(root)": pd.Series(["01", "14", "20"]),
    "io.build_indicator_panel(events)": Lazy(lambda f: __import__("summitcast.io").io.read_gdelt_events(f["gdelt"])),
    "io.build_indicator_panel(dyads)": [("CHN", "JPN"), ("KOR", "PRK")],
    "io.build_indicator_panel(measures)": ["count", "quad"], "io.build_indicator_panel(directed)": False,
    "io.build_indicator_panel(coverage)": ("2013-01-01", "2013-06-30"),
    "io.incident_counts(incidents)": _incidents(), "io.incident_counts(by)": "kind",
    "io.incident_counts(coverage)": ("2017-01-01", "2017-06-30"), "io.incident_counts(date_column)": "date",
    **{f"datasets.simulate_world({a})": v for a, v in [
        ("omega", 0.2), ("alpha", 0.4), ("p_crisis", 0.1), ("crisis_duration", 3.0), ("trade_drift", 0.01),
        ("trade_sigma", 0.05), ("trade_start", 4.0), ("beta0", -2.0), ("beta_missile", -0.2), ("beta_crisis", -1.0),
        ("beta_gap", 0.3), ("gamma_crisis", -0.5), ("cutpoints", (-1.0, 1.0))]},
}
NO_VALID = object()


def valid_value(entry: Entry, files: dict[str, str]) -> Any:
    """The value for ``entry`` that must work (a ``Lazy`` one made from ``files``)."""
    argument = entry.key[entry.key.index("(") + 1 : entry.key.index(")")].split(",")[0]
    for table, key in ((VALID, entry.key), (VALID_BY_ARG, argument), (FAMILY_VALID, entry.family)):
        if key in table:
            value = table[key]
            return value.make(files) if isinstance(value, Lazy) else value
    raise KeyError(f"no valid value for {entry.key}: add one to VALID")


# ================================================================= worker
def first_nan(value: Any, where: str = "result", depth: int = 0) -> str | None:
    """Where the first NaN in ``value`` is (None when there is none)."""
    if depth > 6:
        return None
    if isinstance(value, (float, np.floating)):
        return where if math.isnan(value) else None
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and np.isnan(value).any():
            return f"{where}[{np.argwhere(np.isnan(value))[0].tolist()}]"
        return None
    # NaN whose reason travels in the result: attrs["why_nan"] keyed by column or row label
    explained = getattr(value, "attrs", {}).get("why_nan", {}) if isinstance(value, (pd.Series, pd.DataFrame)) else {}
    if isinstance(value, pd.Series):
        kept = value.drop([k for k in explained if k in value.index])
        return first_nan(kept.to_numpy(), f"{where}[{value.name!r}]", depth + 1) if value.dtype.kind in "fc" else None
    if isinstance(value, pd.DataFrame):
        kept = value.drop(index=[k for k in explained if k in value.index])
        for column in value.columns:
            if column in explained:
                continue
            found = first_nan(kept[column], f"{where}[{column!r}]", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = first_nan(item, f"{where}[{key!r}]", depth + 1)
        if found:
            return found
    return None


def run_case(key: str, value: Any) -> dict[str, Any]:
    from summitcast import SummitcastWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ENTRIES[key].call(value)
        except Exception as err:  # noqa: BLE001 - the outcome is what is recorded
            return {"outcome": "error", "type": type(err).__name__,
                    "mro": [c.__name__ for c in type(err).__mro__], "message": str(err)[:400]}
    reasons = [str(w.message)[:200] for w in caught if issubclass(w.category, SummitcastWarning)]
    return {"outcome": "ok", "nan": first_nan(result), "warned": reasons}


def worker() -> None:
    """Run the pickled cases on stdin; write JSON lines to the original stdout."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything the library prints goes to stderr, never into the records
    faulthandler.enable()
    cases = pickle.load(sys.stdin.buffer)
    import summitcast  # noqa: F401 - imported before the first timer starts

    for case_id, key, value in cases:
        out.write(MARK + json.dumps({"id": case_id, "event": "start"}) + "\n")
        faulthandler.dump_traceback_later(CASE_TIMEOUT, exit=True)
        record = run_case(key, value)
        faulthandler.cancel_dump_traceback_later()
        out.write(MARK + json.dumps({"id": case_id, "event": "end", **record}, default=str) + "\n")
    out.flush()


def describe(value: Any) -> str:
    """A short description of a case's value for the failure report."""
    if isinstance(value, (pd.Series, pd.DataFrame)):
        index = value.index
        return (f"{type(value).__name__}(len={len(value)}, dtypes={sorted({str(d) for d in np.atleast_1d(value.dtypes)})}, "
                f"index={type(index).__name__}[{index.dtype}]{' unsorted' if not index.is_monotonic_increasing else ''}"
                f"{' duplicated' if index.has_duplicates else ''})")
    if isinstance(value, np.ndarray):
        return f"ndarray(shape={value.shape}, dtype={value.dtype})"
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."
