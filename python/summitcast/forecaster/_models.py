"""The pooled Bayesian outcome models: summit hazard, step hazards and the ordered outcome.

* **Summit hazard**: a logit on the pooled at-risk panel (every series-month),
  logit h_{s,t} = α + u_s + Σ_j (β_j + v_{s,j}) x̃_{s,t,j}, with x̃ the
  features standardised over the panel.  The series' deviations of the
  intercept (u_s) and of the duration and crisis slopes (v_{s,j}) are
  partially pooled, u_s, v_{s,j} ~ N(0, 1): a series may differ from the pool
  by a factor of e ≈ 2.7 in odds (or in the effect of one sd of a feature)
  as a matter of course, and by e² rarely.  The shared effects β_j have the
  shrinkage prior N(0, 1).
* **Step hazards**, one per step class (preparatory, announced date,
  setback): the same form with a varying intercept only (series differ in
  how often their steps are recorded), fitted on the series that record
  steps of that class at all; the others' steps are not simulated.
* **Outcome** (:class:`summitcast.bayes.OrderedLogit`): the level a held
  meeting adopts, from the crisis, preparation and North Korea features at
  its month, with one shift per series (again N(0, 1)) when several series
  record outcomes.

The pooling scale is fixed rather than learned (choice recorded in
``benchmarks/results/skill_configurations.md``): with a learned scale τ the
posterior has the funnel of hierarchical models, where a Laplace
approximation fails (Pareto k̂ above 2 on the bundled record) and NUTS needs
~50 gradients per draw; with τ fixed the posterior is log-concave, so the
fast mode's importance-corrected Laplace approximation agrees with NUTS.
(A learned scale would also pool more, not less: the mode of the scales'
marginal posterior at the 2019-06 origin is 0.3–0.7 per sd, below the fixed 1.)

Priors (configuration 1 of ``benchmarks/results/skill_configurations.md``,
kept by configurations 4 and 5 (5 is the default); fixed from reasoning before scoring;
on standardised predictors):
shared effects Normal(0, 1) — one sd of a feature moves the log odds by
less than 2 with 95% prior probability, which rules out the huge effects
nine summits could otherwise suggest; intercept Normal(−3, 2) — a monthly
meeting rate between about 1% and 50% at the features' means (regular
series meet every 12–36 months, logit −2.4 to −3.6).

The hazards' likelihoods are discounted (configuration 4): the term of a
series-month ``age`` months before the as-of month is weighted
2^(−age/``DISCOUNT_HALF_LIFE``), the forgetting factor of dynamic models, so
what happened ten years before a forecast counts half: the rates of these
series change with the regime of the relations (Japan–ROK visits: frequent
to 2011, none 2012–2022), and a model that weighs every month alike forecasts
the average regime rather than the current one.  The outcome model is not
discounted.

``fast`` fits each by a Laplace approximation corrected by Pareto-smoothed
importance sampling (k̂ reported); ``full`` samples with NUTS.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._common.seeds import child_seed
from .._common.time import months_before
from ..bayes import Logit, Normal, OrderedLogit
from ._features import FEATURES
from ._record import STEP_CLASSES

__all__ = ["FittedModel", "MODE_SETTINGS", "OUTCOME_FEATURES", "PooledModels", "SUMMIT_VARYING", "fit_models"]

SUMMIT_VARYING = ("log_gap", "anniversary", "crisis")
OUTCOME_FEATURES = ("crisis", "prep", "launches", "nuclear_test", "new_leader")
PRIOR = Normal(0.0, 1.0)
PRIOR_INTERCEPT = Normal(-3.0, 2.0)
#: Half-life (months) of a series-month's weight in the hazards' likelihoods.
DISCOUNT_HALF_LIFE = 120.0

#: Draws used by the fusion and how they are made, per mode.
MODE_SETTINGS = {
    # proposals per importance round (at most ``rounds``), resampled to ``draws``; the fusion uses some of them
    "fast": {"draws": 2000, "rounds": 8},
    "full": {"draws": 500, "tune": 500, "chains": 4},
}


@dataclass
class PooledDesign:
    """The design of a pooled logit: standardised features, series dummies and
    dummy × feature interactions (the varying slopes)."""

    features: list[str]
    center: np.ndarray
    scale: np.ndarray
    groups: list[str]
    varying: list[str]

    @staticmethod
    def build(panel: pd.DataFrame, features: list[str], varying: list[str]) -> "PooledDesign":
        values = panel[features].to_numpy(dtype=float)
        center, scale = values.mean(axis=0), values.std(axis=0)
        scale[scale == 0] = 1.0
        return PooledDesign(features, center, scale, sorted(panel["series"].astype(str).unique()), varying)

    def matrix(self, panel: pd.DataFrame) -> pd.DataFrame:
        z = (panel[self.features].to_numpy(dtype=float) - self.center) / self.scale
        cols = {name: z[:, j] for j, name in enumerate(self.features)}
        series = panel["series"].astype(str).to_numpy()
        for g in self.groups:
            d = (series == g).astype(float)
            cols[f"series[{g}]"] = d
            for name in self.varying:
                cols[f"{name}|series[{g}]"] = d * z[:, self.features.index(name)]
        return pd.DataFrame(cols, index=panel.index)


@dataclass
class FittedModel:
    """One fitted model: the model, its posterior, its design and the warnings met."""

    name: str
    model: Any
    posterior: Any
    features: list[str]
    design: PooledDesign | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def diagnostics(self) -> dict[str, Any]:
        psis = self.posterior.info.get("psis")
        if psis is not None:
            return {"method": "laplace+psis", "khat": psis.khat, "ess": psis.ess}
        d = self.posterior.diagnostics()
        return {"method": "nuts", "max_r_hat": d["max_r_hat"], "min_ess_bulk": d["min_ess_bulk"],
                "divergences": d.get("divergences", 0)}

    def logit_coefficients(self, group: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(intercept (S,), slopes (S, len(FEATURES))) of the pooled logit for
        ``group`` on the features' original scale, from ``n`` draws spread
        evenly over the posterior."""
        draws = _even(self.posterior.draws, n)
        d = self.design
        slopes_std = np.zeros((len(draws), len(d.features)))
        for j, name in enumerate(d.features):
            slopes_std[:, j] = draws[name].to_numpy()
            if name in d.varying and f"{name}|series[{group}]" in draws:
                slopes_std[:, j] += draws[f"{name}|series[{group}]"].to_numpy()
        intercept = draws["Intercept"].to_numpy().copy()
        if f"series[{group}]" in draws:
            intercept += draws[f"series[{group}]"].to_numpy()
        raw = slopes_std / d.scale
        intercept -= raw @ d.center
        slopes = np.zeros((len(draws), len(FEATURES)))
        for j, name in enumerate(d.features):
            slopes[:, FEATURES.index(name)] = raw[:, j]
        return intercept, slopes

    def ordered_coefficients(self, group: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(cut-points (S, K−1) shifted by the series effect, slopes (S, len(FEATURES)))."""
        draws = _even(self.posterior.draws, n)
        m = self.model
        cut = draws[m.cutpoint_names].to_numpy().copy()
        slopes = np.zeros((len(draws), len(FEATURES)))
        for j, name in enumerate(FEATURES):
            if name in m.exog_names:
                slopes[:, j] = draws[name].to_numpy()
        dummy = f"series[{group}]"
        if dummy in m.exog_names:
            cut -= draws[dummy].to_numpy()[:, None]
        return cut, slopes


def even_positions(total: int, n: int) -> np.ndarray:
    """Positions of n draws spread evenly over ``total`` (all of them when n ≥ total)."""
    if n >= total:
        return np.arange(total)
    return np.linspace(0, total - 1, n).round().astype(int)


def _even(draws: pd.DataFrame, n: int) -> pd.DataFrame:
    """n draws spread evenly over the posterior (all of them when n ≥ their number)."""
    if n >= len(draws):
        return draws
    return draws.iloc[even_positions(len(draws), n)]


def _active(panel: pd.DataFrame, names: list[str]) -> list[str]:
    """Features that vary in the panel (a constant column identifies nothing)."""
    return [n for n in names if panel[n].std() > 0]


def mode_settings(mode: str, overrides: dict[str, int] | None = None) -> dict[str, int]:
    """``MODE_SETTINGS[mode]`` with ``overrides`` applied (one place where defaults and choices meet)."""
    if mode not in MODE_SETTINGS:
        raise ValueError(f"mode must be one of {sorted(MODE_SETTINGS)}, got {mode!r}")
    unknown = sorted(set(overrides or {}) - set(MODE_SETTINGS[mode]))
    if unknown:
        raise ValueError(f"settings has keys {unknown} that {mode!r} mode does not use "
                         f"(it uses {sorted(MODE_SETTINGS[mode])})")
    return {**MODE_SETTINGS[mode], **(overrides or {})}


def _fit(name: str, build: Any, mode: str, seed: int, progress: bool | None, settings: dict[str, int]) -> FittedModel:
    """Build and fit one model, recording (not raising) the warnings met on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = build()
        if mode == "fast":
            posterior = model.fit_laplace(draws=settings["draws"], seed=seed, importance=True,
                                          rounds=settings["rounds"])
        else:
            posterior = model.sample(draws=settings["draws"], tune=settings["tune"], chains=settings["chains"],
                                     seed=seed, progress=progress)
    notes = [f"{name}: {w.message}" for w in caught]
    return FittedModel(name, model, posterior, list(model.exog_names), notes=notes)


@dataclass
class PooledModels:
    """Summit hazard, step hazards (by class) and the outcome model (or None)."""

    summit: FittedModel
    steps: dict[str, FittedModel]
    outcome: FittedModel | None
    imputed: dict[str, float]
    baseline: pd.Series
    mode: str

    @property
    def notes(self) -> list[str]:
        out = []
        for fm in [self.summit, *self.steps.values(), *([self.outcome] if self.outcome else [])]:
            out.extend(fm.notes)
        return out

    @property
    def all(self) -> dict[str, FittedModel]:
        out = {"summit": self.summit, **{f"step_{k}": v for k, v in self.steps.items()}}
        if self.outcome is not None:
            out["outcome"] = self.outcome
        return out


def impute(panel: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Unknown feature values (NaN: an input the record did not cover) set to
    the feature's mean over the known series-months, the neutral value on the
    standardised scale; returns the filled panel and the share filled per feature."""
    filled = panel.copy()
    shares = {}
    for name in FEATURES:
        missing = filled[name].isna()
        if missing.any():
            mean = filled[name].mean()
            filled[name] = filled[name].fillna(0.0 if np.isnan(mean) else mean)
            shares[name] = float(missing.mean())
    return filled, shares


def discount_weights(months: pd.Series, as_of: pd.Timestamp) -> np.ndarray:
    """2^(−age/half-life) for each month, age = months before ``as_of`` (which weighs 1)."""
    return 2.0 ** (-months_before(months, as_of).astype(float) / DISCOUNT_HALF_LIFE)


def _pooled_logit(name: str, panel: pd.DataFrame, y: np.ndarray, features: list[str], varying: list[str],
                  mode: str, seed: int, progress: bool | None, settings: dict[str, int],
                  as_of: pd.Timestamp) -> FittedModel:
    design = PooledDesign.build(panel, features, varying)
    X = design.matrix(panel)
    weights = discount_weights(panel["month"], as_of)
    fitted = _fit(name, lambda: Logit(X, y, prior=PRIOR, prior_intercept=PRIOR_INTERCEPT, weights=weights,
                                      standardize=False),
                  mode, seed, progress, settings)
    fitted.features = list(features)
    fitted.design = design
    return fitted


def fit_models(panel: pd.DataFrame, outcomes: pd.DataFrame, mode: str, seed: int,
               progress: bool | None = None, settings: dict[str, int] | None = None) -> PooledModels:
    """Fit every pooled model on the at-risk ``panel`` and the held meetings' ``outcomes``
    (``settings``: any of ``MODE_SETTINGS[mode]``'s keys, the rest from it)."""
    settings = mode_settings(mode, settings)
    filled, shares = impute(panel)
    as_of = pd.Timestamp(filled["month"].max())
    features = _active(filled, list(FEATURES))
    summit = _pooled_logit("summit hazard", filled, filled["event"].to_numpy(), features,
                           [f for f in SUMMIT_VARYING if f in features], mode, child_seed(seed, "model", "summit"),
                           progress, settings, as_of)
    steps = {}
    for cls in STEP_CLASSES:
        recording = filled.groupby("series")[f"step_{cls}"].transform("sum") > 0
        rows = filled[recording]
        if rows.empty:
            continue  # no step of this class recorded by as-of: the class is not simulated
        steps[cls] = _pooled_logit(f"{cls} step hazard", rows, rows[f"step_{cls}"].to_numpy(),
                                   _active(rows, features), [], mode, child_seed(seed, "model", "step", cls),
                                   progress, settings, as_of)
    outcome = None
    if len(outcomes) >= 5 and outcomes["outcome_level"].nunique() >= 2:
        Xo = outcomes[[f for f in OUTCOME_FEATURES if f in features]].copy()
        for name in Xo.columns:
            Xo[name] = Xo[name].fillna(filled[name].mean())
        Xo = Xo.loc[:, Xo.std() > 0]
        series = sorted(outcomes["series"].unique())
        for key in series[1:]:
            Xo[f"series[{key}]"] = (outcomes["series"] == key).astype(float).to_numpy()
        levels = list(range(int(outcomes["outcome_level"].max()) + 1))
        y_out = outcomes["outcome_level"].astype(int).to_numpy()
        outcome = _fit("outcome model", lambda: OrderedLogit(Xo, y_out, prior=PRIOR, levels=levels),
                       mode, child_seed(seed, "model", "outcome"), progress, settings)
    baseline = filled[list(FEATURES)].mean()
    return PooledModels(summit, steps, outcome, shares, baseline, mode)
