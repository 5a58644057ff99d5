"""Indicator models: one per monthly input, each simulating its future as ForecastPaths.

Defaults by type of input (``DEFAULT_KINDS``):

==================  ==========================================================
input               model
==================  ==========================================================
``launches``        negative-binomial INGARCH(1, 1), log link
                    (:class:`summitcast.counts.INGARCH`), on the record from
                    2006 (the era of regular testing; the whole record when
                    less than three years of it lie after 2006)
``nuclear_tests``   a monthly Bernoulli rate (six tests since 2006 do not
                    support a self-exciting fit; ``"hawkes"`` fits
                    :class:`summitcast.events.Hawkes` to the test months)
``crisis:<pair>``   persistence: a two-state chain of active crises (each
                    ends with a monthly probability, new ones start with
                    another), rates pooled over the country pairs
``trade:<pair>``    local-linear-trend model with a monthly seasonal on log
                    trade (:class:`summitcast.statespace.UnobservedComponents`)
``leader:<c>``,     persistence flags: a monthly Bernoulli rate per country
``election:<c>``
==================  ==========================================================

Each model is fitted on the input's known months (NaN = unknown) and simulates
from the month after the last known one, so months the record does not yet
cover are simulated, never taken as zero.  Rates use the Jeffreys
Beta(½, ½) posterior mean, so a rate is never exactly 0 or 1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._common.paths import ForecastPaths
from .._common.seeds import child_seed
from .._common.time import future_months

__all__ = ["DEFAULT_KINDS", "IndicatorSet", "fit_indicators"]

DEFAULT_KINDS = {"launches": "ingarch", "nuclear_tests": "bernoulli", "crisis": "persistence",
                 "trade": "statespace", "leader": "bernoulli", "election": "bernoulli"}
#: Start of the launch record the count model is fitted on.
ERA_START = pd.Timestamp("2006-01-01")
KINDS = ("ingarch", "bernoulli", "hawkes", "persistence", "statespace")


def _rate(events: float, trials: float) -> float:
    return (events + 0.5) / (trials + 1.0)


def _last_known(values: np.ndarray) -> int:
    known = np.flatnonzero(~np.isnan(values))
    return int(known[-1]) if known.size else -1


@dataclass
class IndicatorModel:
    """One fitted input model.  ``last``: position of the last known month in
    the panel index; ``simulate`` returns the months after it."""

    name: str
    kind: str
    last: int
    index: pd.DatetimeIndex
    params: dict[str, float] = field(default_factory=dict)
    fitted: Any = None
    start_value: float = 0.0

    @property
    def last_month(self) -> pd.Timestamp:
        return self.index[self.last]

    def simulate(self, steps: int, paths: int, seed: int) -> ForecastPaths:
        months = future_months(self.last_month, steps)
        if self.kind == "ingarch":
            sim = self.fitted.simulate(steps, paths=paths, seed=seed)
            return ForecastPaths(sim.values, months, self.name, kind="count", seed=seed)
        rng = np.random.default_rng(seed)
        if self.kind == "bernoulli":
            values = (rng.random((paths, steps)) < self.params["rate"]).astype(float)
            return ForecastPaths(values, months, self.name, kind="count", seed=seed)
        if self.kind == "hawkes":
            sim = self.fitted.simulate(steps, paths=paths, seed=seed)
            return ForecastPaths(np.asarray(sim.values, dtype=float), months, self.name, kind="count", seed=seed)
        if self.kind == "persistence":
            values = np.empty((paths, steps))
            active = np.full(paths, self.start_value)
            u_end = rng.random((paths, steps, 4))
            u_new = rng.random((paths, steps))
            for t in range(steps):
                # each active crisis (up to 4 tracked per pair) ends with probability p_end
                ends = (u_end[:, t, :] < self.params["p_end"]) & (np.arange(4)[None, :] < active[:, None])
                active = active - ends.sum(axis=1) + (u_new[:, t] < self.params["p_onset"])
                values[:, t] = active
            return ForecastPaths(values, months, self.name, kind="count", seed=seed)
        if self.kind == "statespace":
            sim = self.fitted.simulate(steps, paths=paths, seed=seed)
            return ForecastPaths(np.exp(sim.values), months, self.name, seed=seed)
        raise ValueError(f"unknown indicator model kind {self.kind!r}")  # pragma: no cover

    def describe(self) -> str:
        if self.kind in ("bernoulli",):
            return f"Bernoulli rate {self.params['rate']:.4f}/month"
        if self.kind == "persistence":
            return (f"persistence: onset {self.params['p_onset']:.4f}/month, "
                    f"end {self.params['p_end']:.4f}/month while active")
        if self.kind == "ingarch":
            return "negative-binomial INGARCH(1,1), log link"
        if self.kind == "hawkes":
            return "Hawkes process (exponential kernel) on event months"
        return "local linear trend + monthly seasonal on log values"


def _fit_one(name: str, kind: str, values: np.ndarray, index: pd.DatetimeIndex,
             crisis_rates: tuple[float, float] | None) -> IndicatorModel:
    last = _last_known(values)
    if last < 0:
        raise ValueError(f"indicator {name!r} has no known month up to as-of")
    known = values[: last + 1]
    if kind == "bernoulli":
        obs = known[~np.isnan(known)]
        return IndicatorModel(name, kind, last, index, {"rate": _rate(float((obs > 0).sum()), float(obs.size))})
    if kind == "persistence":
        p_onset, p_end = crisis_rates
        return IndicatorModel(name, kind, last, index, {"p_onset": p_onset, "p_end": p_end},
                              start_value=float(min(known[-1], 4)))
    if kind == "ingarch":
        from ..counts import INGARCH

        first = int(np.flatnonzero(~np.isnan(known))[0])
        era = int(np.searchsorted(index, ERA_START))
        if last - era >= 36:
            first = max(first, era)
        series = pd.Series(known[first:], index=pd.DatetimeIndex(index[first: last + 1], freq="MS"), name=name)
        if np.isnan(series.to_numpy()).any():
            series = series.fillna(0.0)  # interior gaps of a count record: no report means no launch
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fitted = INGARCH(series, past_obs=1, past_mean=1, family="negbin", link="log").fit()
        model = IndicatorModel(name, kind, last, index, fitted=fitted)
        model.params["warnings"] = [str(w.message) for w in caught]  # type: ignore[assignment]
        return model
    if kind == "hawkes":
        from .._common.time import month_end
        from ..events import Hawkes

        obs = np.nan_to_num(known)
        # events of a month at distinct days from its 15th (the record is monthly)
        times = [index[t] + pd.Timedelta(days=14 + j) for t in np.flatnonzero(obs) for j in range(int(obs[t]))]
        fitted = Hawkes().fit(pd.DatetimeIndex(times), end_time=month_end(index[last]), start_time=index[0])
        return IndicatorModel(name, kind, last, index, fitted=fitted)
    if kind == "statespace":
        from ..statespace import UnobservedComponents

        first = int(np.flatnonzero(~np.isnan(known))[0])
        series = pd.Series(np.log(known[first:]), index=pd.DatetimeIndex(index[first: last + 1], freq="MS"), name=name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fitted = UnobservedComponents(series, level="local linear trend", seasonal=12).fit()
        model = IndicatorModel(name, kind, last, index, fitted=fitted)
        model.params["warnings"] = [str(w.message) for w in caught]  # type: ignore[assignment]
        return model
    raise ValueError(f"indicator kind must be one of {KINDS}, got {kind!r}")


def crisis_rates(inputs: dict[str, np.ndarray]) -> tuple[float, float]:
    """Monthly onset and ending probabilities pooled over country pairs."""
    onsets = trials_onset = ends = trials_end = 0.0
    for name, values in inputs.items():
        if not name.startswith("crisis:"):
            continue
        prev, cur = values[:-1], values[1:]
        onsets += float(np.clip(cur - prev, 0, None).sum())
        trials_onset += float((prev == 0).sum())
        ends += float(np.clip(prev - cur, 0, None).sum())
        trials_end += float(prev.sum())
    return _rate(onsets, trials_onset), _rate(ends, trials_end)


@dataclass
class IndicatorSet:
    """The fitted models of every input, and their stitched paths."""

    models: dict[str, IndicatorModel]
    as_of: pd.Timestamp
    index: pd.DatetimeIndex

    def simulate(self, horizon: int, paths: int, seed: int, names: list[str] | None = None) -> dict[str, ForecastPaths]:
        """Paths of each input (or of ``names``) from the month after its last known one to as-of + horizon."""
        end = len(self.index) - 1
        out = {}
        for name in self.models if names is None else names:
            model = self.models[name]
            steps = (end - model.last) + horizon
            out[name] = model.simulate(steps, paths, child_seed(seed, "indicator", name))
        return out

    def notes(self) -> list[str]:
        out = []
        for name, model in self.models.items():
            for message in model.params.get("warnings", []) if isinstance(model.params.get("warnings"), list) else []:
                out.append(f"indicator {name}: {message}")
        return out


def fit_indicators(inputs: dict[str, np.ndarray], index: pd.DatetimeIndex,
                   kinds: dict[str, str] | None = None) -> IndicatorSet:
    """Fit the model of every input (``kinds`` overrides defaults by input name or by type prefix)."""
    kinds = dict(kinds or {})
    rates = crisis_rates(inputs)
    models = {}
    for name, values in inputs.items():
        prefix = name.split(":")[0]
        kind = kinds.get(name, kinds.get(prefix, DEFAULT_KINDS.get(prefix)))
        if kind is None:
            raise ValueError(f"no indicator model for input {name!r}")
        models[name] = _fit_one(name, kind, values, index, rates)
    return IndicatorSet(models, index[-1], index)
