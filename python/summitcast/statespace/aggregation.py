"""Temporal aggregation: a series observed directly in some periods and only
as sums or averages over longer periods in others (monthly trade known only
through annual totals, say).

The model is one linear Gaussian state-space model with a cumulator state
(Harvey 1989, §6.3; Durbin & Koopman 2012, §3.3): the high-frequency flow
x_t follows an unobserved-components model, the cumulator adds it up within
each aggregation period, and an aggregate is an exact observation of the
cumulator in its period's last month.  The C++ core
(``cpp/include/summitcast/statespace/aggregation.hpp``) builds the
time-varying system and runs the Kalman filter and smoother on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.validation import as_float_array, check_choice, check_float, check_index, check_int
from .aggregation_results import TemporalAggregationResults
from .inference import params_array
from .unobserved_components import component_spec

_HOW = ("sum", "mean")


def aggregation_layout(index: pd.Index, aggregates: Any, how: str) -> pd.DataFrame:
    """Map each aggregation period onto the positions of `index`.

    Returns one row per period (index: the periods) with ``value``, ``first``
    and ``last`` (positions in `index`, inclusive) and ``length``; raises
    ValueError naming `aggregates` for a period that is NaN, infinite,
    duplicated, does not nest the high-frequency periods, or is not wholly
    inside `index`.
    """
    if not isinstance(aggregates, pd.Series):
        raise TypeError(f"aggregates must be a pandas Series with a PeriodIndex, got {type(aggregates).__name__}")
    if not isinstance(aggregates.index, pd.PeriodIndex):
        raise TypeError(
            "aggregates must have a PeriodIndex (e.g. annual periods: series.index.to_period('Y')), "
            f"got {type(aggregates.index).__name__}"
        )
    if aggregates.dtype == bool or not pd.api.types.is_numeric_dtype(aggregates.dtype):
        raise TypeError(f"aggregates must be numeric, got dtype {aggregates.dtype}")
    if aggregates.index.has_duplicates:
        raise ValueError(f"aggregates has a duplicated period: {aggregates.index[aggregates.index.duplicated()][0]}")
    values = aggregates.to_numpy(dtype=float, na_value=np.nan)
    for period, value in zip(aggregates.index, values):
        if not np.isfinite(value):
            raise ValueError(f"aggregates for {period} must be a finite number, got {value}; leave unknown periods out")
    if isinstance(index, pd.DatetimeIndex):
        fine = index.to_period()
    elif isinstance(index, pd.PeriodIndex):
        fine = index
    else:
        raise TypeError(f"endog must have a DatetimeIndex or PeriodIndex to be aggregated, got {type(index).__name__}")
    starts = fine.start_time.asi8
    ends = fine.end_time.asi8
    lo = aggregates.index.start_time.asi8
    hi = aggregates.index.end_time.asi8
    first = np.searchsorted(starts, lo, side="left")   # the first period starting in [lo, ...)
    last = np.searchsorted(ends, hi, side="right") - 1  # the last period ending by hi
    n = len(fine)
    rows = []
    for j, period in enumerate(aggregates.index):
        f, l = int(first[j]), int(last[j])
        if f > 0 and ends[f - 1] >= lo[j]:
            raise ValueError(f"aggregates period {period} does not line up with endog's periods: "
                             f"{fine[f - 1]} lies partly inside it")
        if l + 1 < n and starts[l + 1] <= hi[j]:
            raise ValueError(f"aggregates period {period} does not line up with endog's periods: "
                             f"{fine[l + 1]} lies partly inside it")
        if f > l:
            raise ValueError(f"aggregates period {period} has no months in endog's index ({fine[0]}..{fine[-1]})")
        if starts[f] != lo[j] or ends[l] != hi[j]:
            expected = len(pd.period_range(period.start_time, period.end_time, freq=fine.freq))
            raise ValueError(
                f"aggregates period {period} is only partly inside endog's index: "
                f"{l - f + 1} of its {expected} periods are there ({fine[0]}..{fine[-1]})"
            )
        rows.append((period, float(values[j]), f, l, l - f + 1))
    layout = pd.DataFrame(rows, columns=["period", "value", "first", "last", "length"]).set_index("period")
    return layout.sort_values("first")


def level_scale(monthly: np.ndarray, layout: pd.DataFrame, how: str, window: int) -> np.ndarray:
    """A smooth positive path through the series' level (``scale="level"``).

    Each month gets a proxy: its value where observed, else its period's
    average (total / length for sums) where an aggregate covers it; months
    with neither carry the last proxy before them (the first, before it).  The scale is exp of a centred moving
    average of the log proxies over `window` months (2×w for even w, as the
    classical centred moving average; the window shrinks at the ends).
    """
    n = monthly.size
    proxy = monthly.astype(float).copy()
    for value, first, last, length in zip(layout["value"], layout["first"], layout["last"], layout["length"]):
        sl = slice(first, last + 1)
        mean = value / length if how == "sum" else value
        proxy[sl] = np.where(np.isnan(proxy[sl]), mean, proxy[sl])
    known = ~np.isnan(proxy)
    if np.any(proxy[known] <= 0):
        raise ValueError("scale='level' needs positive values: endog or aggregates has a value <= 0")
    logs = pd.Series(np.log(np.where(known, proxy, 1.0))).where(known).ffill().bfill().to_numpy()
    if window <= 1:
        return np.exp(logs)
    if window % 2 == 0:
        kernel = np.r_[0.5, np.ones(window - 1), 0.5] / window
    else:
        kernel = np.ones(window) / window
    num = np.convolve(logs, kernel, mode="same")
    den = np.convolve(np.ones(n), kernel, mode="same")
    return np.exp(num / den)


class TemporalAggregation:
    """A high-frequency series observed directly or only through period aggregates.

    The flow x_t (monthly, say) follows an unobserved-components model; in
    some periods its values are observed, in others only their sum (or
    average) over a longer period (a year, say).  A cumulator state adds the
    flow up within each period and the aggregate observes it exactly in the
    period's last month, so the smoothed estimates of the unobserved months
    add up to their period's aggregate, with standard errors that say how
    well the model pins each month down (Harvey 1989, §6.3; Durbin & Koopman
    2012, §3.3).

    Parameters
    ----------
    endog : pandas.Series
        The high-frequency series on a regular DatetimeIndex or PeriodIndex
        that spans every aggregation period; NaN where a value is not
        observed.  Months after the last aggregate may be included (they are
        then predicted).
    aggregates : pandas.Series
        Sums (``how="sum"``) or averages (``how="mean"``) over periods of a
        lower frequency, indexed by a PeriodIndex (e.g. annual totals indexed
        by ``pd.period_range("2010", "2019", freq="Y")``; fiscal years as
        ``"Y-MAR"``).  Every period must lie wholly inside endog's index.  An
        aggregate of a period whose months are all observed adds nothing; it
        is checked against their sum (``rtol``) and not used (the count is in
        ``n_redundant``).
    how : {"sum", "mean"}
        Whether an aggregate is the sum or the average of its period's values.
    level, seasonal, freq_seasonal, irregular, stochastic_seasonal, stochastic_freq_seasonal
        The component model of the flow, as in :class:`UnobservedComponents`
        (default: local linear trend + dummy seasonal of period 12 +
        irregular).  The irregular is part of the flow, so it enters the sums.
    scale : None, "level" or array-like
        None models x_t itself (homoskedastic in levels).  ``"level"`` models
        x_t / s_t, where s_t is a smooth positive path through the series'
        level (see Notes); array-like gives s_t (positive, one per month).
    rtol : float
        Relative tolerance for aggregates of fully observed periods.

    Notes
    -----
    Why a scale.  Sums are linear in levels, so the cumulator needs a model
    of x_t itself; but a trade flow that grows tenfold has variances that grow
    with it, which a model with constant variances in levels gets wrong
    (too wide early, too narrow late).  A model for log x_t has the right
    variances but turns the aggregation constraint Σ exp(·) = A into a
    nonlinear one (an extended or iterated filter, and the estimates no longer
    add up exactly).  The middle way taken here keeps the model linear:
    x_t = s_t (z'α_t + ε_t) with a known scale s_t, so the components describe
    x_t / s_t and their variances are relative, as in a log model to first
    order (x/s − 1 ≈ log x − log s), while the aggregate stays an exact linear
    function of the states.  With ``scale="level"`` the path s_t is computed
    beforehand from the data: each month's value where observed or its
    period's average where only the aggregate is known, then exp of a centred
    moving average of the logs over the seasonal period.  The likelihood is
    conditional on s (as for any weighted regression).  Where a span has
    neither observations nor an aggregate, s_t there is carried from the
    nearest proxy and treated as known, so the standard errors of such months
    (and of forecasts) understate the uncertainty of the level.

    Parameters are the variances of the components (of x_t / s_t when a scale
    is given, so relative; of x_t otherwise), estimated by maximum likelihood
    with exact diffuse initialisation of the component states.

    Examples
    --------
    Monthly values for 2015–2019 and only annual totals for 2020–2022:

    >>> months = pd.date_range("2015-01-01", "2022-12-01", freq="MS")
    >>> y = pd.Series(np.nan, index=months)
    >>> y[:"2019-12"] = observed_2015_2019          # doctest: +SKIP
    >>> totals = pd.Series([130.0, 160.0, 155.0], index=pd.period_range("2020", "2022", freq="Y"))
    >>> res = TemporalAggregation(y, totals, scale="level").fit()   # doctest: +SKIP
    >>> res.summary_frame(alpha=0.1).loc["2020"]  # estimates, se, 90% band, observed flag  # doctest: +SKIP
    """

    def __init__(
        self,
        endog: Any,
        aggregates: Any,
        how: str = "sum",
        level: str | None = "local linear trend",
        seasonal: int | None = 12,
        freq_seasonal: Sequence[Mapping[str, int]] | None = None,
        irregular: bool | None = True,
        stochastic_seasonal: bool = True,
        stochastic_freq_seasonal: Sequence[bool] | None = None,
        scale: Any = None,
        rtol: float = 1e-3,
    ) -> None:
        if not isinstance(endog, pd.Series):
            raise TypeError(f"endog must be a pandas Series with a DatetimeIndex or PeriodIndex, got {type(endog).__name__}")
        how = check_choice(how, "how", _HOW)
        rtol = check_float(rtol, "rtol", minimum=0.0, maximum=0.5)
        # (endog may be all NaN: the aggregates can be the only data)
        values = as_float_array(endog, "endog", 1, allow_nan=True, min_size=2)
        index = check_index(endog.index, "endog")
        self.endog = values
        self.index = index
        self.name = endog.name if endog.name is not None else "y"
        self.how = how
        self.layout = aggregation_layout(index, aggregates, how)
        n = values.size
        self.spec = component_spec(level, seasonal, freq_seasonal, irregular, stochastic_seasonal,
                                   stochastic_freq_seasonal, n)
        self.spec.validate()
        self.level = level

        observed = ~np.isnan(values)
        weight = np.zeros(n)
        start = np.ones(n, dtype=bool)
        aggregate_row = np.full(n, np.nan)
        used, observed_sum = [], []
        for period, value, first, last, length in zip(self.layout.index, self.layout["value"],
                                                      self.layout["first"], self.layout["last"], self.layout["length"]):
            w = 1.0 if how == "sum" else 1.0 / length
            weight[first:last + 1] = w
            start[first + 1:last + 1] = False
            if observed[first:last + 1].all():
                total = float(w * values[first:last + 1].sum())
                if abs(total - value) > rtol * max(abs(value), abs(total)):
                    raise ValueError(
                        f"aggregates for {period} is {value:.10g} but its observed values "
                        f"{'add up to' if how == 'sum' else 'average'} {total:.10g} in endog (rtol={rtol})"
                    )
                used.append(False)
                observed_sum.append(total)
            else:
                aggregate_row[last] = value
                used.append(True)
                observed_sum.append(np.nan)
        self.layout["used"] = used
        self.layout["observed"] = observed_sum
        self.n_redundant = int((~self.layout["used"]).sum())

        window = max([self.spec.seasonal] + [tr.period for tr in self.spec.trig] + [1])
        if scale is None:
            s = np.ones(n)
            self.scale_kind = "none"
        elif isinstance(scale, str):
            if scale != "level":
                raise ValueError(f"scale must be None, 'level' or an array of {n} positive values, got {scale!r}")
            s = level_scale(values, self.layout, how, window)
            self.scale_kind = "level"
        else:
            s = as_float_array(scale.reindex(index) if isinstance(scale, pd.Series) else scale, "scale",
                               allow_nan=True, allow_inf=True).reshape(-1)
            if s.size != n or not np.all(np.isfinite(s)) or np.any(s <= 0):
                raise ValueError(f"scale must have {n} positive finite values (one per period of endog)")
            self.scale_kind = "given"
        self.scale = pd.Series(s, index=index, name="scale")
        # Work in units of a typical value so that states, cumulator and
        # variances are all of moderate size in the filter.
        if observed.any():
            typical = np.abs(values[observed])
        else:
            lengths = self.layout["length"].to_numpy() if how == "sum" else 1.0
            typical = np.abs(self.layout["value"].to_numpy() / lengths)
        self._unit = float(np.median(typical)) if np.median(typical) > 0 else 1.0
        inner_scale = s / self._unit if self.scale_kind != "none" else s
        self._inner_scale = inner_scale
        self._variance_unit = self._unit**2 if self.scale_kind == "none" else 1.0
        self._model = _core.statespace.AggregationModel(
            self.spec, values / self._unit, aggregate_row / self._unit, inner_scale, weight, list(start)
        )

    # -- description ------------------------------------------------------
    @property
    def param_names(self) -> list[str]:
        return list(self.spec.variance_names())

    @property
    def k_params(self) -> int:
        return len(self.param_names)

    @property
    def nobs(self) -> int:
        """Observed values: months plus the aggregates that enter."""
        return int(self._model.nobs)

    @property
    def start_params(self) -> pd.Series:
        return pd.Series(self._model.start_params() * self._variance_unit, index=self.param_names)

    def _params_array(self, params: Any, name: str = "params") -> np.ndarray:
        return params_array(params, self.param_names, name)

    # -- likelihood ---------------------------------------------------------
    def loglike(self, params: Any) -> float:
        """Log-likelihood of the observed months and aggregates at `params`.

        In the units of the data: the filter runs on the data divided by
        :attr:`unit` (so that states, cumulator and variances are of moderate
        size), which moves each contribution by log(unit): every
        contribution when a scale is given (the scale is divided by the unit
        too, so the diffuse variances F_∞ shrink with it), the regular
        (non-diffuse) ones without a scale; that shift is added back.  The
        convention for diffuse observations is that of
        :class:`UnobservedComponents` (the −½ log 2π constant kept), so with
        every month observed, no aggregate and no scale the two agree.
        """
        return self._raw_loglike(float(self._model.loglike(self._params_array(params) / self._variance_unit)))

    def _raw_loglike(self, inner: float) -> float:
        shifted = self.nobs - (int(self._model.nobs_diffuse) if self.scale_kind == "none" else 0)
        return inner - shifted * np.log(self._unit)

    @property
    def unit(self) -> float:
        """The typical value in whose units the data are filtered."""
        return self._unit

    def fit(self, start_params: Any = None, maxiter: int = 500, gtol: float = 1e-7):
        """Maximum-likelihood estimates of the variances.

        BFGS in C++ over the square roots of the variances (finite-difference
        gradients); standard errors from the numerical Hessian of the
        log-likelihood.

        Returns
        -------
        TemporalAggregationResults
        """
        maxiter = check_int(maxiter, "maxiter", 1)
        if start_params is None:
            start = self._model.start_params()
        else:
            start = self._params_array(start_params, "start_params") / self._variance_unit
            if np.any(start <= 0):
                raise ValueError("start_params variances must be positive")
        out = self._model.fit(start, maxiter, check_float(gtol, "gtol", 0.0, exclusive=True))
        out["value"] = self._raw_loglike(out["value"])
        return TemporalAggregationResults(self, out["params"] * self._variance_unit, out)

    def smooth(self, params: Any):
        """Results at given variances, without estimating them.

        Returns
        -------
        TemporalAggregationResults
        """
        arr = self._params_array(params)
        return TemporalAggregationResults(self, arr, {"value": self.loglike(arr), "hessian": None})

    # -- computations at given variances (the results' engine) ---------------
    def smoother_output(self, params: Any, future_scale: np.ndarray) -> dict[str, np.ndarray]:
        """Smoothed high-frequency means and variances (in units of ``unit``) at
        variances ``params``, with ``len(future_scale)`` forecast periods."""
        inner = self._params_array(params) / self._variance_unit
        return self._model.smooth(inner, np.asarray(future_scale, dtype=float))

    def hessian(self, params: Any) -> np.ndarray:
        """Hessian of the log-likelihood in the variances ``params`` (numerical)."""
        inner = self._params_array(params) / self._variance_unit
        # the core works in units of `unit`: variances q = p / unit_var, so d²/dp² = d²/dq² / unit_var²
        return np.asarray(self._model.hessian(inner)) / self._variance_unit**2

    def inner_hessian_to_natural(self, inner_hessian: Any) -> np.ndarray:
        """A Hessian the core reported in its own units, in the variances' units."""
        return np.asarray(inner_hessian) / self._variance_unit**2

    def __repr__(self) -> str:
        parts = [f"level={self.level!r}", f"how={self.how!r}", f"scale={self.scale_kind!r}"]
        if self.spec.seasonal:
            parts.append(f"seasonal={self.spec.seasonal}")
        used = int(self.layout["used"].sum())
        return (f"TemporalAggregation({self.name}, n={self.endog.size}, observed={int(np.isfinite(self.endog).sum())}, "
                f"aggregates={used} used + {self.n_redundant} redundant, " + ", ".join(parts) + ")")
