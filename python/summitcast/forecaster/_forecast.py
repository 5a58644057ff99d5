"""The forecast of one series: probabilities by month ahead, outcomes, drivers, and their displays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._common.paths import ForecastPaths
from .._common.summary import Summary

__all__ = ["Forecast", "REPORT_HORIZONS", "weighted_interval"]

#: The horizons the text summary and the drivers report.
REPORT_HORIZONS = (6, 12, 24)


def weighted_interval(values: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Central 1 − alpha interval over the first axis (equally weighted draws)."""
    lo, hi = np.quantile(values, [alpha / 2, 1 - alpha / 2], axis=0)
    return lo, hi


@dataclass
class Forecast:
    """P(a meeting of the series is held by each month ahead), with what comes with it.

    Attributes
    ----------
    series, as_of : str, Timestamp
        The series forecast and the month the forecast is made at the end of.
    frame : DataFrame
        One row per month ahead (see :meth:`to_frame`).
    outcome_levels : dict
        Level → label of the outcome model (empty without one).
    drivers : DataFrame
        Feature group → shift of P(held by h) from the baseline, per
        reported horizon (see ``baseline``); computed when first asked for
        (it reruns the fusion once per feature group).
    baseline : str
        What the drivers are measured against.
    indicators : dict of ForecastPaths
        The simulated inputs of the series (for the fan charts).
    settings, diagnostics, data, notes
        How it was made, sampler/importance diagnostics, the data's
        record-through dates and limits, warnings met on the way.
    """

    series: str
    as_of: pd.Timestamp
    frame: pd.DataFrame
    outcome_levels: dict[int, str]
    driver_table: Any  # a DataFrame, or a callable computing it on first use
    baseline: str
    indicators: dict[str, ForecastPaths]
    settings: dict[str, Any]
    diagnostics: dict[str, Any]
    data: dict[str, Any]
    alpha: float
    notes: list[str] = field(default_factory=list)
    draws: np.ndarray | None = None  # (S, H) path-averaged P(held by h) per posterior draw

    # ----------------------------------------------------------- accessors
    @property
    def drivers(self) -> pd.DataFrame:
        """Feature group → shift of P(held by h) from the baseline (computed on first use)."""
        if callable(self.driver_table):
            self.driver_table = self.driver_table()
        return self.driver_table

    @property
    def horizon(self) -> int:
        return len(self.frame)

    def to_frame(self) -> pd.DataFrame:
        """One row per month ahead: ``months`` (1 = the first month after as-of),
        ``month``, ``p_held`` (posterior predictive probability that a meeting
        is held by then), ``lower``/``upper`` (the central ``1 − alpha``
        credible interval of that probability over the posterior), ``sd``,
        ``var_indicators``/``var_parameters`` (the variance of the
        probability across paths and draws split by the law of total variance
        into the part from unknown future indicators and steps,
        E_θ Var_paths, and the part from unknown parameters, Var_θ E_paths),
        ``hazard`` (P(first meeting that month | none before)), then
        ``p_level_<k>`` (P(outcome level k | held by then)) and
        ``p_held_level_ge_<k>`` (P(held by then with outcome ≥ k)), and
        ``p_<class>_step`` (P(a step of the class by then))."""
        return self.frame.copy()

    def p_held(self, months: int) -> float:
        return float(self.frame.loc[self.frame["months"] == months, "p_held"].iloc[0])

    @property
    def expected_month(self) -> pd.Timestamp | None:
        """E[month of the first meeting | one is held within the horizon], rounded to a month."""
        p = self.frame["p_held"].to_numpy()
        if p[-1] <= 0:
            return None
        pmf = np.diff(np.concatenate([[0.0], p]))
        mean = float(np.sum(self.frame["months"].to_numpy() * pmf) / p[-1])
        k = int(np.clip(round(mean), 1, self.horizon))
        return pd.Timestamp(self.frame["month"].iloc[k - 1])

    @property
    def median_month(self) -> pd.Timestamp | None:
        """The first month by which a meeting is more likely than not (None if never within the horizon)."""
        hit = np.flatnonzero(self.frame["p_held"].to_numpy() >= 0.5)
        return pd.Timestamp(self.frame["month"].iloc[hit[0]]) if hit.size else None

    # ------------------------------------------------------------ displays
    def _report_rows(self) -> pd.DataFrame:
        rows = self.frame[self.frame["months"].isin([h for h in REPORT_HORIZONS if h <= self.horizon])]
        if rows.empty:
            rows = self.frame.iloc[[-1]]
        cols = ["months", "month", "p_held", "lower", "upper"]
        out = rows[cols].copy()
        out["month"] = out["month"].dt.strftime("%Y-%m")
        return out.set_index("months")

    def summary(self) -> Summary:
        level = f"{1 - self.alpha:.0%}"
        info = [
            ("Series", self.series),
            ("As of", f"{self.as_of:%Y-%m} (forecast months from {self.frame['month'].iloc[0]:%Y-%m})"),
            ("Mode", f"{self.settings['mode']} ({self.settings['method']})"),
            ("Draws x paths", f"{self.settings['draws']} x {self.settings['paths']}"),
            ("Seed", str(self.settings["seed"])),
        ]
        em = self.expected_month
        if em is not None:
            info.append(("Expected month (if held)", f"{em:%Y-%m}"))
        tables = [(f"P(held by month) with {level} credible intervals", self._report_rows())]
        outcome_cols = [c for c in self.frame.columns if c.startswith("p_level_")]
        if outcome_cols:
            rows = self.frame[self.frame["months"].isin(self._report_rows().index)]
            t = rows.set_index("months")[outcome_cols].rename(
                columns={c: f"level {c.rsplit('_', 1)[1]}" for c in outcome_cols})
            tables.append(("P(outcome level | held by then)", t))
        if not self.drivers.empty:
            tables.append((f"Drivers: shift of P(held) from the baseline ({self.baseline})", self.drivers))
        notes = ["levels: " + "; ".join(f"{k} = {v}" for k, v in self.outcome_levels.items())] if self.outcome_levels else []
        notes += [f"data: {k} through {v}" for k, v in self.data.get("record_through", {}).items()]
        notes += [f"note: {n}" for n in self.notes]
        return Summary(f"SummitForecaster: {self.series}", info, tables, notes)

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, indicators: bool = True, fig: Any = None) -> Any:
        """The probability curve with its credible band and, beside it, the
        fan charts of the simulated indicators; returns the Figure."""
        import matplotlib.pyplot as plt

        shown = [name for name in self.indicators if not name.startswith(("leader:", "election:"))][:3] if indicators else []
        if fig is None:
            fig = plt.figure(figsize=(11, 4.2 if not shown else 6.8), layout="constrained")
        grid = fig.add_gridspec(2 if shown else 1, max(len(shown), 1))
        ax = fig.add_subplot(grid[0, :])
        x = self.frame["month"]
        ax.fill_between(x, self.frame["lower"], self.frame["upper"], color="C0", alpha=0.25, lw=0,
                        label=f"{1 - self.alpha:.0%} credible interval")
        ax.plot(x, self.frame["p_held"], color="C0", lw=2, marker="o", ms=3, label="P(held by month)")
        ax.set_ylim(0, 1)
        ax.set_xlabel("month")
        ax.set_ylabel("P(a meeting held by then)")
        ax.set_title(f"{self.series}: forecast as of {self.as_of:%Y-%m} ({self.settings['mode']} mode)")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize="small")
        for j, name in enumerate(shown):
            sub = fig.add_subplot(grid[1, j])
            self.indicators[name].plot(ax=sub)
            sub.set_title(name, fontsize="small")
            sub.tick_params(axis="x", labelsize="x-small", rotation=30)
            sub.legend().remove() if sub.get_legend() is not None and j > 0 else None
        return fig

    # ---------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        """The forecast as the versioned JSON object of ``summitcast forecast --format json``
        (schema: ``summitcast/forecaster/schema/forecast-v1.json``)."""
        from ._schema import forecast_document

        return forecast_document(self)
