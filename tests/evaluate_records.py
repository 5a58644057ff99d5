"""A simulated record for backtest tests, and forecasters that probe the backtest.

``simulated_record(seed)`` turns ``summitcast.datasets.simulate_world`` draws
into an object of the record protocol (``truncate``, ``as_of``, ``series``,
``series_meetings``, ``steps``, ``indicators``): two simulated series, so
the backtests run in well under a second and with known event dates.
Nothing here is real data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from summitcast.datasets import simulate_world
from summitcast.evaluate import HeldForecast


@dataclass(frozen=True)
class SimulatedRecord:
    """Record protocol over simulated tables (the names say simulated)."""

    as_of: pd.Timestamp
    series: pd.DataFrame
    series_meetings: pd.DataFrame
    steps: pd.DataFrame
    indicators: pd.DataFrame
    record_through: dict

    def truncate(self, as_of) -> "SimulatedRecord":
        month = pd.Timestamp(as_of).to_period("M").to_timestamp()
        if month < self.indicators.index[0] or month > self.as_of:
            raise ValueError(f"as_of must lie inside the simulated record, got {as_of!r}")
        cutoff = month + pd.offsets.MonthEnd(0)
        table = self.series.copy()
        table["record_through"] = table["record_through"].where(table["record_through"] <= cutoff, cutoff)
        return SimulatedRecord(
            month, table,
            self.series_meetings[self.series_meetings["date"] <= cutoff].reset_index(drop=True),
            self.steps[self.steps["date"] <= cutoff].reset_index(drop=True),
            self.indicators.loc[:month],
            {k: min(v, cutoff) for k, v in self.record_through.items()},
        )


def simulated_record(seed: int = 3, n_months: int = 240, second_through: str = "2016-06-30") -> SimulatedRecord:
    """Two simulated series from 2000-01: ``simulated_a`` (record through the
    last month) and ``simulated_b`` (coverage from 2002-01, record through
    ``second_through``)."""
    a = simulate_world(seed, n_months=n_months, start="2000-01")
    b = simulate_world(seed + 1, n_months=n_months, start="2000-01", beta0=-2.5)
    end = a.indicators.index[-1]
    through = end + pd.offsets.MonthEnd(0)
    meetings = pd.concat([
        pd.DataFrame({"series": "simulated_a", "date": a.summits["date"] + pd.Timedelta(days=9)}),
        pd.DataFrame({"series": "simulated_b", "date": b.summits["date"] + pd.Timedelta(days=20)}),
    ], ignore_index=True)
    meetings = meetings[~((meetings["series"] == "simulated_b") & (meetings["date"] < "2002-01-01"))]
    series = pd.DataFrame({
        "series": ["simulated_a", "simulated_b"],
        "coverage_start": pd.to_datetime(["2000-01-01", "2002-01-01"]),
        "coverage_end": pd.to_datetime([pd.NaT, pd.NaT]),
        "record_through": pd.to_datetime([through, pd.Timestamp(second_through)]),
    })
    steps = pd.DataFrame({"series": "simulated_a", "date": a.summits["date"] - pd.Timedelta(days=40),
                          "kind": "foreign_ministers_meeting"})
    indicators = a.indicators.drop(columns="summit_held")
    # the backtest tests rely on both series having meetings inside their coverage
    assert meetings.groupby("series").size().reindex(series["series"]).gt(0).all()
    return SimulatedRecord(end, series, meetings.reset_index(drop=True), steps.reset_index(drop=True), indicators,
                           {"series_meetings": through, "steps": through})


def perturbed_after(record: SimulatedRecord, origin: str, seed: int = 0) -> SimulatedRecord:
    """The record with everything after ``origin`` changed: later meetings
    erased and others invented, later steps moved, later indicator values
    redrawn."""
    cutoff = pd.Timestamp(origin) + pd.offsets.MonthEnd(0)
    rng = np.random.default_rng(seed)
    keep = record.series_meetings[record.series_meetings["date"] <= cutoff]
    invented = pd.DataFrame({"series": ["simulated_a", "simulated_b", "simulated_a"],
                             "date": [cutoff + pd.Timedelta(days=d) for d in (400, 430, 800)]})
    meetings = pd.concat([keep, invented], ignore_index=True)
    steps = record.steps.copy()
    late = steps["date"] > cutoff
    steps.loc[late, "date"] = steps.loc[late, "date"] - pd.Timedelta(days=25)
    steps = steps[(steps["date"] > cutoff) | ~late]
    panel = record.indicators.copy()
    after = panel.index > cutoff
    panel.loc[after, "missile_launches"] = rng.poisson(9.0, after.sum())
    panel.loc[after, "log_trade"] = panel.loc[after, "log_trade"] + 5.0
    out = replace(record, series_meetings=meetings, steps=steps.reset_index(drop=True), indicators=panel)
    # the perturbation must leave the vintage at the origin as it was, and change what follows
    before, now = record.truncate(origin), out.truncate(origin)
    assert before.series_meetings.equals(now.series_meetings) and before.steps.equals(now.steps)
    assert before.indicators.equals(now.indicators)
    assert not out.series_meetings.equals(record.series_meetings)
    return out


class SeededNoise:
    """A forecaster whose forecast is the Jeffreys monthly rate times seeded
    noise: equal frames on every executor only if every (series, origin) gets
    its own seed, whatever order the tasks run in."""

    name = "seeded_noise"

    def __init__(self, series: str = "simulated_a") -> None:
        self.series = series

    def fit(self, data, as_of=None, seed=None):
        from summitcast.evaluate._record import series_history

        history = series_history(data, self.series)
        rate = (history.events.size + 0.5) / (history.months + 1.0)
        noise = np.random.default_rng(seed).uniform(0.5, 1.5)
        return _Fitted(min(rate * noise, 0.5), data.as_of, self.name)


class _Fitted:
    def __init__(self, rate: float, as_of, name: str) -> None:
        self.rate, self.as_of, self.name = rate, as_of, name

    def forecast(self, horizon):
        return HeldForecast(1 - (1 - self.rate) ** np.arange(1, horizon + 1), self.as_of, self.name)


class PeekingForecaster:
    """Reads every meeting it is given, whatever ``as_of`` says: harmless in
    a backtest that hands it a vintage, a look-ahead where it does not."""

    name = "peeking"

    def __init__(self, series: str = "simulated_a") -> None:
        self.series = series

    def fit(self, data, as_of=None, seed=None):
        n = int((data.series_meetings["series"] == self.series).sum())
        steps = len(data.steps)
        level = float(np.nanmean(data.indicators["missile_launches"].to_numpy(dtype=float)))
        rate = 1.0 / (2.0 + n + 0.1 * steps + 0.01 * level)
        return _Fitted(rate, data.as_of, self.name)
