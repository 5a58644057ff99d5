"""Results of a temporal-aggregation fit: smoothed high-frequency estimates
with standard errors, forecasts, parameter inference and presentation."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._common.inference import coefficient_table, two_sided_z
from .._common.summary import Summary
from .._common.time import future_index
from .._common.validation import MAX_COUNT, check_alpha, check_allocation, check_int
from .forecast import ForecastResult
from .inference import StateSpaceResults


class TemporalAggregationResults(StateSpaceResults):
    """Fitted (or evaluated) temporal-aggregation model (statsmodels-shaped).

    Attributes
    ----------
    params, bse : pandas.Series
        Variances and their standard errors (inverse numerical Hessian).
    llf, aic, bic : float
        Log-likelihood (see :meth:`TemporalAggregation.loglike`) and
        information criteria counting the variances and the diffuse states.
    smoothed : pandas.DataFrame
        One row per period of endog: ``mean`` (the observed value where
        observed, else E(x_t | all data)), ``se`` (0 where observed) and
        ``observed``.
    """

    def _run(self, future_scale: np.ndarray) -> dict[str, np.ndarray]:
        return self.model.smoother_output(self.params.to_numpy(), future_scale)

    @cached_property
    def _smoothed(self) -> dict[str, np.ndarray]:
        return self._run(np.zeros(0))

    # -- parameter inference ---------------------------------------------
    @property
    def df_model(self) -> int:
        """Variances plus diffuse initial states (Durbin & Koopman 2012, §7.4)."""
        return self.k_params + int(self.model.spec.k_states)

    def _loglike_hessian(self) -> np.ndarray:
        if self._hessian is not None:  # from the fit, in the core's units
            return self.model.inner_hessian_to_natural(self._hessian)
        return self.model.hessian(self.params.to_numpy())

    # -- the high-frequency estimates -------------------------------------
    @cached_property
    def smoothed(self) -> pd.DataFrame:
        observed = ~np.isnan(self.model.endog)
        unit = self.model.unit
        mean = np.where(observed, self.model.endog, self._smoothed["mean"] * unit)
        se = np.where(observed, 0.0, np.sqrt(self._smoothed["variance"]) * unit)
        return pd.DataFrame({"mean": mean, "se": se, "observed": observed}, index=self.model.index)

    @property
    def smoothed_mean(self) -> pd.Series:
        return self.smoothed["mean"].rename(self.model.name)

    @property
    def smoothed_se(self) -> pd.Series:
        return self.smoothed["se"].rename(f"{self.model.name}_se")

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """``mean, mean_se, mean_ci_lower, mean_ci_upper, observed`` per period.

        Intervals are Gaussian (mean ± z·se); observed periods have zero width.
        """
        z = two_sided_z(alpha)
        s = self.smoothed
        return pd.DataFrame({
            "mean": s["mean"], "mean_se": s["se"],
            "mean_ci_lower": s["mean"] - z * s["se"], "mean_ci_upper": s["mean"] + z * s["se"],
            "observed": s["observed"],
        })

    @property
    def aggregates(self) -> pd.DataFrame:
        """Each aggregate beside the sum (or average) of the estimates of its period."""
        layout = self.model.layout
        mean = self.smoothed["mean"].to_numpy()
        implied = []
        for _, row in layout.iterrows():
            block = mean[int(row["first"]): int(row["last"]) + 1]
            implied.append(block.sum() if self.model.how == "sum" else block.mean())
        return pd.DataFrame({"value": layout["value"], "estimated": implied, "used": layout["used"]})

    # -- forecasting --------------------------------------------------------
    def get_forecast(self, steps: int = 1) -> ForecastResult:
        """Predictions of x for the `steps` periods after endog, with variances.

        The scale (if any) is held at its last value over the forecast.
        """
        steps = check_int(steps, "steps", 1, MAX_COUNT)
        check_allocation("the forecast", steps=steps, moments=2)
        index = future_index(self.model.index, steps)
        out = self._run(np.full(steps, self.model._inner_scale[-1]))
        n = self.model.endog.size
        unit = self.model.unit
        mean = pd.Series(out["mean"][n:] * unit, index=index, name="mean")
        return ForecastResult(mean, out["variance"][n:] * unit**2)

    def forecast(self, steps: int = 1) -> pd.Series:
        return self.get_forecast(steps).predicted_mean

    # -- presentation -------------------------------------------------------
    def summary(self, alpha: float = 0.05) -> Summary:
        table = coefficient_table(self.params, self.bse, alpha, z=False, pvalues=False)
        s = self.smoothed
        layout = self.model.layout
        info = [
            ("Dependent variable", str(self.model.name)),
            ("Model", repr(self.model)),
            ("Periods", f"{len(s)} ({int(s['observed'].sum())} observed, {int((~s['observed']).sum())} estimated)"),
            ("Aggregates", f"{int(layout['used'].sum())} used, {self.model.n_redundant} redundant "
                           "(their periods fully observed)"),
            ("Scale", {"none": "none (variances in the units of the data)",
                       "level": "smooth path through the level (relative variances)",
                       "given": "given by the user (relative variances)"}[self.model.scale_kind]),
            ("Log-likelihood", f"{self.llf:.4f}"),
            ("AIC", f"{self.aic:.4f}"),
            ("BIC", f"{self.bic:.4f}"),
            ("Converged", f"{self.converged} ({self.iterations} iterations)"),
        ]
        return Summary("Temporal aggregation: maximum likelihood", info, [("", table)])

    def __repr__(self) -> str:
        return f"<TemporalAggregationResults llf={self.llf:.4f} params={dict(self.params.round(8))}>"

    def plot(self, ax: Any = None, alpha: float = 0.1):
        """Observed values, estimates with their (1 − alpha) band, and each
        aggregate spread evenly over its period (for reference)."""
        import matplotlib.pyplot as plt

        alpha = check_alpha(alpha)
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        frame = self.summary_frame(alpha)
        index = self.model.index
        x = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
        est = ~frame["observed"].to_numpy()
        ax.plot(x, np.where(est, np.nan, frame["mean"]), ".", color="0.3", label="observed")
        ax.plot(x, frame["mean"].where(est), color="C0", label="estimated")
        ax.fill_between(x, frame["mean_ci_lower"].where(est), frame["mean_ci_upper"].where(est), color="C0",
                        alpha=0.2, label=f"{100 * (1 - alpha):.0f}% band")
        for _, row in self.model.layout[self.model.layout["used"]].iterrows():
            level = row["value"] / row["length"] if self.model.how == "sum" else row["value"]
            ax.hlines(level, x[int(row["first"])], x[int(row["last"])], color="C1", lw=1)
        ax.plot([], [], color="C1", lw=1, label="aggregate, evenly spread")
        ax.set_ylabel(str(self.model.name))
        ax.legend(loc="best")
        return ax
