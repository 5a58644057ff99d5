"""A synthetic world: indicator panels and summit outcomes from known parameters.

Nothing here is real.  The generator exists so that models can be checked
against parameters that are known exactly (parameter recovery, calibration).

Model (monthly, t = 0..n-1):

* missile launches  y_t ~ Poisson(λ_t),  log λ_t = ω + α·log(1 + y_{t-1})
  (a log-linear Poisson autoregression);
* crisis onsets     c_t ~ Bernoulli(p_crisis); a crisis stays "active" for a
  geometric number of months with mean ``crisis_duration``;
* log trade          x_t = x_{t-1} + μ + σ·ε_t  (random walk with drift);
* summit hazard      logit h_t = β0 + β_missile·log(1 + y_t) + β_crisis·a_t
                                  + β_gap·log(1 + months since the last summit);
  a summit is held in month t with probability h_t;
* outcome of a held summit: ordered logit with linear predictor
  η = γ_crisis·a_t and cut-points κ_1 < κ_2:  P(level ≤ k) = logistic(κ_{k+1} − η).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_DEFAULTS = {
    "omega": 0.2, "alpha": 0.4,
    "p_crisis": 0.02, "crisis_duration": 12.0,
    "trade_drift": 0.004, "trade_sigma": 0.03, "trade_start": 5.0,
    "beta0": -3.0, "beta_missile": -0.3, "beta_crisis": -1.5, "beta_gap": 0.4,
    "gamma_crisis": -1.0, "cutpoints": (-1.5, 0.5),
}


@dataclass(frozen=True)
class SimulatedWorld:
    """Output of :func:`simulate_world` (synthetic, not real data)."""

    indicators: pd.DataFrame
    summits: pd.DataFrame
    hazard: pd.Series
    params: dict
    seed: int
    simulated: bool = field(default=True)

    def summary(self) -> str:
        return (f"SIMULATED world (seed {self.seed}): {len(self.indicators)} months, "
                f"{len(self.summits)} simulated summits, "
                f"{int(self.indicators['missile_launches'].sum())} simulated launches")

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"


def simulate_world(seed: int, n_months: int = 240, start: str = "2000-01", **params) -> SimulatedWorld:
    """Draw a synthetic indicator panel and summit history from known parameters.

    Parameters
    ----------
    seed : int
        Seed of a ``numpy.random.Generator`` (PCG64); the same seed gives the same world.
    n_months : int
        Number of months (> 0).
    start : str
        First month (anything ``pandas.Period`` accepts, e.g. ``"2000-01"``).
    **params
        Overrides of the defaults: ``omega, alpha, p_crisis, crisis_duration,
        trade_drift, trade_sigma, trade_start, beta0, beta_missile,
        beta_crisis, beta_gap, gamma_crisis, cutpoints`` (see the module notes).

    Returns
    -------
    SimulatedWorld
        ``indicators`` (month-start index; columns ``missile_launches``,
        ``crisis_onset``, ``crisis_active``,
        ``log_trade``, ``summit_held``), ``summits`` (date and outcome level of
        each simulated summit), ``hazard`` (the true monthly hazard) and
        ``params`` (the parameters used).
    """
    unknown = set(params) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"simulate_world got unknown parameters {sorted(unknown)}")
    if not isinstance(n_months, (int, np.integer)) or n_months <= 0:
        raise ValueError(f"n_months must be a positive integer, got {n_months!r}")
    p = {**_DEFAULTS, **params}
    if not 0.0 <= p["p_crisis"] <= 1.0:
        raise ValueError(f"p_crisis must be in [0, 1], got {p['p_crisis']}")
    if p["crisis_duration"] < 1.0:
        raise ValueError(f"crisis_duration must be >= 1, got {p['crisis_duration']}")
    k1, k2 = p["cutpoints"]
    if not k1 < k2:
        raise ValueError(f"cutpoints must increase, got {p['cutpoints']}")
    rng = np.random.default_rng(seed)
    index = pd.date_range(pd.Period(start, freq="M").to_timestamp(), periods=n_months, freq="MS", name="month")
    launches = np.zeros(n_months, dtype=np.int64)
    onset = np.zeros(n_months, dtype=np.int64)
    active = np.zeros(n_months, dtype=np.int64)
    log_trade = np.zeros(n_months)
    held = np.zeros(n_months, dtype=np.int64)
    hazard = np.zeros(n_months)
    levels, dates = [], []
    prev_y, remaining, trade, gap = 0, 0, p["trade_start"], 0
    stop = 1.0 / p["crisis_duration"]
    for t in range(n_months):
        lam = np.exp(p["omega"] + p["alpha"] * np.log1p(prev_y))
        launches[t] = prev_y = rng.poisson(lam)
        if remaining == 0 and rng.random() < p["p_crisis"]:
            onset[t] = 1
            remaining = rng.geometric(stop)
        active[t] = int(remaining > 0)
        remaining = max(remaining - 1, 0)
        trade += p["trade_drift"] + p["trade_sigma"] * rng.standard_normal()
        log_trade[t] = trade
        eta = (p["beta0"] + p["beta_missile"] * np.log1p(launches[t]) + p["beta_crisis"] * active[t]
               + p["beta_gap"] * np.log1p(gap))
        hazard[t] = 1.0 / (1.0 + np.exp(-eta))
        if rng.random() < hazard[t]:
            held[t] = 1
            gap = 0
            lin = p["gamma_crisis"] * active[t]
            cum = 1.0 / (1.0 + np.exp(-(np.array([k1, k2]) - lin)))
            u = rng.random()
            levels.append(int(np.searchsorted(cum, u, side="right")))
            dates.append(index[t])
        else:
            gap += 1
    indicators = pd.DataFrame({
        "missile_launches": launches, "crisis_onset": onset, "crisis_active": active,
        "log_trade": log_trade, "summit_held": held,
    }, index=index)
    summits = pd.DataFrame({"date": pd.DatetimeIndex(dates), "outcome_level": np.array(levels, dtype=np.int64)})
    return SimulatedWorld(indicators=indicators, summits=summits,
                          hazard=pd.Series(hazard, index=index, name="hazard"), params=p, seed=seed)
