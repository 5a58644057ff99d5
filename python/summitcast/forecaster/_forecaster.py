"""SummitForecaster: indicator paths fused with pooled Bayesian hazard and outcome models."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._common.exceptions import ConvergenceWarning
from .._common.seeds import check_seed, child_seed
from .._common.summary import Summary
from .._common.time import future_months, months_between
from .._common.validation import check_alpha, check_bool, check_choice, check_int
from ._features import (DURATION_FEATURES, EXOGENOUS_FEATURES, FEATURE_GROUPS, FEATURES, LONGEST_LOOK_BACK, History,
                        build_history, duration_features, exogenous_features, series_inputs)
from ._forecast import REPORT_HORIZONS, Forecast, weighted_interval
from ._indicators import IndicatorSet, fit_indicators
from ._models import PooledModels, fit_models, mode_settings
from ._persist import restore_state, save_forecaster
from ._recalibration import ForecastMap, check_recalibration, resolve_maps
from ._record import STEP_CLASSES, Record, read_record
from ._scenario import ScenarioResult, apply_inputs, forced_steps, parse_scenario, shift_frame
from ._simulate import Coefficients, SimResult, simulate_first_meeting

__all__ = ["MAX_HORIZON", "SummitForecaster", "results_from_payload"]

#: Longest horizon (months) a forecast may ask for: beyond ten years the
#: record's regularities (leaders, crises, the series' rules) say nothing.
MAX_HORIZON = 120
MODES = ("fast", "full")
#: Posterior draws and paths the fusion uses by default, and the subsets the
#: driver attribution reruns on (its shifts are differences of runs with
#: common random numbers, so a subset suffices).
DEFAULT_DRAWS = {"fast": 500, "full": 1000}
DRIVER_DRAWS, DRIVER_PATHS = 200, 50


class SummitForecaster:
    """How likely a meeting of a summit series is held within each coming month.

    Parameters
    ----------
    series : str
        The series to forecast (a key of the data's ``series`` table, e.g.
        ``"trilateral"``, ``"japan_korea_visits"``).  Every series of the data
        is fitted together (the models pool across them); ``forecast`` can
        be asked for any of them.
    mode : {"fast", "full"}
        ``"fast"``: Laplace approximations corrected by adaptive importance
        sampling with Pareto-smoothed weights (seconds;
        :mod:`summitcast.bayes.adaptive`); ``"full"``: NUTS.
    paths : int
        Simulated indicator paths per posterior draw.
    draws : int, optional
        Posterior draws used by the fusion (default 500 in fast mode, 1000
        in full mode, where they are split over the chains, each with as
        many warm-up iterations, at least 100).
    chains : int
        NUTS chains in full mode (default 4).
    indicator_models : dict, optional
        Input name or type (``"launches"``, ``"nuclear_tests"``, ``"crisis"``,
        ``"trade"``, ``"leader"``, ``"election"``) → model kind
        (``"ingarch"``, ``"bernoulli"``, ``"hawkes"``, ``"persistence"``,
        ``"statespace"``); see :mod:`summitcast.forecaster._indicators`.
    progress : bool, optional
        Progress bars of the samplers (default: on a terminal or in Jupyter).
    recalibration : "bundled", DataFrame or None
        The map every reported probability goes through, g(p) = expit(a + b
        logit p), read at the as-of month for the forecast series from maps
        learned without look-ahead on the forecaster's own backtest
        (:mod:`summitcast.forecaster._recalibration`).  ``"bundled"``: the
        table shipped for the bundled record (used only on data holding its
        meetings; otherwise the forecasts are left unmapped, with a note);
        a DataFrame: the ``maps`` of
        ``summitcast.evaluate.recalibrate_backtest(..., by=())`` (per series
        with ``series_shift`` and ``series_slope``, or pooled); None: the
        model's own probabilities.

    Notes
    -----
    The data is the bundled record (``summitcast.datasets.load_trilateral()``)
    or any object with the same tables; :mod:`summitcast.forecaster._record`
    lists the tables and columns used.  Features and models are described in
    :mod:`summitcast.forecaster._features` and :mod:`~summitcast.forecaster._models`;
    the fusion in :mod:`~summitcast.forecaster._simulate`.

    Examples
    --------
    >>> import summitcast as sc
    >>> fc = sc.SummitForecaster().fit(sc.datasets.load_trilateral(), seed=1)  # doctest: +SKIP
    >>> fc.forecast(24).summary()  # doctest: +SKIP
    """

    def __init__(self, series: str = "trilateral", mode: str = "fast", paths: int = 100, draws: int | None = None,
                 chains: int = 4, indicator_models: dict[str, str] | None = None, progress: bool | None = None,
                 recalibration: Any = "bundled") -> None:
        if not isinstance(series, str):
            raise TypeError(f"series must be a string, got {type(series).__name__}")
        self.series = series
        self.mode = check_choice(mode, "mode", MODES)
        self.paths = check_int(paths, "paths", 2, 100_000)
        self.draws = check_int(draws if draws is not None else DEFAULT_DRAWS[self.mode], "draws", 10, 100_000)
        self.chains = check_int(chains, "chains", 1, 64)
        self.indicator_models = dict(indicator_models or {})
        if progress is not None:
            check_bool(progress, "progress")
        self.progress = progress
        self.recalibration = check_recalibration(recalibration)
        self._fitted = False

    # ----------------------------------------------------------------- fit
    def fit(self, data: Any, as_of: Any = None, seed: int | None = None) -> "SummitForecaster":
        """Fit every model on the data as of the end of month ``as_of``.

        Parameters
        ----------
        data : TrilateralData or an object of the same shape
        as_of : month, optional
            "YYYY-MM", a date or a Period; default the data's own ``as_of``
            (the month all its outcome tables cover completely), not the
            calendar.  Only what is dated up to the end of that month is
            used; a month after the data's as-of is an error.
        seed : int, optional
            Seed of every random stream (derived per component); fresh
            entropy when None (recorded in ``settings``).
        """
        self.seed = check_seed(seed)
        record = read_record(data, as_of)
        if self.series not in record.series:
            raise ValueError(f"series {self.series!r} is not in the data (series with months at risk by "
                             f"{record.as_of:%Y-%m}: {sorted(record.series)})")
        history = build_history(record)
        outcomes = _outcome_table(record, history)
        settings = mode_settings(self.mode)
        if self.mode == "fast":
            settings["draws"] = max(settings["draws"], self.draws)
        else:
            settings["chains"] = self.chains
            settings["draws"] = -(-self.draws // self.chains)
            settings["tune"] = max(settings["draws"], 100)
        self.models: PooledModels = fit_models(history.panel, outcomes, self.mode, self.seed, self.progress,
                                               settings=settings)
        self._warn(self.models.notes)
        inputs = {}
        for key in record.series:
            inputs.update(history.inputs[key])  # each series' inputs (series_inputs), in their order
        self.indicators: IndicatorSet = fit_indicators(inputs, history.index, self.indicator_models)
        self.record: Record = record
        self.history: History = history
        self.as_of = record.as_of
        self._level_labels = _level_labels(data)
        # the map of every series (a forecast of any series of the record goes through its own)
        self.recalibration_maps, self._recalibration_notes = resolve_maps(self.recalibration, data, self.as_of,
                                                                          record.series)
        self._start_fitted()
        return self

    def save(self, path: Any) -> None:
        """Write the fitted forecaster to a JSON file; ``summitcast.load(path)``
        returns a forecaster that gives the same forecasts and scenarios for
        its seed.  The file holds the data as of the fitted month, the
        posterior draws the fusion uses and the indicator models
        (:mod:`summitcast.forecaster._persist`); it is plain JSON and never
        executes code on loading."""
        self._check_fitted()
        save_forecaster(self, path, uses=(self.draws, min(DRIVER_DRAWS, self.draws)))

    def _warn(self, notes: list[str]) -> None:
        """Re-issue sampler and importance-sampling trouble (ConvergenceWarning) so it is never hidden."""
        for note in notes:
            if "k-hat" in note or "sampler diagnostics" in note:
                warnings.warn(note, ConvergenceWarning, stacklevel=3)

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise ValueError("the forecaster is not fitted: call fit(data) first")

    @property
    def series_names(self) -> list[str]:
        """Series that can be forecast from the fitted as-of month (recorded through it)."""
        self._check_fitted()
        return [k for k, info in self.record.series.items() if info.end == self.as_of or info.pending]

    # ------------------------------------------------------------ forecast
    def _start_fitted(self) -> None:
        """The per-fit state a fitted (or loaded) forecaster starts with: no cached forecasts, no gap notes."""
        self._cache: dict[tuple, Forecast] = {}
        self._gap_notes: dict[str, str] = {}
        self._fitted = True

    def forecast(self, horizon: int = 24, series: str | None = None, alpha: float = 0.1,
                 drivers: bool = True) -> Forecast:
        """P(a meeting held by each of the next ``horizon`` months), with intervals, outcomes and drivers.

        Parameters
        ----------
        horizon : int
            Months ahead (1 … 120).
        series : str, optional
            Another fitted series (default: the forecaster's).
        alpha : float
            The credible intervals cover 1 − alpha (default 90%).
        drivers : bool
            Compute the driver attribution (one more simulation per feature group).
        """
        self._check_fitted()
        horizon = check_int(horizon, "horizon", 1, MAX_HORIZON)
        alpha = check_alpha(alpha)
        drivers = check_bool(drivers, "drivers")
        key = self._series_key(series)
        cache_key = (key, horizon, alpha, drivers)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._forecast(key, horizon, alpha, drivers)
        return self._cache[cache_key]

    def held_probabilities(self, horizon: int = 24, series: str | None = None) -> np.ndarray:
        """P(a meeting held within 1, …, ``horizon`` months): the ``p_held`` column of
        ``forecast(horizon, series)`` (the same numbers), without the intervals,
        outcome levels and drivers (what a backtest asks for; the outcome model's
        walk, half the cost of the fusion, draws no random numbers, so leaving it
        out changes nothing else)."""
        self._check_fitted()
        horizon = check_int(horizon, "horizon", 1, MAX_HORIZON)
        key = self._series_key(series)
        cached = next((f for (k, h, _, _), f in self._cache.items() if k == key and h == horizon), None)
        if cached is not None:
            return cached.frame["p_held"].to_numpy(copy=True)
        ext, _ = self._inputs(key, horizon, child_seed(self.seed, "forecast", key, "paths"))
        return self._mapped(self._run_variants(key, horizon, ext, [{}], outcome=False)[0].per_draw.mean(axis=0), key)

    @property
    def recalibration_map(self) -> ForecastMap | None:
        """The recalibration map of the forecaster's own series (None: its probabilities are the model's);
        ``recalibration_maps`` holds every series'."""
        self._check_fitted()
        return self.recalibration_maps.get(self.series)

    def _mapped(self, p: np.ndarray, key: str) -> np.ndarray:
        """Probabilities of series ``key`` through its recalibration map (unchanged without one)."""
        fm = self.recalibration_maps.get(key)
        return p if fm is None else fm(p)

    def _series_key(self, series: str | None) -> str:
        key = self.series if series is None else series
        if key not in self.record.series:
            raise ValueError(f"series must be one of {sorted(self.record.series)}, got {key!r}")
        info = self.record.series[key]
        if info.end < self.as_of and not info.pending:
            raise ValueError(f"series {key!r} is recorded only through {info.end:%Y-%m}, before the as-of month "
                             f"{self.as_of:%Y-%m}: its meetings since are unknown; fit with as_of <= {info.end:%Y-%m}")
        return key

    # the pieces of one run -------------------------------------------------
    def _inputs(self, key: str, horizon: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Each input of the series on the panel months plus ``horizon`` months:
        (P, T + H) arrays, the record where known and simulated paths after."""
        info = self.record.series[key]
        names = series_inputs(self.record, info)
        paths = self.indicators.simulate(horizon, self.paths, seed, names)
        T = len(self.history.index)
        ext, shown = {}, {}
        for name in names:
            hist = self.history.inputs[key][name]
            model = self.indicators.models[name]
            sim = paths[name]
            arr = np.empty((self.paths, T + horizon))
            arr[:, : model.last + 1] = hist[: model.last + 1]
            arr[:, model.last + 1:] = sim.values
            ext[name] = arr
            shown[name] = sim
        return ext, shown

    def _exogenous(self, key: str, ext: dict[str, np.ndarray], horizon: int) -> np.ndarray:
        info = self.record.series[key]
        state = self.history.state[key]
        T = len(self.history.index)
        hosts = np.empty(T + horizon, dtype=object)
        hosts[:] = None
        if info.rotation is not None:
            hosts[:T] = self.history.hosts[key]
            hosts[T:] = state["host_next"]
        feats = exogenous_features(info, ext, hosts if info.rotation is not None else None)
        out = np.stack([feats[name][:, T:] for name in EXOGENOUS_FEATURES], axis=-1)
        bad = ~np.isfinite(out)
        # inputs missing within the longest look-back of a feature before the forecast months
        gaps = [name for name in ext if np.isnan(ext[name][:, max(T - LONGEST_LOOK_BACK, 0):T]).any()]
        if bad.any() and gaps:
            # a feature that looks back into a gap of the record (e.g. the 12-month trade growth
            # over months the trade record misses) is unknown there, as in the fit: set it to the
            # value the fit imputed, the feature's mean over the pooled record
            fill = np.array([float(self.models.baseline[name]) for name in EXOGENOUS_FEATURES])
            out = np.where(bad, fill, out)
            self._gap_notes[key] = (f"{', '.join(EXOGENOUS_FEATURES[j] for j in np.flatnonzero(bad.any(axis=(0, 1))))}"
                                    f" unknown in some forecast months (gaps in the record of {', '.join(gaps)}): "
                                    "set to the mean, as in the fit")
            bad = ~np.isfinite(out)
        if bad.any():
            name = EXOGENOUS_FEATURES[int(np.argwhere(bad)[0][-1])]
            raise ValueError(f"feature {name!r} of series {key!r} is not finite in the forecast months; an input "
                             "the indicator models should simulate is missing there")
        return out

    def _duration(self, key: str, horizon: int) -> np.ndarray:
        info = self.record.series[key]
        if info.pending:  # months since its coverage began: 1 in its first month
            gap = np.maximum(np.arange(1, horizon + 1) - months_between(self.as_of, info.start) + 1, 1)
        else:
            gap = self.history.state[key]["gap_next"] + np.arange(horizon)
        feats = duration_features(gap)
        return np.stack([feats[name] for name in DURATION_FEATURES], axis=-1)

    def _at_risk(self, key: str, horizon: int) -> np.ndarray | None:
        info = self.record.series[key]
        if not info.pending:
            return None
        return np.arange(1, horizon + 1) >= months_between(self.as_of, info.start)

    def _coefficients(self, key: str, n: int) -> tuple[Coefficients, dict[str, Coefficients], Coefficients | None]:
        a, b = self.models.summit.logit_coefficients(key, n)
        summit = Coefficients(a, b)
        steps = {}
        for cls, fm in self.models.steps.items():
            if key not in fm.design.groups:
                continue  # the series records no step of this class: none is simulated
            a, b = fm.logit_coefficients(key, n)
            steps[cls] = Coefficients(a, b)
        outcome = None
        if self.models.outcome is not None:
            cut, b = self.models.outcome.ordered_coefficients(key, n)
            outcome = Coefficients(None, b, cut)
        for c in (summit, *steps.values(), *([outcome] if outcome is not None else [])):
            if not all(np.isfinite(v).all() for v in (c.intercept, c.slopes, c.cutpoints) if v is not None):
                raise ValueError(f"the posterior draws for draws={n} are not all known: a loaded forecaster keeps "
                                 f"only the draws its own settings use (draws={self.draws})")
        return summit, steps, outcome

    def _run(self, key: str, horizon: int, ext: dict[str, np.ndarray], forced: dict[str, np.ndarray] | None = None,
             baseline: dict[str, float] | None = None, draws: int | None = None) -> SimResult:
        return self._run_variants(key, horizon, ext, [baseline or {}], draws, forced)[0]

    def _run_variants(self, key: str, horizon: int, ext: dict[str, np.ndarray], baselines: list[dict[str, float]],
                      draws: int | None = None, forced: dict[str, np.ndarray] | None = None,
                      outcome: bool = True) -> list[SimResult]:
        """One walk per baseline, as one batch (the same numbers as separate runs);
        ``outcome=False`` leaves out the outcome levels."""
        summit, steps, levels = self._coefficients(key, self.draws if draws is None else min(draws, self.draws))
        state = self.history.state[key]
        return simulate_first_meeting(
            summit, steps, levels if outcome else None, self._exogenous(key, ext, horizon),
            self._duration(key, horizon),
            {cls: state[cls] for cls in STEP_CLASSES}, child_seed(self.seed, "forecast", key, "steps"),
            forced=forced, baselines=baselines, at_risk=self._at_risk(key, horizon),
        )

    def _forecast(self, key: str, horizon: int, alpha: float, drivers: bool) -> Forecast:
        seed = child_seed(self.seed, "forecast", key, "paths")
        ext, shown = self._inputs(key, horizon, seed)
        result = self._run(key, horizon, ext)
        frame = self._frame(result, horizon, alpha, key)
        # drivers on demand: a backtest asks only for the probabilities
        driver_table = (lambda: self._drivers(key, horizon, ext)) if drivers else pd.DataFrame()
        levels = {}
        if self.models.outcome is not None:
            labels = getattr(self, "_level_labels", None) or {}
            levels = {int(k): labels.get(int(k), f"level {k}") for k in self.models.outcome.model.levels}
        return Forecast(
            series=key, as_of=self.as_of, frame=frame, outcome_levels=levels, driver_table=driver_table,
            baseline="every feature group at its mean over the pooled record (a typical series-month)",
            indicators=shown, settings=self._settings(horizon, key), diagnostics=self._diagnostics(),
            data=self._data_info(), alpha=alpha, notes=self._notes(key), draws=self._mapped(result.per_draw, key),
        )

    def _frame(self, result: SimResult, horizon: int, alpha: float, key: str) -> pd.DataFrame:
        held = result.held  # (S, P, H)
        per_draw = result.per_draw  # (S, H)
        lower, upper = weighted_interval(per_draw, alpha)
        model_p = per_draw.mean(axis=0)
        var_ind = held.var(axis=1).mean(axis=0)  # E_theta Var_paths
        var_par = per_draw.var(axis=0)  # Var_theta E_paths
        # Through the recalibration map g: the point forecast is g of the model's (what
        # the map was learned on); the interval's ends are g of the ends (g increasing: a
        # quantile of g(draws) is g of the quantile); variances scale by g'(p)² (delta method).
        p = model_p
        fm = self.recalibration_maps.get(key)
        if fm is not None:
            p, lower, upper = fm(model_p), fm(lower), fm(upper)
            factor = fm.slope(model_p) ** 2
            var_ind, var_par = var_ind * factor, var_par * factor
        survival_prev = np.concatenate([[1.0], 1.0 - p[:-1]])
        frame = pd.DataFrame({
            "months": np.arange(1, horizon + 1),
            "month": future_months(self.as_of, horizon),
            "p_held": p, "lower": lower, "upper": upper, "sd": np.sqrt(var_ind + var_par),
            "var_indicators": var_ind, "var_parameters": var_par,
            "hazard": np.diff(np.concatenate([[0.0], p])) / np.maximum(survival_prev, 1e-300),
        })
        if result.outcome_at_least is not None:
            # P(held & level >= k): the map changes P(held), not the levels' distribution given held
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(model_p > 0, p / model_p, 0.0)
            at_least = result.outcome_at_least.mean(axis=0) * ratio[:, None]  # (H, K-1)
            K = at_least.shape[1] + 1
            cum = np.column_stack([p, at_least, np.zeros(horizon)])  # P(held & level >= k), k = 0..K
            with np.errstate(invalid="ignore", divide="ignore"):
                for k in range(K):
                    frame[f"p_level_{k}"] = np.where(p > 0, (cum[:, k] - cum[:, k + 1]) / p, np.nan)
            for k in range(1, K):
                frame[f"p_held_level_ge_{k}"] = at_least[:, k - 1]
        for cls, prob in result.steps.items():
            frame[f"p_{cls}_step"] = prob.mean(axis=0)
        frame["month"] = pd.DatetimeIndex(frame["month"])
        return frame

    def _drivers(self, key: str, horizon: int, ext: dict[str, np.ndarray]) -> pd.DataFrame:
        """Shift of P(held by h) when each feature group is at its baseline, with common random
        numbers, on a subset of draws and paths (the reference run uses the same subset)."""
        shown = [h for h in REPORT_HORIZONS if h <= horizon] or [horizon]
        n_paths = min(DRIVER_PATHS, self.paths)
        sub = {name: values[:n_paths] for name, values in ext.items()}
        groups = [g for g, names in FEATURE_GROUPS.items() if any(name in self.models.summit.features for name in names)]
        baselines = [{}] + [{name: float(self.models.baseline[name]) for name in FEATURE_GROUPS[g]} for g in groups]
        runs = self._run_variants(key, horizon, sub, baselines, DRIVER_DRAWS)
        reference = self._mapped(runs[0].held.mean(axis=(0, 1)), key)
        rows = {}
        for group, run in zip(groups, runs[1:]):
            alt = self._mapped(run.held.mean(axis=(0, 1)), key)
            rows[group] = {f"{h} months": float(reference[h - 1] - alt[h - 1]) for h in shown}
        table = pd.DataFrame(rows).T
        table.index.name = "feature group"
        return table

    # ------------------------------------------------------------ scenario
    def scenario(self, horizon: int = 24, series: str | None = None, alpha: float = 0.1,
                 **overrides: Any) -> ScenarioResult:
        """The shift in P(held by each month) when chosen paths are overridden.

        Keywords: ``nuclear_test=``, ``trade=(change, month)``, ``crisis=``,
        ``ministers_meeting=`` (see :mod:`summitcast.forecaster._scenario`);
        months as "YYYY-MM" or months ahead (1 = the first forecast month).
        Baseline and scenario share every random number (common random
        numbers); the baseline forecast itself is left as it was.

        Examples
        --------
        >>> fc.scenario(trade=(-0.15, "2027-01")).to_frame()  # doctest: +SKIP
        """
        self._check_fitted()
        horizon = check_int(horizon, "horizon", 1, MAX_HORIZON)
        alpha = check_alpha(alpha)
        key = self._series_key(series)
        info = self.record.series[key]
        spec = parse_scenario(overrides, self.as_of, horizon, info.members)
        seed = child_seed(self.seed, "forecast", key, "paths")
        ext, _ = self._inputs(key, horizon, seed)
        p_end = next((m.params["p_end"] for m in self.indicators.models.values() if m.kind == "persistence"), 0.04)
        alt = apply_inputs(spec, ext, horizon, info.members, p_end, seed)
        base = self._run(key, horizon, ext).held
        scen = self._run(key, horizon, alt, forced=forced_steps(spec, horizon)).held
        frame = shift_frame(base, scen, future_months(self.as_of, horizon), alpha, self.recalibration_maps.get(key))
        return ScenarioResult(series=key, as_of=self.as_of, overrides=spec.described, frame=frame, alpha=alpha)

    def _settings(self, horizon: int, key: str) -> dict[str, Any]:
        method = "adaptive importance sampling (Laplace start, PSIS)" if self.mode == "fast" else "NUTS"
        fm = self.recalibration_maps.get(key)
        return {"mode": self.mode, "method": method, "seed": self.seed, "draws": self.draws, "paths": self.paths,
                "horizon": horizon, "as_of": f"{self.as_of:%Y-%m}", "series": self.series,
                "recalibration": None if fm is None else fm.as_dict()}

    def _diagnostics(self) -> dict[str, Any]:
        return {name: fm.diagnostics for name, fm in self.models.all.items()}

    def _data_info(self) -> dict[str, Any]:
        rt = {k: f"{v:%Y-%m-%d}" for k, v in self.record.record_through.items()}
        return {"record_through": rt, "as_of": f"{self.record.as_of:%Y-%m}",
                "data_as_of": f"{self.record.data_as_of:%Y-%m}",
                "series": {k: {"start": f"{v.start:%Y-%m}", "end": f"{v.end:%Y-%m}", "meetings": int(len(v.meetings))}
                           for k, v in self.record.series.items()},
                "imputed": {k: round(v, 4) for k, v in self.models.imputed.items()}}

    def _notes(self, key: str) -> list[str]:
        notes = list(self.models.notes) + self.indicators.notes()
        dropped = [f for f in FEATURES if f not in self.models.summit.features]
        if dropped:
            notes.append(f"features constant in the record and left out: {', '.join(dropped)}")
        for name, share in self.models.imputed.items():
            notes.append(f"{name}: {share:.0%} of the pooled series-months unknown in the record, set to the mean")
        if key in self._gap_notes:
            notes.append(self._gap_notes[key])
        fm = self.recalibration_maps.get(key)
        if fm is not None:
            notes.append(fm.describe())
        elif key in self._recalibration_notes:
            notes.append(self._recalibration_notes[key])
        return notes

    # ------------------------------------------------------------- display
    def summary(self) -> Summary:
        self._check_fitted()
        rows = []
        for name, fm in self.models.all.items():
            d = fm.diagnostics
            shown = (f"k-hat {d['khat']:.2f}, ESS {d['ess']:.0f}" if d["method"] == "laplace+psis"
                     else f"R-hat {d['max_r_hat']:.3f}, ESS {d['min_ess_bulk']:.0f}, divergences {d['divergences']}")
            rows.append({"model": name, "observations": int(fm.model.nobs), "parameters": len(fm.model.param_names),
                         "fit": shown})
        table = pd.DataFrame(rows).set_index("model")
        fm = self.recalibration_map
        info = [("Series", self.series), ("As of", f"{self.as_of:%Y-%m}"), ("Mode", self.mode), ("Seed", str(self.seed)),
                ("Series pooled", ", ".join(self.record.series)),
                ("Recalibration", "none" if fm is None else f"a = {fm.a:+.3f}, b = {fm.b:.3f} (learned at "
                                                             f"{fm.origin:%Y-%m} from {fm.n_known} windows)")]
        return Summary("SummitForecaster (fitted)", info, [("Models", table)],
                       [f"indicator {k}: {m.describe()}" for k, m in self.indicators.models.items()])

    def __repr__(self) -> str:
        if not self._fitted:
            return f"<SummitForecaster series={self.series!r} mode={self.mode!r} (not fitted)>"
        return f"<SummitForecaster series={self.series!r} mode={self.mode!r} as_of={self.as_of:%Y-%m}>"

    def _repr_html_(self) -> str:
        return self.summary().as_html() if self._fitted else repr(self)


def results_from_payload(payload: dict[str, Any]) -> SummitForecaster:
    """A fitted SummitForecaster from its saved payload (the loader ``summitcast.load``
    dispatches to; the payload is read by :func:`summitcast.forecaster._persist.restore_state`)."""
    settings, fitted = restore_state(payload)
    fc = SummitForecaster(**settings)
    for name, value in fitted.items():
        setattr(fc, name, value)
    fc._start_fitted()
    fc._series_key(None)  # the saved series must be one the record can forecast
    return fc


def _level_labels(data: Any) -> dict[int, str]:
    """Labels of the outcome levels: the data's ``outcome_levels`` mapping, else the bundled record's."""
    labels = getattr(data, "outcome_levels", None)
    if labels is None:
        from ..datasets import OUTCOME_LEVELS as labels
    return {int(k): str(v) for k, v in dict(labels).items()}


def _outcome_table(record: Record, history: History) -> pd.DataFrame:
    """Held meetings with a recorded outcome level, with the features of their month."""
    rows = []
    panel = history.panel
    series, months = panel["series"].to_numpy(), panel["month"].to_numpy()
    features = panel[list(FEATURES)].to_numpy()
    for key, info in record.series.items():
        level = pd.to_numeric(info.meetings["outcome_level"]).to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(level)
        held = info.meetings["month"].to_numpy()[known]
        mine = np.flatnonzero(series == key)
        for month in np.unique(held):  # in order of months, each with its highest level
            at = mine[months[mine] == month]
            if at.size:
                top = int(level[known][held == month].max())
                rows.append({"series": key, "month": pd.Timestamp(month), "outcome_level": top,
                             **dict(zip(FEATURES, features[at[0]]))})
    return pd.DataFrame(rows, columns=["series", "month", "outcome_level", *FEATURES])
