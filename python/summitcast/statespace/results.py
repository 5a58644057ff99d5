"""Results of a maximum-likelihood unobserved-components fit."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common import persist
from .._common.seeds import check_seed
from .._common.inference import coefficient_table, two_sided_z
from .._common.summary import Summary
from .._common.time import future_index
from .._common.paths import ForecastPaths
from .._common.validation import MAX_COUNT, check_alpha, check_allocation, check_int, check_threads
from .forecast import ForecastResult
from .inference import StateSpaceResults


class UnobservedComponentsResults(StateSpaceResults):
    """Fitted unobserved-components model (statsmodels-shaped).

    Attributes
    ----------
    params, bse : pandas.Series
        Estimates (natural scale: variances and regression coefficients) and
        their standard errors from the inverse of the numerical Hessian.
    llf, aic, bic : float
        Log-likelihood and information criteria (BIC uses the number of
        observations after the diffuse ones, as statsmodels does).
    """

    @cached_property
    def _smoothed(self) -> dict[str, np.ndarray]:
        return self.model.smoother_output(self.params.to_numpy())

    @property
    def nobs_diffuse(self) -> int:
        return int(self._smoothed["nobs_diffuse"])

    @property
    def nobs_effective(self) -> int:
        """Observed values whose log-likelihood contributions are summed."""
        burn = 0 if self.model.spec.exact_diffuse else self.model.spec.k_states
        return self.nobs - burn

    @property
    def k_diffuse_states(self) -> int:
        return int(self.model.spec.k_states) if self.model.spec.exact_diffuse else 0

    @property
    def df_model(self) -> int:
        """Estimated parameters plus diffuse initial states (Durbin & Koopman 2012, §7.4)."""
        return self.k_params + self.k_diffuse_states

    def _loglike_hessian(self) -> np.ndarray:
        if self._hessian is not None:
            return self._hessian
        return self.model.hessian(self.params.to_numpy())

    # -- states -------------------------------------------------------------
    @property
    def smoothed_state(self) -> pd.DataFrame:
        """E(α_t | all data), one column per state."""
        return pd.DataFrame(self._smoothed["smoothed_state"], index=self.model.index, columns=self.model.state_names)

    @property
    def smoothed_state_cov(self) -> np.ndarray:
        """Var(α_t | all data) as an array of shape (n, m, m)."""
        m = len(self.model.state_names)
        raw = self._smoothed["smoothed_state_cov"]  # m x (m n), column blocks
        return raw.reshape(m, m, -1, order="F").transpose(2, 0, 1)

    @property
    def filtered_state(self) -> pd.DataFrame:
        """E(α_t | data up to t)."""
        return pd.DataFrame(self._smoothed["filtered_state"], index=self.model.index, columns=self.model.state_names)

    @property
    def components(self) -> pd.DataFrame:
        """Smoothed contribution of each component to y (level, trend, seasonal, regression)."""
        sel, labels = self.model.signal_selection()
        state = self._smoothed["smoothed_state"]
        frame = pd.DataFrame(state @ sel.T, index=self.model.index, columns=labels)
        if self.model.exog_names:
            beta = self.params[[f"beta.{c}" for c in self.model.exog_names]].to_numpy()
            frame["regression"] = self.model.exog @ beta
        return frame

    @property
    def smoothed_obs_disturbance(self) -> pd.Series:
        """E(ε_t | all data) (zero where y is missing)."""
        return pd.Series(self._smoothed["smoothed_obs_disturbance"][:, 0], index=self.model.index,
                         name="smoothed_obs_disturbance")

    @property
    def smoothed_state_disturbance(self) -> pd.DataFrame:
        """E(η_t | all data), one column per state disturbance (η_t moves α_t to α_{t+1})."""
        names = [n for n in self.model.param_names if n.startswith("sigma2.") and n != "sigma2.irregular"]
        groups = self.model.spec.disturbance_groups()
        cols = []
        for name, group in zip(names, groups):
            base = name[len("sigma2."):]
            cols += [base] if len(group) == 1 else [f"{base}.{k}" for k in range(len(group))]
        raw = self._smoothed["smoothed_state_disturbance"][:, : len(cols)]
        return pd.DataFrame(raw, index=self.model.index, columns=cols)

    @property
    def fittedvalues(self) -> pd.Series:
        """One-step-ahead predictions of y."""
        pred = self._smoothed["predicted_state"][:-1]
        z = self.model.system_matrices(self.params)["Z"][0]
        d = self.model.exog @ self.params.to_numpy()[self.model.spec.k_variances :] if self.model.exog_names else 0.0
        return pd.Series(pred @ z + d, index=self.model.index, name="fitted")

    @property
    def standardized_forecast_errors(self) -> pd.Series:
        """v_t / √F_t for the regular (non-diffuse, non-burned) observations; NaN elsewhere."""
        v = self._smoothed["forecast_error"][:, 0]
        f = self._smoothed["forecast_error_var"][:, 0]
        finf = self._smoothed["forecast_error_diffuse_var"][:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            e = v / np.sqrt(f)
        tol = 1e-9
        e[finf > tol] = np.nan
        if not self.model.spec.exact_diffuse:
            e[: self.model.spec.k_states] = np.nan
        return pd.Series(e, index=self.model.index, name="standardized_forecast_error")

    def simulation_smoother(self, draws: int = 100, seed: int | None = None) -> np.ndarray:
        """Draws of the states given all the data, shape (draws, n, m) (Durbin & Koopman 2002)."""
        draws = check_int(draws, "draws", 1, MAX_COUNT)
        check_allocation("the simulation smoother's draws", draws=draws, time_points=self.model.endog.size,
                         states=len(self.model.state_names))
        seed = check_seed(seed)
        return self.model.simulation_smoother_draws(self.params.to_numpy(), draws, seed)

    # -- residual diagnostics ------------------------------------------------
    def test_serial_correlation(self, lags: int = 10) -> pd.DataFrame:
        """Ljung–Box Q(k) for k = 1..lags on the standardized forecast errors."""
        lags = check_int(lags, "lags", 1, MAX_COUNT)
        e = self.standardized_forecast_errors.dropna().to_numpy()
        n = e.size
        if lags >= n:
            raise ValueError(f"lags must be smaller than the {n} usable residuals, got {lags}")
        e = e - e.mean()
        denom = np.dot(e, e)
        acf = np.array([np.dot(e[k:], e[:-k]) / denom for k in range(1, lags + 1)])
        q = n * (n + 2) * np.cumsum(acf**2 / (n - np.arange(1, lags + 1)))
        pvalue = _core.chi2_sf(q, np.arange(1, lags + 1).astype(float))
        return pd.DataFrame({"Q": q, "pvalue": pvalue}, index=pd.Index(range(1, lags + 1), name="lag"))

    def test_heteroskedasticity(self) -> tuple[float, float]:
        """H = Σ e² over the last third / Σ e² over the first third; two-sided F p-value."""
        e = self.standardized_forecast_errors.dropna().to_numpy()
        h = int(np.round(e.size / 3))
        if h < 2:
            raise ValueError("too few residuals for the heteroskedasticity test")
        stat = float(np.sum(e[-h:] ** 2) / np.sum(e[:h] ** 2))
        # Under homoskedasticity H ~ F(h, h); two-sided p-value.
        upper = float(_core.f_sf(stat, float(h), float(h)))
        pvalue = 2.0 * min(upper, 1.0 - upper)
        return stat, pvalue

    def test_normality(self) -> dict[str, float]:
        """Skewness, (non-excess) kurtosis and the Jarque–Bera statistic of the residuals."""
        e = self.standardized_forecast_errors.dropna().to_numpy()
        c = e - e.mean()
        m2 = np.mean(c**2)
        skew = float(np.mean(c**3) / m2**1.5)
        kurt = float(np.mean(c**4) / m2**2)
        jb = e.size / 6.0 * (skew**2 + (kurt - 3.0) ** 2 / 4.0)
        return {"skew": skew, "kurtosis": kurt, "jarque_bera": float(jb), "pvalue": float(_core.chi2_sf(jb, 2.0))}

    # -- forecasting --------------------------------------------------------
    def get_forecast(self, steps: int = 1, exog: Any = None) -> ForecastResult:
        """Forecasts of y for the `steps` periods after the data, with variances."""
        steps = check_int(steps, "steps", 1, MAX_COUNT)
        check_allocation("the forecast", steps=steps, moments=2)
        index = future_index(self.model.index, steps)
        mean, var = self.model.forecast_moments(self.params.to_numpy(), steps, exog)
        return ForecastResult(pd.Series(mean, index=index, name="mean"), var)

    def forecast(self, steps: int = 1, exog: Any = None) -> pd.Series:
        return self.get_forecast(steps, exog).predicted_mean

    def simulate(self, steps: int, paths: int = 1000, seed: int | None = None, exog: Any = None,
                 cores: int | None = None) -> ForecastPaths:
        """Simulated paths of y for the ``steps`` periods after the data.

        The state after the data is drawn from its filtered distribution, so
        the paths carry state and disturbance uncertainty (not parameter
        uncertainty: use ``fit_bayes`` for that).  Returns
        :class:`~summitcast._common.paths.ForecastPaths` (paths × periods on
        the future index); the draws depend on ``seed`` only, not ``cores``.
        """
        steps = check_int(steps, "steps", 1, MAX_COUNT)
        paths = check_int(paths, "paths", 1, MAX_COUNT)
        check_allocation("the simulated paths", paths=paths, steps=steps)
        index = future_index(self.model.index, steps)
        seed = check_seed(seed)
        threads = check_threads(cores)
        sims = self.model.simulate_paths(self.params.to_numpy(), steps, paths, exog, seed, threads)
        return ForecastPaths(sims, index, self.model.name, seed=seed)

    # -- persistence --------------------------------------------------------
    #: ``kind`` of the saved document (a key of ``summitcast._common.persist.LOADERS``).
    save_kind = "statespace.UnobservedComponentsResults"

    def save(self, path: Any) -> None:
        """Write the model, data and estimates to a JSON file (read it back with
        ``summitcast.load(path)``; see ``summitcast._common.persist``)."""
        persist.save(path, self.save_kind, self.to_payload())

    def to_payload(self) -> dict[str, Any]:
        """The saved document's payload (plain numbers and strings)."""
        payload = self.model.to_payload()
        payload.update({"params": {k: float(v) for k, v in self.params.items()}, "llf": float(self.llf),
                        "converged": self.converged, "iterations": self.iterations, "message": self.fit_message})
        return payload

    # -- presentation -------------------------------------------------------
    def summary(self, alpha: float = 0.05) -> Summary:
        table = coefficient_table(self.params, self.bse, alpha, pvalues=False)
        info = [
            ("Dependent variable", str(self.model.name)),
            ("Model", repr(self.model)),
            ("Observations", f"{self.nobs} ({self.nobs_diffuse} diffuse)"),
            ("Log-likelihood", f"{self.llf:.4f}"),
            ("AIC", f"{self.aic:.4f}"),
            ("BIC", f"{self.bic:.4f}"),
            ("Converged", f"{self.converged} ({self.iterations} iterations)"),
        ]
        frames = [("", table)]
        try:
            lb = self.test_serial_correlation(min(10, self.nobs_effective - 2))
            norm = self.test_normality()
            h, hp = self.test_heteroskedasticity()
            diag = pd.DataFrame(
                {"statistic": [lb["Q"].iloc[-1], norm["jarque_bera"], h],
                 "pvalue": [lb["pvalue"].iloc[-1], norm["pvalue"], hp]},
                index=[f"Ljung-Box Q({lb.index[-1]})", "Jarque-Bera", "Heteroskedasticity H"],
            )
            frames.append(("Residual diagnostics", diag))
        except ValueError:
            pass
        return Summary("Unobserved components: maximum likelihood", info, frames)

    def __repr__(self) -> str:
        return f"<UnobservedComponentsResults llf={self.llf:.4f} params={dict(self.params.round(6))}>"

    def plot(self, ax: Any = None, alpha: float = 0.05):
        """The data with the smoothed signal (level + seasonal + regression) and its band."""
        import matplotlib.pyplot as plt

        alpha = check_alpha(alpha)
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        index = self.model.index
        x = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
        sel, _ = self.model.signal_selection()
        z = sel.sum(axis=0)
        state = self._smoothed["smoothed_state"]
        cov = self.smoothed_state_cov
        signal = state @ z + (self.components["regression"].to_numpy() if self.model.exog_names else 0.0)
        sd = np.sqrt(np.maximum(np.einsum("i,tij,j->t", z, cov, z), 0.0))
        q = two_sided_z(alpha)
        ax.plot(x, self.model.endog, ".", color="0.4", label=str(self.model.name))
        ax.plot(x, signal, color="C0", label="smoothed signal")
        ax.fill_between(x, signal - q * sd, signal + q * sd, color="C0", alpha=0.2,
                        label=f"{100 * (1 - alpha):.0f}% band")
        ax.legend(loc="best")
        return ax
