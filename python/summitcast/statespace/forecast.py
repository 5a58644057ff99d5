"""Gaussian forecasts with the statsmodels-shaped accessors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._common.inference import two_sided_z


class ForecastResult:
    """Predictive means and variances of y for future periods."""

    def __init__(self, predicted_mean: pd.Series, var_pred_mean: np.ndarray):
        self.predicted_mean = predicted_mean
        self.var_pred_mean = pd.Series(np.asarray(var_pred_mean), index=predicted_mean.index, name="var")

    @property
    def se_mean(self) -> pd.Series:
        return np.sqrt(self.var_pred_mean).rename("mean_se")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        z = two_sided_z(alpha)
        return pd.DataFrame(
            {"lower": self.predicted_mean - z * self.se_mean, "upper": self.predicted_mean + z * self.se_mean}
        )

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """``mean, mean_se, lower, upper`` per period ([lower, upper] the
        Gaussian 1 - alpha interval, the column names of every summitcast
        forecast); ``mean_ci_lower``/``mean_ci_upper`` repeat them under
        statsmodels' names for code written against statsmodels."""
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {"mean": self.predicted_mean, "mean_se": self.se_mean, "lower": ci["lower"], "upper": ci["upper"],
             "mean_ci_lower": ci["lower"], "mean_ci_upper": ci["upper"]}
        )

    def _repr_html_(self) -> str:
        return self.summary_frame().to_html(float_format=lambda x: f"{x:.4g}")

    def __repr__(self) -> str:
        return f"ForecastResult(steps={len(self.predicted_mean)})\n{self.summary_frame()}"
