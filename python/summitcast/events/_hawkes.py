"""Hawkes processes with exponential kernels — the user API.

λ_i(t) = μ_i + Σ_j Σ_u α_iju Σ_{t^j_k < t} β_u exp(−β_u (t − t^j_k)); α is the
branching ratio (expected direct offspring), β the decay (1/β the mean lag
of a triggered event).  See ``cpp/include/summitcast/events/hawkes_model.hpp``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common import persist
from .._common.exceptions import BoundaryWarning, ConvergenceWarning
from .._common.persist import decode_floats, encode_floats
from .._common.paths import ForecastPaths
from .._common.seeds import check_seed
from .._common.inference import coefficient_table, covariance_from_hessian, standard_errors, wald_intervals
from .._common.summary import HtmlSummary, Summary
from .._common.time import as_month, future_months
from .._common.validation import (
    MAX_COUNT,
    as_float_array,
    as_param_vector,
    check_allocation,
    check_choice,
    check_float,
    check_int,
)
from ._times import EventTimes, as_event_times


#: exponential components of a kernel beyond this are refused (each adds a
#: decay and D² branching ratios; a dozen is already far beyond identifiable)
MAX_EXPONENTIALS = 64
#: the core refuses to simulate more events than these in one path: of the
#: whole process (sample_events) and of a forecast window or months ahead
MAX_SIMULATED_EVENTS = 5e7
MAX_WINDOW_EVENTS = 1e7


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for the Kolmogorov distribution (limit of √n·D_n)."""
    if x <= 0:
        return 1.0
    if x < 1.0:
        # Jacobi-theta form, fast for small x: P(K <= x) = √(2π)/x Σ_k exp(−(2k−1)²π²/(8x²)).
        s = sum(math.exp(-((2 * k - 1) ** 2) * math.pi**2 / (8 * x * x)) for k in range(1, 50))
        return 1.0 - math.sqrt(2 * math.pi) / x * s
    return max(0.0, 2.0 * sum((-1) ** (k - 1) * math.exp(-2.0 * k * k * x * x) for k in range(1, 100)))


def ks_exponential(residuals: np.ndarray) -> tuple[float, float]:
    """Two-sided KS statistic of ``residuals`` against Exp(1) and its asymptotic p-value."""
    x = np.sort(as_float_array(residuals, "residuals", 1))
    n = len(x)
    F = -np.expm1(-x)
    i = np.arange(1, n + 1)
    d = max(np.max(i / n - F), np.max(F - (i - 1) / n))
    return float(d), kolmogorov_sf(math.sqrt(n) * d)


def _fixed_decays(decays: Any, names: list[str]) -> np.ndarray:
    """The decays held fixed in a fit: one positive value per exponential
    (``names``).  A single number for a single exponential, the common case,
    is checked as a scalar: the array checks cost a tenth of a fit of 10⁴
    events."""
    if isinstance(decays, numbers.Real) and len(names) == 1:
        dec = np.array([check_float(decays, "decays")])
    else:
        dec = as_param_vector(np.atleast_1d(as_float_array(decays, "decays", (0, 1))), "decays", names)
    if not np.all(dec > 0):
        raise ValueError(f"decays must be positive, got {dec.tolist()}")
    return dec


class Hawkes:
    """Hawkes process with an exponential (or sum-of-exponentials) kernel.

    Parameters
    ----------
    kernel : {"exp"}
        Exponential kernels α β e^{−βs}; ``n_exp`` > 1 gives a sum of
        exponentials with decays β_1 < … < β_U shared by all pairs.
    n_exp : int, default 1
        Number of exponential components.

    Notes
    -----
    Maximum likelihood over μ, α and the decays β (unless ``decays`` is given
    to :meth:`fit`), with stationarity enforced: Σα < 1 (univariate) or the
    spectral radius of the branching matrix below one.
    """

    def __init__(self, kernel: str = "exp", n_exp: int = 1) -> None:
        self.kernel = check_choice(kernel, "kernel", ("exp",))
        self.n_exp = check_int(n_exp, "n_exp", 1, MAX_EXPONENTIALS)

    def param_names(self, dims: list[str], multivariate: bool) -> list[str]:
        U = self.n_exp
        sfx = (lambda u: "") if U == 1 else (lambda u: f"_{u + 1}")
        if not multivariate:
            return ["mu"] + [f"alpha{sfx(u)}" for u in range(U)] + [f"beta{sfx(u)}" for u in range(U)]
        names = [f"mu[{d}]" for d in dims]
        names += [f"alpha{sfx(u)}[{i}<-{j}]" for i in dims for j in dims for u in range(U)]
        names += [f"beta{sfx(u)}" for u in range(U)]
        return names

    def loglike(self, times: Any, params: Any, end_time: Any = None, start_time: Any = None) -> tuple[float, np.ndarray]:
        """Log-likelihood and gradient at ``params`` (natural scale, order of :meth:`param_names`)."""
        ev = as_event_times(times, end_time, start_time)
        p = as_param_vector(params, "params", self.param_names(ev.names, ev.multivariate))
        ll, grad = _core.events.hawkes_loglike(ev.times, ev.end_time, p, self.n_exp)
        return float(ll), np.asarray(grad)

    def fit(
        self,
        times: Any,
        end_time: Any = None,
        start_time: Any = None,
        decays: Any = None,
        start_params: Any = None,
        time_unit: str = "D",
        maxiter: int = 500,
    ) -> "HawkesResults":
        """Fit by maximum likelihood.

        Parameters
        ----------
        times : array-like, or list/dict of array-like
            Event times, floats or pandas timestamps: one array (univariate)
            or one per dimension.  Each must be strictly increasing (no ties)
            and inside the observation window.
        end_time, start_time : float or timestamp, optional
            The observation window [start_time, end_time].  Defaults: 0 (floats)
            or the first event (timestamps), and the last event.
        decays : float or array-like, optional
            Fix the decays β instead of estimating them (must be positive).
        start_params : array-like, optional
            Starting values; explosive values (branching ratio >= 1) raise ValueError.
        time_unit : str, default "D"
            The unit of the float clock for timestamps (rates are per unit).
        """
        ev = as_event_times(times, end_time, start_time, time_unit)
        names = self.param_names(ev.names, ev.multivariate)
        dec = None if decays is None else _fixed_decays(decays, names[len(names) - self.n_exp:])
        free = len(names) - (self.n_exp if dec is not None else 0)
        n_events = sum(len(t) for t in ev.times)
        if n_events <= free:
            raise ValueError(f"times has {n_events} event(s): too few events to fit the {free} free parameters of a Hawkes "
                             f"process with {len(ev.names)} dimension(s) and n_exp={self.n_exp} (need at least "
                             f"{free + 1})")
        start = None if start_params is None else as_param_vector(start_params, "start_params", names)
        maxiter = check_int(maxiter, "maxiter", 1, MAX_COUNT)
        out = _core.events.hawkes_fit(ev.times, ev.end_time, self.n_exp, decays=dec, start_params=start, max_iterations=maxiter)
        return HawkesResults(self, ev, out, fixed_decays=dec is not None)


class HawkesResults(HtmlSummary):
    """Results of :meth:`Hawkes.fit`."""

    def __init__(self, model: Hawkes, events: EventTimes, out: dict[str, Any], fixed_decays: bool) -> None:
        self.model = model
        self._out = out  # the compiled fit's output, as saved by save()
        self.events = events
        self.fixed_decays = fixed_decays
        # The pandas views (params, gradient, branching_matrix) are built on
        # first use: building them cost more than the compiled fit itself.
        theta = np.asarray(out["params"])
        self._theta_values = theta
        self.llf = float(out["value"])
        self.n_events = int(out["n_events"])
        self.converged = bool(out["converged"])
        self.optimizer_message = str(out["message"])
        self.branching_ratio = float(out["spectral_radius"])
        self._k_free = np.shape(out["hessian"])[0]  # the fixed decays (if any) come last and have no row
        D, U = len(events.names), model.n_exp
        alpha_total = float(theta[D : D + D * D * U].sum())
        self.at_boundary: list[str] = []
        if self.branching_ratio > 0.99:
            self.at_boundary.append("branching_ratio")
        if alpha_total < 1e-3:
            self.at_boundary.append("alpha")
        betas = theta[len(theta) - U :]
        rate = self.n_events / events.end_time
        if not fixed_decays and (np.any(betas * events.end_time < 1.0) or np.any(betas > 1e6 * rate)):
            self.at_boundary.append("beta")
        if not self.converged:
            warnings.warn(f"Hawkes fit did not converge: {self.optimizer_message}", ConvergenceWarning, stacklevel=3)
        if self.at_boundary:
            why = {
                "branching_ratio": f"the fitted branching ratio {self.branching_ratio:.4f} is at the stationarity "
                                   "boundary (1): the process is (nearly) explosive; estimates and standard errors are "
                                   "unreliable",
                "alpha": "the fitted excitation alpha is at its boundary 0: the events look like a Poisson process and "
                         "the decay beta is not identified",
                "beta": f"a fitted decay beta ({betas.tolist()}) is at its boundary: slower than the observation window "
                        "(beta * end_time < 1) or faster than any gap between events; the kernel is not identified (the "
                        "events may be closer to a Poisson process)",
            }
            for where in self.at_boundary:
                warnings.warn(why[where], BoundaryWarning, stacklevel=3)

    # -- quantities ---------------------------------------------------------------
    @cached_property
    def _names(self) -> pd.Index:
        """One index shared by every per-parameter Series."""
        return pd.Index(self.model.param_names(self.events.names, self.events.multivariate))

    @cached_property
    def params(self) -> pd.Series:
        """The estimates on the natural scale (fixed decays included)."""
        return pd.Series(self._theta_values, index=self._names, name="params")

    @cached_property
    def gradient(self) -> pd.Series:
        """∂ℓ/∂θ at the estimates."""
        return pd.Series(np.asarray(self._out["gradient"]), index=self._names)

    @cached_property
    def branching_matrix(self) -> pd.DataFrame:
        """A_ij = Σ_u α_iju: expected type-i events triggered directly by one type-j event."""
        D, U = len(self.events.names), self.model.n_exp
        A = self._theta_values[D : D + D * D * U].reshape(D, D, U).sum(axis=2)
        dims = pd.Index(self.events.names)
        return pd.DataFrame(A, index=dims, columns=dims)

    @cached_property
    def _variances(self) -> np.ndarray:
        hess = np.asarray(self._out["hessian"])
        return np.r_[np.diag(covariance_from_hessian(hess)), np.full(len(self._names) - self._k_free, np.nan)]

    @property
    def bse(self) -> pd.Series:
        """Standard errors (NaN, with a ``BoundaryWarning``, where undefined;
        NaN with its reason in ``attrs`` for decays held fixed)."""
        names = list(self.params.index)
        return standard_errors(self._variances, names, fixed=names[self._k_free:])

    @property
    def k_params(self) -> int:
        """Estimated parameters (fixed decays excluded)."""
        return self._k_free

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self._k_free

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals on the natural scale."""
        return wald_intervals(self.params, self.bse, alpha)

    def _theta(self) -> np.ndarray:
        return self._theta_values

    def intensity(self, at: Any) -> pd.Series | pd.DataFrame:
        """Conditional intensity λ(t) (left limit) at times ``at`` (same kind as the fitted times)."""
        t = self.events.to_float(at)
        if (t < 0).any():
            raise ValueError(f"at must lie at or after the start of the observation window, got {at!r}")
        lam = np.asarray(_core.events.hawkes_intensity(self.events.times, self.events.end_time, self._theta(), self.model.n_exp, t))
        index = pd.Index(np.atleast_1d(at) if self.events.origin is None else pd.to_datetime(np.atleast_1d(at)), name="at")
        if not self.events.multivariate:
            return pd.Series(lam[0], index=index, name="intensity")
        return pd.DataFrame(lam.T, index=index, columns=self.events.names)

    def compensator(self) -> list[np.ndarray]:
        """Λ_i(t) at each event of each dimension."""
        return [np.asarray(c) for c in _core.events.hawkes_compensator(self.events.times, self.events.end_time, self._theta(), self.model.n_exp)]

    def residuals(self) -> np.ndarray | dict[str, np.ndarray]:
        """Time-rescaled inter-event times Λ_i(t_k) − Λ_i(t_{k−1}): i.i.d. Exp(1) under the model."""
        res = [np.diff(np.r_[0.0, c]) for c in self.compensator()]
        return res[0] if not self.events.multivariate else dict(zip(self.events.names, res))

    def ks_test(self) -> pd.Series:
        """Kolmogorov–Smirnov test of the pooled residuals against Exp(1) (asymptotic p-value)."""
        r = self.residuals()
        pooled = r if isinstance(r, np.ndarray) else np.concatenate(list(r.values()))
        stat, p = ks_exponential(pooled)
        return pd.Series({"statistic": stat, "pvalue": p, "n": float(len(pooled))}, name="ks_test")

    def prob_event_within(self, window: Any, at: Any = None, paths: int = 10000,
                          seed: int | None = None) -> "EventWindowForecast":
        """Predictive distribution of events in (at, at + window] given the history up to ``at``.

        ``at`` defaults to the end of the observation window.  P(at least one
        event) of any type is exact; per-dimension probabilities and the count
        distribution come from ``paths`` seeded Ogata simulations.
        """
        w = self.events.to_duration(window)
        paths = check_int(paths, "paths", 1, MAX_COUNT)
        check_allocation("the simulated window counts", paths=paths, dimensions=len(self.events.names))
        seed = check_seed(seed)
        t0 = self.events.end_time if at is None else self._one_time(at, "at")
        if t0 < 0:
            raise ValueError(f"at must lie at or after the start of the observation window, got {at!r}")
        self._check_expected_events(w, "window", MAX_WINDOW_EVENTS)
        p_any, counts = _core.events.hawkes_window(
            self.events.times, self.events.end_time, self._theta(), self.model.n_exp, t0, w, int(paths), int(seed)
        )
        return EventWindowForecast(float(p_any), np.asarray(counts), self.events.names, w)

    def sample_events(self, end_time: Any, seed: int | None = None) -> Any:
        """Simulate the fitted process afresh on [0, end_time] (Ogata thinning, seeded).

        ``end_time`` is on the fitted clock (a float, or a timestamp for
        timestamp input); returns event times of the same kind.
        """
        T = self._one_time(end_time, "end_time")
        if not T > 0:
            raise ValueError(f"end_time must be after the start of the window, got {end_time!r}")
        self._check_expected_events(T, "end_time", MAX_SIMULATED_EVENTS)
        D = len(self.events.names)
        ev = _core.events.hawkes_simulate(self._theta(), D, self.model.n_exp, T, check_seed(seed))
        out = [self.events.from_float(np.asarray(e, dtype=float)) for e in ev]
        return out[0] if not self.events.multivariate else dict(zip(self.events.names, out))

    def simulate(self, steps: int, paths: int = 1000, seed: int | None = None,
                 dimension: str | None = None) -> ForecastPaths:
        """Monthly counts of events in the ``steps`` months after the data.

        Each path continues the fitted process from the whole history (Ogata
        thinning), so excitation carries over from month to month; the months
        are the calendar months after the one containing the end of the
        observation window (events between that end and the first forecast
        month are simulated but not counted).  Needs event times given as
        dates.  ``dimension`` picks one type of a multivariate process
        (default: every type together).
        """
        steps = check_int(steps, "steps", 1, MAX_COUNT)
        paths = check_int(paths, "paths", 1, MAX_COUNT)
        check_allocation("the simulated monthly counts", paths=paths, steps=steps, dimensions=len(self.events.names))
        seed = check_seed(seed)
        if self.events.origin is None:
            raise ValueError(
                "simulate(steps) counts events per calendar month and needs event times given as dates; "
                "with a float clock use prob_event_within(window)"
            )
        names = self.events.names
        if dimension is not None:
            check_choice(dimension, "dimension", names)
        # the window's end as a timestamp (rounded: the float clock carries rounding error)
        end = pd.Timestamp(self.events.from_float(np.array([self.events.end_time]))[0]).round("1ms")
        last_observed = as_month(end - pd.Timedelta(1, "ns"), "end_time")  # the month the window ends in
        months = future_months(last_observed, steps)
        horizon = float(self.events.to_float(months[-1:] + pd.offsets.MonthBegin(1))[0]) - self.events.end_time
        self._check_expected_events(horizon, "steps", MAX_WINDOW_EVENTS)
        starts = self.events.to_float(months.append(future_months(months[-1], 1)))  # steps + 1 month starts
        gap = starts[0] > self.events.end_time  # the window ends inside a month: simulate the rest of it
        edges = np.r_[self.events.end_time, starts] if gap else np.r_[self.events.end_time, starts[1:]]
        counts = np.asarray(_core.events.hawkes_binned(
            self.events.times, self.events.end_time, self._theta(), self.model.n_exp, edges, paths, seed
        )).reshape(paths, steps + int(gap), len(names))[:, int(gap):]
        pick = counts.sum(axis=2) if dimension is None else counts[:, :, names.index(dimension)]
        label = dimension if dimension is not None else ("events" if not self.events.multivariate else "events (all types)")
        return ForecastPaths(pick, months, label, kind="count", seed=seed)

    def _one_time(self, value: Any, name: str) -> float:
        t = self.events.to_float(value, name)
        if t.size != 1:
            raise ValueError(f"{name} must be one time, got {t.size}")
        return float(t[0])

    def _check_expected_events(self, span: float, name: str, cap: float) -> None:
        """Refuse a simulation over ``span`` time units that would draw more
        events per path than the core's ``cap``, naming the argument that asked
        for it (the stationary rate is 1'(I − A)^{-1} μ)."""
        if self.branching_ratio >= 1.0:
            return  # not stationary: the core's own cap stops the simulation
        D = len(self.events.names)
        rate = float(np.sum(np.linalg.solve(np.eye(D) - self.branching_matrix.to_numpy(), self._theta()[:D])))
        expected = span * rate
        if not expected < cap:
            raise ValueError(f"{name}: the simulation would draw about {expected:.3g} events per path (more than "
                             f"{cap:.0e}); simulate a shorter span")

    # -- persistence ---------------------------------------------------------------
    #: ``kind`` of the saved document (a key of ``summitcast._common.persist.LOADERS``).
    save_kind = "events.HawkesResults"

    def save(self, path: Any) -> None:
        """Write the model, events and fit to a JSON file (read it back with ``summitcast.load``)."""
        persist.save(path, self.save_kind, self.to_payload())

    def to_payload(self) -> dict[str, Any]:
        """The saved document's payload (plain numbers and strings)."""
        ev, out = self.events, self._out
        payload = {
            "model": {"kernel": self.model.kernel, "n_exp": self.model.n_exp},
            "events": {
                "times": [encode_floats(t) for t in ev.times], "end_time": float(ev.end_time), "names": list(ev.names),
                "origin": None if ev.origin is None else ev.origin.isoformat(),
                "unit": None if ev.unit is None else ev.unit.isoformat(), "multivariate": bool(ev.multivariate),
            },
            "fixed_decays": bool(self.fixed_decays),
            "fit": {
                "params": encode_floats(out["params"]), "loglike": float(out["value"]),
                "n_events": int(out["n_events"]), "converged": bool(out["converged"]), "message": str(out["message"]),
                "gradient": encode_floats(out["gradient"]), "spectral_radius": float(out["spectral_radius"]),
                "hessian": encode_floats(out["hessian"]),
            },
        }
        return payload

    # -- presentation --------------------------------------------------------------
    def summary(self, alpha: float = 0.05) -> Summary:
        """Model, fit statistics and the parameter table (text and HTML)."""
        table = coefficient_table(self.params, self.bse, alpha, z=False, pvalues=False)
        info = [
            ("Model", f"Hawkes ({self.model.n_exp} exponential(s), {len(self.events.names)} dimension(s))"),
            ("Events", f"{self.n_events} on [0, {self.events.end_time:.6g}]"),
            ("Log-likelihood", f"{self.llf:.4f}"),
            ("Branching ratio", f"{self.branching_ratio:.4f}"),
            ("Decays", "fixed" if self.fixed_decays else "estimated"),
            ("Converged", f"{self.converged} ({self.optimizer_message})"),
        ]
        notes = [f"Warning: at the parameter-space boundary: {self.at_boundary}"] if self.at_boundary else []
        return Summary("Hawkes process results", info, [("", table)], notes)

    def __repr__(self) -> str:
        return f"<HawkesResults n_events={self.n_events} llf={self.llf:.4f} branching_ratio={self.branching_ratio:.4f}>"

    def plot(self, ax: Any = None, points: int = 2000) -> Any:
        """Fitted intensity over the observation window with the events marked; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        grid = np.linspace(0.0, self.events.end_time, points)
        lam = np.asarray(_core.events.hawkes_intensity(self.events.times, self.events.end_time, self._theta(), self.model.n_exp, grid))
        x = self.events.from_float(grid)
        for i, name in enumerate(self.events.names):
            ax.plot(x, lam[i], lw=1, label=f"λ[{name}]" if self.events.multivariate else "intensity")
            ev = self.events.from_float(self.events.times[i])
            ax.plot(ev, np.zeros(len(self.events.times[i])), "|", ms=8, color=f"C{i}")
        ax.set_ylabel("intensity")
        ax.legend(loc="upper left")
        return ax


def results_from_payload(payload: dict[str, Any]) -> HawkesResults:
    """Rebuild saved Hawkes results (the loader ``summitcast.load`` dispatches to)."""
    model = Hawkes(**payload["model"])
    e = payload["events"]
    events = EventTimes(
        [decode_floats(t, "events.times") for t in e["times"]], float(e["end_time"]), [str(n) for n in e["names"]],
        None if e["origin"] is None else pd.Timestamp(e["origin"]),
        None if e["unit"] is None else pd.Timedelta(e["unit"]), bool(e["multivariate"]),
    )
    fit = payload["fit"]
    out = {key: fit[key] for key in ("n_events", "converged", "message", "spectral_radius")}
    out["value"] = float(fit["loglike"])
    for key in ("params", "gradient", "hessian"):
        out[key] = decode_floats(fit[key], key)
    names = model.param_names(events.names, events.multivariate)
    if out["params"].shape != (len(names),):
        raise ValueError(f"the saved parameters do not match the model's {names}")
    out["params"] = as_param_vector(out["params"], "the saved params", names)
    return HawkesResults(model, events, out, bool(payload["fixed_decays"]))


class EventWindowForecast:
    """Events in a coming window: exact P(any event), simulated per-type probabilities and counts."""

    def __init__(self, prob_any: float, counts: np.ndarray, names: list[str], window: float) -> None:
        self.prob_any = prob_any
        self.window = window
        self.counts = pd.DataFrame(counts, columns=names)

    @property
    def prob_at_least_one(self) -> pd.Series:
        """Per dimension, P(N_i >= 1) estimated from the simulated paths."""
        return (self.counts > 0).mean(axis=0).rename("P(N>=1)")

    @property
    def prob_any_simulated(self) -> float:
        return float((self.counts.sum(axis=1) > 0).mean())

    def count_distribution(self) -> pd.DataFrame:
        """P(N_i = k) by dimension (columns), k = 0..max simulated (rows)."""
        kmax = int(self.counts.to_numpy().max()) if self.counts.size else 0
        return pd.DataFrame(
            {c: np.bincount(self.counts[c].to_numpy(), minlength=kmax + 1) / len(self.counts) for c in self.counts.columns},
            index=pd.RangeIndex(kmax + 1, name="k"),
        )

    def __repr__(self) -> str:
        return f"<EventWindowForecast window={self.window:g} P(any event)={self.prob_any:.4f} paths={len(self.counts)}>"
