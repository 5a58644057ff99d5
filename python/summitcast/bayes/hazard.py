"""Discrete-time hazard model of recurring events (Beck, Katz & Tucker 1998).

Every month is a Bernoulli trial: ``h_t = P(event in month t | no event yet
in this spell) = F(alpha + x_t' beta + s(d_t))`` where ``d_t`` is the number
of months since the previous event (duration dependence).  ``s`` is a cubic
polynomial in ``d`` (Carter & Signorino 2010) or a restricted (natural)
cubic spline (Beck, Katz & Tucker 1998; Harrell's basis).  The probability of
at least one event within the next H months is ``1 - prod_{t=1..H} (1 - h_t)``,
and each posterior draw of the coefficients gives one draw of it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._common.time import as_dates, as_monthly_index, future_months
from .._common.validation import as_float_array, check_choice, check_int
from ._inputs import as_design
from .logit import Logit
from .posterior import hdi
from .priors import Prior
from .._common.exceptions import DataWarning

__all__ = ["at_risk_panel", "time_terms", "DiscreteHazard"]


def _monthly(values: object, name: str) -> pd.PeriodIndex:
    """Monthly periods for the panel's internal month arithmetic (the edge
    converts back to the month-start DatetimeIndex of ``summitcast._common.time``)."""
    if isinstance(values, pd.PeriodIndex) and values.hasnans:
        raise ValueError(f"{name} contains a missing month (NaT)")
    return as_monthly_index(values, name, consecutive=False).to_period("M")


def _event_months(event_dates: object) -> pd.PeriodIndex:
    return as_dates(event_dates, "event_dates").to_period("M")


TIME_TERMS = ("cubic", "spline")


def _check_knots(knots: object) -> np.ndarray:
    """Spline knots: at least three, finite and strictly increasing (months)."""
    k = as_float_array(knots, "knots", 1)
    if k.size < 3 or np.any(np.diff(k) <= 0):
        raise ValueError(f"knots must be at least 3 strictly increasing positions in months, got {k.tolist()}")
    return k


def spline_knots(durations: np.ndarray, n_knots: int) -> np.ndarray:
    """Knots at Harrell's recommended quantiles of the observed durations."""
    probs = {3: [0.10, 0.5, 0.90], 4: [0.05, 0.35, 0.65, 0.95], 5: [0.05, 0.275, 0.5, 0.725, 0.95]}
    if n_knots not in probs:
        raise ValueError(f"knots must be 3, 4 or 5 (or an explicit list), got {n_knots!r}")
    knots = np.unique(np.quantile(durations, probs[n_knots]))
    if knots.size < 3:
        raise ValueError(f"durations take too few distinct values for a {n_knots}-knot spline")
    return knots


def time_terms(duration: np.ndarray, kind: str = "cubic", knots: np.ndarray | None = None) -> pd.DataFrame:
    """Duration-dependence terms for durations ``d`` (months since the last event).

    ``kind="cubic"``: d, d^2, d^3 with d in years (d_months / 12), which keeps
    the columns of comparable size.  ``kind="spline"``: Harrell's restricted
    cubic spline with the given knots (in months): d and K - 2 terms
    ``[(d - k_j)_+^3 - (d - k_{K-1})_+^3 (k_K - k_j)/(k_K - k_{K-1})
    + (d - k_K)_+^3 (k_{K-1} - k_j)/(k_K - k_{K-1})] / (k_K - k_1)^2``,
    linear beyond the outer knots.
    """
    d = as_float_array(duration, "duration", 1, min_size=0)
    kind = check_choice(kind, "kind", TIME_TERMS)
    if kind == "cubic":
        years = d / 12.0
        return pd.DataFrame({"duration": years, "duration^2": years**2, "duration^3": years**3})
    # the restricted cubic spline
    if knots is None:
        raise ValueError("knots must be given for kind='spline'")
    k = _check_knots(knots)
    K = k.size
    cols = {"duration": d / 12.0}
    pos = lambda v: np.clip(v, 0.0, None) ** 3  # noqa: E731
    for j in range(K - 2):
        term = (
            pos(d - k[j])
            - pos(d - k[K - 2]) * (k[K - 1] - k[j]) / (k[K - 1] - k[K - 2])
            + pos(d - k[K - 1]) * (k[K - 2] - k[j]) / (k[K - 1] - k[K - 2])
        )
        cols[f"duration_spline{j + 1}"] = term / (k[K - 1] - k[0]) ** 2
    return pd.DataFrame(cols)


def at_risk_panel(
    index: object,
    event_dates: object,
    covariates: pd.DataFrame | None = None,
    time: str = "cubic",
    knots: int | list[float] = 3,
) -> pd.DataFrame:
    """Build the monthly at-risk panel of a recurring event.

    Parameters
    ----------
    index : DatetimeIndex, PeriodIndex or dates
        The months of the panel (consecutive; converted to monthly periods).
    event_dates : dates
        Dates of every event.  Events before the first month set the initial
        duration; without one, durations count from the first month (the
        spell is left-censored there).  Several events in one month count
        once; events after the last month are ignored -- both with a
        ``DataWarning`` giving the count.
    covariates : DataFrame, optional
        Monthly predictors indexed by dates or monthly periods covering every
        month of ``index`` (lag them beforehand if they must be known in advance).
    time : {"cubic", "spline"}
        Duration-dependence terms (see :func:`time_terms`).
    knots : int or list of float
        Number of spline knots (3-5, at quantiles of the durations) or their
        positions in months.

    Returns
    -------
    DataFrame
        Indexed by month: ``event`` (0/1), ``months_since_event`` (d >= 1:
        1 in the month after an event), the time terms and the covariates.
        ``attrs`` records the knots and the spline kind for forecasting.
    """
    time = check_choice(time, "time", TIME_TERMS)
    if covariates is not None and not isinstance(covariates, pd.DataFrame):
        raise TypeError(f"covariates must be a DataFrame indexed by month, got {type(covariates).__name__}")
    months = _monthly(index, "index")
    if len(months) == 0:
        raise ValueError("index must contain at least one month")
    expected = pd.period_range(months.min(), months.max(), freq="M")
    if len(expected) != len(months) or not (months == expected).all():
        raise ValueError("index must be consecutive months in increasing order without duplicates")
    events = _event_months(event_dates).sort_values()
    if len(events) == 0:
        raise ValueError("event_dates must contain at least one event")
    n_dup = int(events.duplicated().sum())
    if n_dup:
        warnings.warn(f"{n_dup} event(s) share a month with another and count once", DataWarning, stacklevel=2)
    events = events.unique()
    after = int((events > months[-1]).sum())
    if after:
        warnings.warn(f"{after} event(s) after the panel's last month are ignored", DataWarning, stacklevel=2)
    event_set = set(events[(events >= months[0]) & (events <= months[-1])])
    before = events[events < months[0]]
    # months since the last event, 1 in the month after it
    duration = np.empty(len(months))
    last = before.max() if len(before) else None
    for i, m in enumerate(months):
        duration[i] = (m - last).n if last is not None else i + 1
        if m in event_set:
            last = m
    frame = pd.DataFrame(
        {"event": [int(m in event_set) for m in months], "months_since_event": duration}, index=months
    )
    if time == "spline":
        k = _check_knots(knots) if np.ndim(knots) else spline_knots(duration, check_int(knots, "knots", 3, 5))
    else:
        k = None
    terms = time_terms(duration, time, k)
    terms.index = months
    frame = frame.join(terms)
    if covariates is not None:
        cov = covariates.copy()
        cov.index = _monthly(cov.index, "covariates.index")
        if cov.index.duplicated().any():
            raise ValueError("covariates has duplicate months")
        clash = [c for c in cov.columns if c in frame.columns]
        if clash:
            raise ValueError(f"covariates columns {clash} clash with the panel's own columns")
        missing = months.difference(cov.index)
        if len(missing):
            raise ValueError(f"covariates lacks {len(missing)} month(s) of the panel, first {missing[0]}")
        cov = cov.loc[months]
        as_design(cov, "covariates")  # numeric and finite, or a ValueError naming the column and month
        frame = frame.join(cov)
    frame.index = pd.DatetimeIndex(months.to_timestamp(), freq="MS", name="month")
    frame.attrs["time"] = time
    frame.attrs["knots"] = None if k is None else [float(v) for v in k]
    return frame


class DiscreteHazard(Logit):
    """Bayesian discrete-time hazard model (a logit on the at-risk panel).

    Parameters
    ----------
    index : DatetimeIndex or PeriodIndex
        Months of the history.
    event_dates : dates
        When the events happened.
    covariates : DataFrame, optional
        Monthly predictors (see :func:`at_risk_panel`).
    time : {"cubic", "spline"}
        Duration dependence (default cubic polynomial).
    knots : int or list
        Spline knots.
    link, prior, prior_intercept, standardize
        As for :class:`Logit`.

    Notes
    -----
    ``model.panel`` is the panel the logit is fitted on.  Use
    :meth:`prob_within` (or ``posterior.prob_within``) for the probability of
    an event within the next H months.
    """

    def __init__(
        self,
        index: object,
        event_dates: object,
        covariates: pd.DataFrame | None = None,
        time: str = "cubic",
        knots: int | list[float] = 3,
        link: str = "logit",
        prior: Prior | None = None,
        prior_intercept: Prior | None = None,
        *,
        standardize: bool = True,
    ) -> None:
        panel = at_risk_panel(index, event_dates, covariates, time, knots)
        self.panel = panel
        self.time = time
        self.knots = panel.attrs.get("knots")
        self.covariate_names = [] if covariates is None else [str(c) for c in covariates.columns]
        features = panel.drop(columns=["event", "months_since_event"])
        super().__init__(
            features, panel["event"], link=link, prior=prior, prior_intercept=prior_intercept, standardize=standardize
        )

    def sample(self, *args: Any, dense_metric: bool = True, **kwargs: Any) -> Any:
        """NUTS as :meth:`Logit.sample`, but with a dense metric by default: the
        duration terms d, d^2, d^3 (or spline terms) are strongly correlated,
        which a diagonal metric handles with long trajectories (about 8x more
        gradients per draw on a simulated 200-year history)."""
        return super().sample(*args, dense_metric=dense_metric, **kwargs)

    def future_design(self, horizon: int, covariates: pd.DataFrame | None = None) -> pd.DataFrame:
        """The predictors of the ``horizon`` months after the panel, one row per month.

        The spell continues from the panel's last month: durations keep
        growing while no event happens (the design of the *first* event
        ahead).  ``covariates`` gives the future monthly predictors (indexed by
        month); by default the last observed values are held.
        """
        horizon = check_int(horizon, "horizon", 1)
        months = future_months(self.panel.index[-1], horizon, "horizon")
        if covariates is not None and not isinstance(covariates, pd.DataFrame):
            raise TypeError(f"covariates must be a DataFrame indexed by month, got {type(covariates).__name__}")
        terms = self._future_time_terms(horizon)
        terms.index = months
        if self.covariate_names:
            if covariates is None:
                # hold the last observed covariates constant
                cov = pd.DataFrame(
                    np.repeat(self.panel[self.covariate_names].iloc[[-1]].to_numpy(), horizon, axis=0),
                    index=months,
                    columns=self.covariate_names,
                )
            else:
                cov = covariates.copy()
                cov.index = as_monthly_index(cov.index, "covariates.index", consecutive=False)
                missing = months.difference(cov.index)
                if len(missing):
                    raise ValueError(f"covariates lacks {len(missing)} forecast month(s), first {missing[0]}")
                absent = [c for c in self.covariate_names if c not in map(str, cov.columns)]
                if absent:
                    raise ValueError(f"covariates lacks the model's column(s) {absent}")
                cov = cov.rename(columns=str).loc[months, self.covariate_names]
                # numeric and finite (booleans as 0/1), or an error naming the column and month
                cov = pd.DataFrame(as_design(cov, "covariates").values, index=months, columns=self.covariate_names)
            terms = terms.join(cov)
        return terms[self.exog_names]

    def _future_time_terms(self, horizon: int) -> pd.DataFrame:
        last = self.panel.iloc[-1]
        d0 = 1.0 if last["event"] == 1 else last["months_since_event"] + 1.0
        return time_terms(d0 + np.arange(horizon), self.time, None if self.knots is None else np.asarray(self.knots))

    def hazard_paths(self, posterior: Any, covariate_paths: Any = None, horizon: int | None = None) -> np.ndarray:
        """Monthly hazards of the first event ahead, for every posterior draw and covariate path.

        Parameters
        ----------
        posterior : Posterior
            A posterior of this model.
        covariate_paths : mapping or array, optional
            Future covariates along simulated paths: a mapping from each of
            the model's covariate names to an array (n_paths, horizon) (or a
            :class:`~summitcast._common.paths.ForecastPaths`), or one array
            (n_paths, horizon, n_covariates) in ``covariate_names`` order.
            Without it, the last observed covariates are held (one path).
        horizon : int, optional
            Months ahead; inferred from ``covariate_paths`` when given.

        Returns
        -------
        ndarray
            h[s, p, t] for draw s, path p and month t = 1..horizon: shape
            (n_samples, n_paths, horizon).
        """
        X = self._path_design(covariate_paths, horizon)
        return self.predict_draws(posterior, X)

    def prob_within_paths(self, posterior: Any, covariate_paths: Any = None, horizon: int | None = None) -> np.ndarray:
        """P(at least one event within 1..t months) = 1 − Π_{u ≤ t} (1 − h_u), for
        every draw, path and month: shape (n_samples, n_paths, horizon)
        (arguments as :meth:`hazard_paths`)."""
        hazard = self.hazard_paths(posterior, covariate_paths, horizon)
        return -np.expm1(np.cumsum(np.log1p(-hazard), axis=-1))

    def _path_design(self, covariate_paths: Any, horizon: int | None) -> np.ndarray:
        """(n_paths, horizon, k) predictors in ``exog_names`` order."""
        if covariate_paths is None:
            if horizon is None:
                raise ValueError("horizon must be given when covariate_paths is not")
            return self.future_design(horizon).to_numpy()[None, :, :]
        names = self.covariate_names
        if isinstance(covariate_paths, dict) or hasattr(covariate_paths, "keys"):
            missing = [c for c in names if c not in covariate_paths]
            if missing:
                raise ValueError(f"covariate_paths lacks the model's covariate(s) {missing}")
            arrays = []
            for c in names:
                value = covariate_paths[c]
                value = value.values if hasattr(value, "values") and hasattr(value, "n_paths") else value
                arrays.append(as_float_array(value, f"covariate_paths[{c!r}]", 2))
            shapes = {a.shape for a in arrays}
            if len(shapes) > 1:
                raise ValueError(f"covariate_paths arrays must share one shape (paths, months), got {sorted(shapes)}")
            cov = np.stack(arrays, axis=-1) if arrays else None
        else:
            cov = as_float_array(covariate_paths, "covariate_paths", 3)
            if cov.shape[-1] != len(names):
                raise ValueError(f"covariate_paths must have {len(names)} covariates {names} on its last axis, "
                                 f"got shape {cov.shape}")
        if cov is None:
            raise ValueError("covariate_paths was given but the model has no covariates")
        n_paths, steps = cov.shape[0], cov.shape[1]
        if horizon is not None and check_int(horizon, "horizon", 1) != steps:
            raise ValueError(f"horizon is {horizon} but covariate_paths covers {steps} months")
        terms = self._future_time_terms(steps)
        columns = {name: np.broadcast_to(terms[name].to_numpy(), (n_paths, steps)) for name in terms.columns}
        columns.update({name: cov[:, :, j] for j, name in enumerate(names)})
        return np.stack([columns[name] for name in self.exog_names], axis=-1)

    def prob_within(
        self,
        posterior: Any,
        horizon: int,
        covariates: pd.DataFrame | None = None,
        hdi_prob: float = 0.94,
        return_draws: bool = False,
    ) -> pd.DataFrame | np.ndarray:
        """Posterior of P(at least one event within 1..horizon months after the panel).

        The spell continues from the panel's last month (durations keep
        growing while no event happens).  ``covariates`` gives the future
        monthly predictors; by default the last observed values are held.

        Returns a DataFrame indexed by forecast month with ``hazard`` (posterior
        mean monthly hazard) and the cumulative probability's ``mean``, ``sd``
        and ``lower``/``upper`` (the ``hdi_prob`` highest-density interval); or,
        with ``return_draws=True``, the (n_samples, horizon) array of
        cumulative probabilities.
        """
        future = self.future_design(horizon, covariates)
        hazard = self.predict_draws(posterior, future.to_numpy())  # S x H
        cumulative = -np.expm1(np.cumsum(np.log1p(-hazard), axis=1))
        if return_draws:
            return cumulative
        intervals = np.array([hdi(cumulative[:, t], hdi_prob) for t in range(cumulative.shape[1])])
        frame = pd.DataFrame(
            {
                "hazard": hazard.mean(axis=0),
                "mean": cumulative.mean(axis=0),
                "sd": cumulative.std(axis=0, ddof=1),
                "lower": intervals[:, 0],
                "upper": intervals[:, 1],
            },
            index=future.index,
        )
        frame.attrs["hdi_prob"] = hdi_prob
        return frame
