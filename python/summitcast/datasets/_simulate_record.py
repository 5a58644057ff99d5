"""A SIMULATED summit record in the shape the forecaster reads, with its true probabilities.

Nothing here is real: three made-up countries (``AAA``, ``BBB``, ``CCC``),
four meeting series and their diplomatic steps are drawn month by month from
known parameters, so that forecasts can be checked against the true
probability of a meeting (:meth:`SimulatedRecord.true_prob`).

Each month t, from the state at the end of month t − 1:

* inputs: North Korean-style launches y_t ~ Poisson(exp(0.2 + 0.4 log(1 + y_{t−1}))),
  nuclear tests ~ Bernoulli(0.01); per country pair a crisis starts with
  probability 0.01 (if none is active) and an active one ends with
  probability 0.05; per country a new leader with probability 0.02 and an
  election with probability 0.04;
* steps of the series that record them (preparatory, announced date,
  setback): Bernoulli with logit a_c + b_c · x;
* a meeting: Bernoulli with logit h = α_s + β · x,

where x are the features of ``summitcast.forecaster._features`` computed
here independently: months since the last meeting d (log d and the
anniversary bump), weighted counts of the steps since the last meeting, the
crises between members and of the host in turn, launches of the last three
months, and weighted counts of tests, new leaders and elections.  A meeting
resets the step counts (steps are dated on the 1st of a month, meetings on
the 15th).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._common.logistic import expit

__all__ = ["SimulatedRecord", "simulate_record"]

COUNTRIES = ("AAA", "BBB", "CCC")
PAIRS = (("AAA", "BBB"), ("AAA", "CCC"), ("BBB", "CCC"))
#: series → (members, rotation, records steps)
SERIES = {
    "sim_trilateral": (COUNTRIES, COUNTRIES, True),
    "sim_ab": (("AAA", "BBB"), None, True),
    "sim_bc": (("BBB", "CCC"), None, False),
    "sim_annual": (COUNTRIES, None, False),
}
HALF = {"prep": 6.0, "announced": 1.0, "setback": 6.0, "nuclear": 6.0, "leader": 6.0, "election": 3.0}
#: true coefficients of the meeting hazard (raw feature scale) and of the step hazards
TRUE = {
    "intercept": {"sim_trilateral": -3.6, "sim_ab": -3.8, "sim_bc": -4.2, "sim_annual": -4.6},
    "log_gap": 0.3, "anniversary": {"sim_trilateral": 1.0, "sim_ab": 0.5, "sim_bc": 0.5, "sim_annual": 4.0},
    "prep": 0.8, "announced": 2.0, "setback": -0.7, "crisis": -1.0, "host_crisis": -0.8,
    "launches": 0.1, "nuclear_test": -0.3, "new_leader": 0.3, "election": -0.2,
    "steps": {"prep": (-3.0, {"log_gap": 0.3, "crisis": -0.8}), "announced": (-4.5, {"prep": 0.8}),
              "setback": (-4.5, {"crisis": 0.6})},
}


def _rho(name: str) -> float:
    return 2.0 ** (-1.0 / HALF[name])


def _anniversary(d):
    delta = np.minimum(np.abs(d - 12.0), np.abs(d - 24.0))
    return np.where((d >= 6) & (d <= 30), np.exp(-0.5 * (delta / 1.5) ** 2), 0.0)


class _World:
    """The state of the simulated world, vectorised over ``n`` replicates."""

    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self.n, self.rng = n, rng
        self.launch_prev = np.zeros(n)
        self.launch_hist = np.zeros((n, 3))
        self.nuclear = np.zeros(n)
        self.crisis = {p: np.zeros(n) for p in PAIRS}
        self.leader = {c: np.zeros(n) for c in COUNTRIES}
        self.election = {c: np.zeros(n) for c in COUNTRIES}
        self.series = {s: {"gap": np.ones(n), "host": np.zeros(n, dtype=int),
                           "prep": np.zeros(n), "announced": np.zeros(n), "setback": np.zeros(n)} for s in SERIES}

    def features(self, s: str) -> dict[str, np.ndarray]:
        members, rotation, _ = SERIES[s]
        st = self.series[s]
        crisis = sum(self.crisis[p] for p in PAIRS if p[0] in members and p[1] in members)
        host = np.zeros(self.n)
        if rotation is not None:
            for k, code in enumerate(rotation):
                active = sum(self.crisis[p] for p in PAIRS if code in p)
                host = np.where(st["host"] == k, (active > 0).astype(float), host)
        return {"log_gap": np.log(st["gap"]), "anniversary": _anniversary(st["gap"]), "prep": st["prep"],
                "announced": st["announced"], "setback": st["setback"], "crisis": crisis, "host_crisis": host,
                "launches": np.log1p(self.launch_hist.sum(axis=1)), "nuclear_test": self.nuclear,
                "new_leader": sum(self.leader[c] for c in members), "election": sum(self.election[c] for c in members)}

    def step(self, alive: dict[str, np.ndarray] | None = None) -> dict:
        """One month: draws of every event from the current state, then the state update."""
        rng, n = self.rng, self.n
        out: dict = {"meet": {}, "steps": {}}
        for s, (members, rotation, records) in SERIES.items():
            x = self.features(s)
            eta = TRUE["intercept"][s] + TRUE["anniversary"][s] * x["anniversary"]
            eta = eta + sum(TRUE[k] * x[k] for k in x if k not in ("anniversary",))
            out["meet"][s] = rng.random(n) < expit(eta)
            if records:
                out["steps"][s] = {}
                for cls, (a, b) in TRUE["steps"].items():
                    out["steps"][s][cls] = rng.random(n) < expit(a + sum(v * x[k] for k, v in b.items()))
        launches = rng.poisson(np.exp(0.2 + 0.4 * np.log1p(self.launch_prev)))
        tests = rng.random(n) < 0.01
        onset = {p: (self.crisis[p] == 0) & (rng.random(n) < 0.01) for p in PAIRS}
        ended = {p: (self.crisis[p] > 0) & (rng.random(n) < 0.05) for p in PAIRS}
        leaders = {c: rng.random(n) < 0.02 for c in COUNTRIES}
        elections = {c: rng.random(n) < 0.04 for c in COUNTRIES}
        out.update(launches=launches, tests=tests, onset=onset, ended=ended, leaders=leaders, elections=elections)
        # state at the end of the month
        self.launch_hist = np.column_stack([launches, self.launch_hist[:, :2]])
        self.launch_prev = launches.astype(float)
        self.nuclear = _rho("nuclear") * self.nuclear + tests
        for p in PAIRS:
            self.crisis[p] = np.where(onset[p], 1.0, np.where(ended[p], 0.0, self.crisis[p]))
        for c in COUNTRIES:
            self.leader[c] = _rho("leader") * self.leader[c] + leaders[c]
            self.election[c] = _rho("election") * self.election[c] + elections[c]
        for s, (members, rotation, records) in SERIES.items():
            st, met = self.series[s], out["meet"][s]
            for cls in ("prep", "announced", "setback"):
                new = out["steps"][s][cls] if records else np.zeros(n, dtype=bool)
                st[cls] = np.where(met, 0.0, _rho(cls) * st[cls] + new)
            st["gap"] = np.where(met, 1.0, st["gap"] + 1.0)
            if rotation is not None:
                st["host"] = np.where(met, (st["host"] + 1) % len(rotation), st["host"])
        return out

    def copy_state(self, n: int) -> "_World":
        w = _World(n, self.rng)
        w.launch_prev = np.repeat(self.launch_prev[:1], n)
        w.launch_hist = np.repeat(self.launch_hist[:1], n, axis=0)
        w.nuclear = np.repeat(self.nuclear[:1], n)
        for p in PAIRS:
            w.crisis[p] = np.repeat(self.crisis[p][:1], n)
        for c in COUNTRIES:
            w.leader[c] = np.repeat(self.leader[c][:1], n)
            w.election[c] = np.repeat(self.election[c][:1], n)
        for s in SERIES:
            w.series[s] = {k: np.repeat(v[:1], n) for k, v in self.series[s].items()}
        return w


@dataclass
class SimulatedRecord:
    """A SIMULATED record (see :func:`simulate_record`); ``true_prob`` gives the
    true probability of a meeting within each horizon from any origin."""

    series_meetings: pd.DataFrame
    series: pd.DataFrame
    steps: pd.DataFrame
    indicators: pd.DataFrame
    crises: pd.DataFrame
    leaders: pd.DataFrame
    elections: pd.DataFrame
    as_of: pd.Timestamp
    seed: int
    simulated: bool = True
    _states: list = field(default_factory=list, repr=False)

    def true_prob(self, series: str, origin: object, horizon: int, n: int = 4000, seed: int = 0) -> np.ndarray:
        """P(a meeting of ``series`` within 1..horizon months after ``origin``) under the true model."""
        month = pd.Timestamp(origin).to_period("M").to_timestamp()
        t = int(np.searchsorted(self.indicators.index, month))
        world = self._states[t + 1].copy_state(n)  # the state at the end of the origin month
        world.rng = np.random.default_rng(seed)
        first = np.full(n, np.inf)
        for h in range(1, horizon + 1):
            met = world.step()["meet"][series]
            first = np.where(met & np.isinf(first), h, first)
        return np.array([(first <= h).mean() for h in range(1, horizon + 1)])

    def outcome(self, series: str, origin: object, horizon: int) -> int:
        """1 if the series met within ``horizon`` months after ``origin``."""
        start = pd.Timestamp(origin).to_period("M").to_timestamp() + pd.offsets.MonthBegin(1)
        end = start + pd.DateOffset(months=horizon)
        dates = self.series_meetings.loc[self.series_meetings["series"] == series, "date"]
        return int(((dates >= start) & (dates < end)).any())

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(repr(self)) + "</pre>"

    def __repr__(self) -> str:
        return (f"<SIMULATED record (seed {self.seed}): {len(self.indicators)} months, "
                f"{len(self.series_meetings)} meetings in {len(SERIES)} series, {len(self.steps)} steps>")


def simulate_record(seed: int, n_months: int = 360, start: str = "1995-01") -> SimulatedRecord:
    """Draw a SIMULATED record of ``n_months`` months (see the module notes)."""
    if not isinstance(n_months, (int, np.integer)) or n_months < 24:
        raise ValueError(f"n_months must be an integer >= 24, got {n_months!r}")
    rng = np.random.default_rng(seed)
    index = pd.date_range(pd.Timestamp(start), periods=n_months, freq="MS", name="month")
    world = _World(1, rng)
    states, meetings, steps, crises, leaders, elections = [], [], [], [], [], []
    launches, tests = np.zeros(n_months), np.zeros(n_months)
    open_crisis: dict = {}
    for t, month in enumerate(index):
        states.append(world.copy_state(1))  # the state at the end of month t - 1
        hosts = {s: SERIES[s][1][int(world.series[s]["host"][0])] if SERIES[s][1] else None for s in SERIES}
        out = world.step()
        for s, met in out["meet"].items():
            if met[0]:
                meetings.append({"series": s, "date": month + pd.Timedelta(days=14), "host": hosts[s],
                                 "outcome_level": np.nan})
        for s, by_class in out["steps"].items():
            for cls, happened in by_class.items():
                if happened[0]:
                    kind = {"prep": "foreign_ministers_meeting", "announced": "date_announced",
                            "setback": "postponement"}[cls]
                    steps.append({"series": s, "date": month, "kind": kind})
        launches[t], tests[t] = out["launches"][0], float(out["tests"][0])
        for p in PAIRS:
            if out["onset"][p][0]:
                open_crisis[p] = month
            if out["ended"][p][0] and p in open_crisis:
                # it ended during this month: the last month it was active at a month's end is the one before
                crises.append({"onset": open_crisis.pop(p), "end": month - pd.offsets.MonthBegin(1),
                               "parties": ";".join(p)})
        for c in COUNTRIES:
            if out["leaders"][c][0]:
                leaders.append({"country": c, "took_office": month + pd.Timedelta(days=9)})
            if out["elections"][c][0]:
                elections.append({"country": c, "date": month + pd.Timedelta(days=19)})
    states.append(world.copy_state(1))
    for p, onset in open_crisis.items():
        crises.append({"onset": onset, "end": pd.NaT, "parties": ";".join(p)})
    series = pd.DataFrame({
        "series": list(SERIES), "members": [";".join(m) for m, _, _ in SERIES.values()],
        "host_rotation": [" -> ".join(r) if r else None for _, r, _ in SERIES.values()],
        "coverage_start": index[0], "coverage_end": pd.NaT, "record_through": index[-1] + pd.offsets.MonthEnd(0),
    })
    indicators = pd.DataFrame({"missile_launches": launches, "nuclear_tests": tests}, index=index)
    return SimulatedRecord(
        series_meetings=pd.DataFrame(meetings, columns=["series", "date", "host", "outcome_level"]),
        series=series, steps=pd.DataFrame(steps, columns=["series", "date", "kind"]), indicators=indicators,
        crises=pd.DataFrame(crises, columns=["onset", "end", "parties"]),
        leaders=pd.DataFrame(leaders, columns=["country", "took_office"]),
        elections=pd.DataFrame(elections, columns=["country", "date"]),
        as_of=index[-1], seed=seed, _states=states)
