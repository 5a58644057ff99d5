"""Scenarios: chosen future paths overridden, the shift in probability with its uncertainty.

Keywords of :meth:`SummitForecaster.scenario` (a month is ``"YYYY-MM"``, a
date, or an integer number of months ahead, 1 = the first forecast month):

``nuclear_test=month`` (or a list of months)
    a North Korean nuclear test in that month on every path;
``trade=(change, month)``
    the members' bilateral trade ``change`` × 100% off its simulated
    baseline from that month on (e.g. ``(-0.15, "2027-01")``);
``crisis=month``, ``crisis=("CHN-JPN", month)``, ``crisis=("end", month)``
    a new crisis between two members (by default the first two members of
    the series) from that month, lasting as the fitted crises do (each month
    it ends with the fitted probability); or every active crisis among the
    members ended from that month;
``ministers_meeting=month``, ``("held", month)``, ``("cancelled", month)``
    a preparatory meeting held that month; or the planned one cancelled:
    no preparatory step that month and a setback instead.

Baseline and scenario are simulated with the same random numbers (common
random numbers), so the shift per posterior draw is nearly free of Monte
Carlo noise: ``mc_se`` is the Monte Carlo standard error of the reported
shift, ``mc_se_independent`` what it would be for two independent runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._common.seeds import child_seed
from .._common.summary import Summary
from .._common.time import as_month, months_between
from .._common.validation import check_float, describe

__all__ = ["SCENARIO_KEYWORDS", "ScenarioResult", "ScenarioSpec", "parse_scenario"]

SCENARIO_KEYWORDS = ("nuclear_test", "trade", "crisis", "ministers_meeting")


@dataclass
class ScenarioSpec:
    """Parsed overrides: months are positions 0..H−1 in the forecast window."""

    nuclear_tests: list[int] = field(default_factory=list)
    trade: tuple[float, int] | None = None
    crisis_onset: tuple[str | None, int] | None = None
    crisis_end: int | None = None
    meeting: tuple[str, int] | None = None
    described: dict[str, str] = field(default_factory=dict)


def _position(value: Any, as_of: pd.Timestamp, horizon: int, name: str) -> int:
    """0-based position in the forecast window of a month given as 'YYYY-MM', a date or months ahead."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        ahead = int(value)
    else:
        try:
            ahead = months_between(as_of, as_month(value, name))
        except TypeError:
            raise TypeError(f"{name} must be a month ('YYYY-MM', a date, or months ahead as an integer), "
                            f"got {describe(value)}") from None
    if not 1 <= ahead <= horizon:
        raise ValueError(f"{name} must fall in the forecast window (1..{horizon} months after "
                         f"{as_of:%Y-%m}), got {value!r}")
    return ahead - 1


def parse_scenario(overrides: dict[str, Any], as_of: pd.Timestamp, horizon: int, members: tuple[str, ...]) -> ScenarioSpec:
    """Check the keywords and turn their months into window positions."""
    unknown = sorted(set(overrides) - set(SCENARIO_KEYWORDS))
    if unknown:
        raise ValueError(f"unknown scenario keyword(s) {unknown}; use {', '.join(SCENARIO_KEYWORDS)}")
    if not overrides:
        raise ValueError(f"a scenario needs at least one of {', '.join(SCENARIO_KEYWORDS)}")
    spec = ScenarioSpec()
    if "nuclear_test" in overrides:
        value = overrides["nuclear_test"]
        months = value if isinstance(value, (list, tuple)) else [value]
        spec.nuclear_tests = [_position(m, as_of, horizon, "nuclear_test") for m in months]
        spec.described["nuclear_test"] = ", ".join(str(m) for m in months)
    if "trade" in overrides:
        value = overrides["trade"]
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise TypeError(f"trade must be (change, month), e.g. (-0.15, '2027-01'), got {describe(value)}")
        change = check_float(value[0], "trade change", -0.99, 10.0)
        spec.trade = (change, _position(value[1], as_of, horizon, "trade month"))
        spec.described["trade"] = f"{change:+.0%} from {value[1]}"
    if "crisis" in overrides:
        value = overrides["crisis"]
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise TypeError(f"crisis must be a month, (pair, month) or ('end', month), got {describe(value)}")
            what, month = value
            pos = _position(month, as_of, horizon, "crisis month")
            if what == "end":
                spec.crisis_end = pos
            else:
                pair = "-".join(sorted(str(what).upper().replace(";", "-").split("-")))
                if len(pair.split("-")) != 2 or not set(pair.split("-")) <= set(members):
                    raise ValueError(f"crisis pair must be two members of the series {list(members)} "
                                     f"(e.g. 'CHN-JPN'), got {what!r}")
                spec.crisis_onset = (pair, pos)
        else:
            spec.crisis_onset = (None, _position(value, as_of, horizon, "crisis"))
        spec.described["crisis"] = str(value)
    if "ministers_meeting" in overrides:
        value = overrides["ministers_meeting"]
        what, month = (value if isinstance(value, (list, tuple)) and len(value) == 2 else ("held", value))
        if what not in ("held", "cancelled"):
            raise ValueError(f"ministers_meeting must be 'held' or 'cancelled' with a month, got {what!r}")
        spec.meeting = (what, _position(month, as_of, horizon, "ministers_meeting month"))
        spec.described["ministers_meeting"] = f"{what} {month}"
    return spec


def apply_inputs(spec: ScenarioSpec, ext: dict[str, np.ndarray], horizon: int, members: tuple[str, ...],
                 p_end: float, seed: int) -> dict[str, np.ndarray]:
    """Scenario copies of the (P, T + H) inputs."""
    out = {k: v.copy() for k, v in ext.items()}
    T = next(iter(out.values())).shape[1] - horizon
    for pos in spec.nuclear_tests:
        out["nuclear_tests"][:, T + pos] = np.maximum(out["nuclear_tests"][:, T + pos], 1.0)
    if spec.trade is not None:
        change, pos = spec.trade
        keys = [k for k in out if k.startswith("trade:")]
        if not keys:
            raise ValueError("trade: the series has no trade inputs in the data (no trade_<a>_<b>_exports/_imports "
                             "columns for a pair of its members)")
        for k in keys:
            out[k][:, T + pos:] *= 1.0 + change
    crisis_keys = [k for k in out if k.startswith("crisis:")]
    if spec.crisis_end is not None:
        for k in crisis_keys:
            out[k][:, T + spec.crisis_end:] = 0.0
    if spec.crisis_onset is not None:
        pair, pos = spec.crisis_onset
        if pair is None:
            codes = sorted(m for m in members if len(m) == 3)[:2]
            pair = "-".join(codes)
        key = f"crisis:{pair}"
        if key not in out:
            raise ValueError(f"crisis: the data record no crises between {pair.replace('-', ' and ')}")
        P = out[key].shape[0]
        # the new crisis lasts as fitted crises do: it ends each month with probability p_end
        u = np.random.default_rng(child_seed(seed, "scenario", "crisis")).random((P, horizon))
        alive = np.cumprod(np.concatenate([np.ones((P, 1)), (u[:, :-1] >= p_end)], axis=1), axis=1)
        out[key][:, T + pos:] += alive[:, : horizon - pos]
    return out


def forced_steps(spec: ScenarioSpec, horizon: int) -> dict[str, np.ndarray]:
    """Class → (H,) rule for the step draws: 1 forced, 0 forbidden, −1 drawn."""
    if spec.meeting is None:
        return {}
    what, pos = spec.meeting
    prep = np.full(horizon, -1.0)
    setback = np.full(horizon, -1.0)
    if what == "held":
        prep[pos] = 1.0
    else:
        prep[pos] = 0.0
        setback[pos] = 1.0
    return {"prep": prep, "setback": setback}


@dataclass
class ScenarioResult:
    """The shift of P(held by each month) under a scenario, against the baseline forecast.

    ``to_frame()``: ``months, month, shift, lower, upper`` (the central
    1 − alpha interval of the shift over the posterior), ``p_baseline``,
    ``p_scenario``, ``mc_se`` (Monte Carlo standard error of ``shift``
    with common random numbers) and ``mc_se_independent`` (the same for two
    independent runs).
    """

    series: str
    as_of: pd.Timestamp
    overrides: dict[str, str]
    frame: pd.DataFrame
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> Summary:
        rows = self.frame[self.frame["months"].isin([6, 12, 24])]
        if rows.empty:
            rows = self.frame.iloc[[-1]]
        table = rows.set_index("months")[["p_baseline", "p_scenario", "shift", "lower", "upper", "mc_se"]]
        info = [("Series", self.series), ("As of", f"{self.as_of:%Y-%m}")]
        info += [(f"Scenario: {k}", v) for k, v in self.overrides.items()]
        return Summary("SummitForecaster scenario", info,
                       [(f"Shift of P(held by month), {1 - self.alpha:.0%} intervals", table)],
                       ["common random numbers: baseline and scenario share every random draw"])

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, ax: Any = None) -> Any:
        """The shift by month with its band; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5), layout="constrained")
        x = self.frame["month"]
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.fill_between(x, self.frame["lower"], self.frame["upper"], color="C3", alpha=0.25, lw=0,
                        label=f"{1 - self.alpha:.0%} interval")
        ax.plot(x, self.frame["shift"], color="C3", lw=2, label="shift")
        ax.set_xlabel("month")
        ax.set_ylabel("change in P(held by then)")
        ax.set_title(f"{self.series}: " + "; ".join(f"{k} {v}" for k, v in self.overrides.items()))
        ax.legend(loc="best", fontsize="small")
        return ax


def shift_frame(base: np.ndarray, scen: np.ndarray, months: pd.DatetimeIndex, alpha: float,
                mapping: Any = None) -> pd.DataFrame:
    """The shift table from (S, P, H) baseline and scenario probabilities.

    With the posterior draws fixed, the Monte Carlo noise comes from the
    paths (and the step draws along them): averaged over the draws first,
    the paths are independent units, so the standard error of the mean
    shift is sd_p(mean_s diff) / √P; two independent runs would instead have
    √(Var_p(mean_s base) + Var_p(mean_s scenario)) / √P.

    With the forecaster's recalibration map g (``mapping``), both
    probabilities are g of the model's (as the forecast's are), the shift is
    their difference, its interval the quantiles over the draws of
    g(scenario) − g(baseline) per draw, and the standard errors are scaled
    by g′ at the mean of the two probabilities (delta method).
    """
    diff = scen - base
    P = diff.shape[1]
    model_base, model_scen = base.mean(axis=(0, 1)), scen.mean(axis=(0, 1))
    if mapping is None:
        per_draw = diff.mean(axis=1)  # (S, H)
        p_base, p_scen = model_base, model_scen
        shift, slope = per_draw.mean(axis=0), 1.0
    else:
        per_draw = mapping(scen.mean(axis=1)) - mapping(base.mean(axis=1))
        p_base, p_scen = mapping(model_base), mapping(model_scen)
        shift, slope = p_scen - p_base, mapping.slope(0.5 * (model_base + model_scen))
    lo, hi = np.quantile(per_draw, [alpha / 2, 1 - alpha / 2], axis=0)
    by_path = lambda a: a.mean(axis=0)  # noqa: E731  (P, H): averaged over the draws
    return pd.DataFrame({
        "months": np.arange(1, diff.shape[2] + 1), "month": months,
        "shift": shift, "lower": lo, "upper": hi,
        "p_baseline": p_base, "p_scenario": p_scen,
        "mc_se": slope * by_path(diff).std(axis=0, ddof=1) / np.sqrt(P),
        "mc_se_independent": slope * np.sqrt(by_path(base).var(axis=0, ddof=1) + by_path(scen).var(axis=0, ddof=1))
        / np.sqrt(P),
    })
