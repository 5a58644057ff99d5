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
from typing import Any

import numpy as np
import pandas as pd

from .._common.logistic import expit
from .._common.seeds import check_seed
from .._common.time import as_month, future_months
from .._common.validation import MAX_ABS_VALUE, MAX_COUNT, as_float_array, check_float, check_int

_DEFAULTS = {
    "omega": 0.2, "alpha": 0.4,
    "p_crisis": 0.02, "crisis_duration": 12.0,
    "trade_drift": 0.004, "trade_sigma": 0.03, "trade_start": 5.0,
    "beta0": -3.0, "beta_missile": -0.3, "beta_crisis": -1.5, "beta_gap": 0.4,
    "gamma_crisis": -1.0, "cutpoints": (-1.5, 0.5),
}


#: a monthly launch rate beyond this is an exploding autoregression (numpy's
#: Poisson sampler refuses rates near 1e19)
_MAX_RATE = 1e12
_MAX_LOG_RATE = float(np.log(_MAX_RATE))


def _checked_params(p: dict[str, Any]) -> dict[str, Any]:
    """The model's parameters as finite floats within their ranges (a
    probability, a duration of at least a month, a non-negative sd, two
    increasing cut-points), each named in the error; magnitudes beyond
    ±MAX_ABS_VALUE are refused because they overflow the simulation."""
    out: dict[str, Any] = {}
    for name, value in p.items():
        if name == "cutpoints":
            cuts = as_float_array(value, "cutpoints", 1)
            if cuts.shape != (2,) or not cuts[0] < cuts[1]:
                raise ValueError(f"cutpoints must be two increasing numbers, got {value!r}")
            out[name] = (float(cuts[0]), float(cuts[1]))
            continue
        low, high = _RANGES.get(name, (-MAX_ABS_VALUE, MAX_ABS_VALUE))
        out[name] = check_float(value, name, low, high)
    return out


#: the parameters with a narrower range than ±MAX_ABS_VALUE
_RANGES = {"p_crisis": (0.0, 1.0), "crisis_duration": (1.0, MAX_ABS_VALUE), "trade_sigma": (0.0, MAX_ABS_VALUE)}


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
        First month (``"2000-01"``, a date or a Period).
    **params
        Overrides of the defaults: ``omega, alpha, p_crisis, crisis_duration,
        trade_drift, trade_sigma, trade_start, beta0, beta_missile,
        beta_crisis, beta_gap, gamma_crisis, cutpoints`` (see the module notes).
        Each must be a finite number in its range (``p_crisis`` in [0, 1],
        ``crisis_duration`` ≥ 1, the standard deviation ``trade_sigma`` ≥ 0,
        two increasing ``cutpoints``); anything else is a TypeError or
        ValueError naming it.

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
    seed = check_seed(seed)
    n_months = check_int(n_months, "n_months", 1, MAX_COUNT)
    index = future_months(as_month(start, "start") - pd.offsets.MonthBegin(1), n_months, "n_months")
    p = _checked_params({**_DEFAULTS, **params})
    k1, k2 = p["cutpoints"]
    rng = np.random.default_rng(seed)
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
        log_rate = p["omega"] + p["alpha"] * np.log1p(prev_y)
        if log_rate > _MAX_LOG_RATE:
            raise ValueError(f"omega={p['omega']} and alpha={p['alpha']} make the launch rate explode (λ > "
                             f"{_MAX_RATE:.0e} in month {t}); keep omega moderate and alpha < 1")
        launches[t] = prev_y = rng.poisson(np.exp(log_rate))
        if remaining == 0 and rng.random() < p["p_crisis"]:
            onset[t] = 1
            remaining = rng.geometric(stop)
        active[t] = int(remaining > 0)
        remaining = max(remaining - 1, 0)
        trade += p["trade_drift"] + p["trade_sigma"] * rng.standard_normal()
        log_trade[t] = trade
        eta = (p["beta0"] + p["beta_missile"] * np.log1p(launches[t]) + p["beta_crisis"] * active[t]
               + p["beta_gap"] * np.log1p(gap))
        hazard[t] = expit(eta)
        if rng.random() < hazard[t]:
            held[t] = 1
            gap = 0
            lin = p["gamma_crisis"] * active[t]
            cum = expit(np.array([k1, k2]) - lin)
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
