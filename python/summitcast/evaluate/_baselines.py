"""Baselines: simple forecasters of "a meeting within h months", learned only from the past.

Each follows the forecaster protocol (``fit(data, as_of, seed)`` →
``forecast(horizon).to_frame()`` with ``months``, ``p_held``), so a backtest
runs them through the same code as the real forecaster.  Notation, for one
series: months are observed from its coverage start F to the last month L
whose meetings are known at ``as_of`` (L = ``as_of`` in a backtest's
vintage); x_t = 1 if the series held a meeting in month t; the h-month
window of origin o is the months o + 1 .. o + h, with outcome
y_h(o) = 1 if any x_t = 1 in it.

Counts become probabilities with the Jeffreys estimate (k + 1/2)/(n + 1) —
the posterior mean of a proportion under a Beta(1/2, 1/2) prior — so a
baseline never says exactly 0 or 1 (its log score stays finite) and says 1/2
when it has seen nothing (n = 0).  Overlapping windows are counted as if
independent, which understates how uncertain these rates are but does not
bias them.

=====================  =================================================================
``BaseRateWindows``    p_h = (k_h + 1/2)/(n_h + 1): k_h of the n_h past windows
                       o = F − 1 .. L − h (wholly observed) held a meeting
``BaseRateMonthly``    p_h = 1 − (1 − λ)^h with λ = (k + 1/2)/(n + 1): k of the n
                       months F .. L held a meeting (months as independent trials)
``TimeSinceLast``      one-covariate discrete hazard: logit h_t = a + b log d_t, with
                       d_t the months since the last meeting before t (since F when
                       there was none), fitted to months F .. L by
                       ``summitcast.bayes.Logit`` (weakly informative default priors:
                       normal, sd 2.5, on standardised predictors; Laplace
                       approximation); p_h = E[1 − Π_{j=1..h} (1 − h(d_{L+1} + j − 1))]
                       over the posterior draws.  With fewer than two meetings in
                       the past it is ``BaseRateMonthly``.
``Persistence``        the last window (L − h, L] again: p_h = 1 − ε_h if it held a
                       meeting, ε_h if not, with ε_h = (m + 1/2)/(M + 1) the
                       Jeffreys rate at which persistence failed in the M past
                       pairs of consecutive wholly observed windows (o − h, o],
                       (o, o + h] (1/2 when there is no such pair)
``Constant``           p_h = ``value`` (default 1/2) for every h
=====================  =================================================================
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._common.exceptions import DataWarning
from .._common.logistic import expit
from .._common.seeds import check_seed
from .._common.time import as_month
from .._common.validation import check_int, check_probability, describe
from ._protocol import HeldForecast
from ._record import SeriesHistory, as_record, ordinal_month, series_history

__all__ = [
    "DEFAULT_BASELINES",
    "Baseline",
    "BaseRateMonthly",
    "BaseRateWindows",
    "Constant",
    "FittedBaseline",
    "Persistence",
    "TimeSinceLast",
]


def jeffreys(k: Any, n: Any) -> Any:
    """(k + 1/2)/(n + 1): the Beta(1/2, 1/2) posterior mean of k successes in n trials."""
    return (np.asarray(k, dtype=float) + 0.5) / (np.asarray(n, dtype=float) + 1.0)


class Baseline:
    """A baseline forecaster of one series (see the module's table).

    Parameters
    ----------
    series : str
        The series of the data's ``series`` table to forecast.
    """

    name = "baseline"

    def __init__(self, series: str = "trilateral") -> None:
        if not isinstance(series, str):
            raise TypeError(f"series must be a series name (str), got {describe(series)}")
        self.series = series

    def _history(self, data: Any, as_of: Any) -> SeriesHistory:
        record = as_record(data)
        if as_of is not None and as_month(as_of, "as_of") != as_month(record.as_of, "as_of"):
            record = record.truncate(as_of)
        return series_history(record, self.series)

    def fit(self, data: Any, as_of: Any = None, seed: int | None = None) -> "FittedBaseline":
        """Learn from ``data`` as of ``as_of`` (default: the data's ``as_of``).

        ``seed`` seeds the posterior draws of ``TimeSinceLast``; the other
        baselines draw nothing.
        """
        history = self._history(data, as_of)
        return FittedBaseline(self, self._learn(history, check_seed(seed)), history, history)

    # what a subclass defines
    def _learn(self, history: SeriesHistory, seed: int) -> Any:
        """Parameters learned from the past (None when the past is used directly)."""
        return None

    def _probabilities(self, params: Any, learned: SeriesHistory, current: SeriesHistory, horizon: int) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(series={self.series!r})"


class FittedBaseline:
    """A baseline's parameters (learned on one history) and its current state."""

    def __init__(self, model: Baseline, params: Any, learned: SeriesHistory, current: SeriesHistory) -> None:
        self.model = model
        self.params = params
        self.learned = learned
        self.current = current

    @property
    def as_of(self) -> pd.Timestamp:
        return ordinal_month(self.current.last)

    def forecast(self, horizon: int = 24) -> HeldForecast:
        """P(a meeting within 1 .. ``horizon`` months)."""
        horizon = check_int(horizon, "horizon", 1)
        p = self.model._probabilities(self.params, self.learned, self.current, horizon)
        return HeldForecast(p, self.as_of, self.model.name)

    def update(self, data: Any, as_of: Any = None, seed: int | None = None) -> "FittedBaseline":
        """The same parameters, with the state (last meeting, last window) of a later vintage."""
        return FittedBaseline(self.model, self.params, self.learned, self.model._history(data, as_of))

    def __repr__(self) -> str:
        return f"<fitted {self.model!r} as of {self.as_of:%Y-%m}>"


def _window_outcomes(history: SeriesHistory, horizon: int) -> np.ndarray:
    """y_h(o) for every wholly observed window, o = F − 1 .. L − h (empty if none)."""
    origins = np.arange(history.first - 1, history.last - horizon + 1)
    return (history.window_counts(origins, horizon) > 0).astype(float)


class BaseRateWindows(Baseline):
    """Base rate to date, windows form: the Jeffreys fraction of past h-month windows with a meeting."""

    name = "base_rate_windows"

    def _probabilities(self, params, learned, current, horizon):
        out = np.empty(horizon)
        for h in range(1, horizon + 1):
            y = _window_outcomes(learned, h)
            out[h - 1] = jeffreys(y.sum(), y.size)
        return out


class BaseRateMonthly(Baseline):
    """Base rate to date, monthly form: 1 − (1 − λ)^h with λ the Jeffreys monthly rate."""

    name = "base_rate_monthly"

    def _probabilities(self, params, learned, current, horizon):
        rate = jeffreys(learned.events.size, learned.months)
        return 1.0 - (1.0 - rate) ** np.arange(1, horizon + 1)


def durations(history: SeriesHistory, months: np.ndarray) -> np.ndarray:
    """Months since the last meeting before each month (since the coverage start when none)."""
    previous = np.searchsorted(history.events, months, side="left") - 1
    start = history.first - 1
    last = np.where(previous >= 0, history.events[np.maximum(previous, 0)], start)
    return (months - last).astype(float)


class TimeSinceLast(Baseline):
    """Time since the last meeting alone: a one-covariate discrete hazard in log months since.

    Parameters
    ----------
    series : str
    draws : int, default 1000
        Draws from the Laplace approximation of the posterior of (a, b)
        over which P(held within h) is averaged (the posterior predictive:
        with few meetings the plug-in mode says "certainly" far too often).
    """

    name = "time_since_last"
    #: fewer past meetings than this, and the baseline is BaseRateMonthly
    MIN_EVENTS = 2

    def __init__(self, series: str = "trilateral", draws: int = 1000) -> None:
        super().__init__(series)
        self.draws = check_int(draws, "draws", 4)

    def _learn(self, history, seed):
        if history.events.size < self.MIN_EVENTS:
            return None
        from ..bayes import Logit

        months = np.arange(history.first, history.last + 1)
        X = pd.DataFrame({"log_months_since": np.log(durations(history, months))})
        with warnings.catch_warnings():
            # separation and few-event warnings: the prior is part of this
            # baseline's definition, and is what keeps it finite early on
            warnings.simplefilter("ignore", DataWarning)
            posterior = Logit(X, history.indicator()).fit_laplace(draws=self.draws, seed=seed)
        return posterior.draws[["Intercept", "log_months_since"]].to_numpy()

    def _probabilities(self, params, learned, current, horizon):
        if params is None:
            return BaseRateMonthly._probabilities(self, None, learned, current, horizon)
        # with no meeting after L, the duration in month L + j is d_{L+1} + j - 1
        d = durations(current, np.array([current.last + 1]))[0] + np.arange(horizon)
        hazard = expit(params[:, :1] + params[:, 1:] * np.log(d)[None, :])
        # P(no meeting in the first j months) per draw, averaged over draws
        return 1.0 - np.cumprod(1.0 - hazard, axis=1).mean(axis=0)


class Persistence(Baseline):
    """Persistence: the last h-month window's outcome again, hedged by how often that failed before."""

    name = "persistence"

    def _probabilities(self, params, learned, current, horizon):
        out = np.empty(horizon)
        for h in range(1, horizon + 1):
            y = _window_outcomes(learned, h)
            # pairs (o - h, o], (o, o + h] of observed windows: y[i] and y[i + h]
            failed = (y[:-h] != y[h:]) if y.size > h else np.zeros(0)
            eps = jeffreys(failed.sum(), failed.size)
            if current.months >= h:
                last = current.window_counts(np.array([current.last - h]), h)[0] > 0
                out[h - 1] = 1.0 - eps if last else eps
            else:
                out[h - 1] = 0.5
        return out


class Constant(Baseline):
    """The same probability for every window (default 1/2)."""

    name = "constant_0.5"

    def __init__(self, series: str = "trilateral", value: float = 0.5) -> None:
        super().__init__(series)
        self.value = check_probability(value, "value")
        self.name = f"constant_{self.value:g}"

    def _probabilities(self, params, learned, current, horizon):
        return np.full(horizon, self.value)

    def __repr__(self) -> str:
        return f"Constant(series={self.series!r}, value={self.value:g})"


#: The baselines every backtest scores beside the forecaster (as factories).
DEFAULT_BASELINES = (BaseRateWindows, BaseRateMonthly, TimeSinceLast, Persistence, Constant)
