"""Fusion: indicator paths × posterior draws → the probability of a meeting by each month.

For posterior draw s and indicator path p the months after as-of are walked
in order.  In month t the summit hazard h_t and the step hazards use the
features of t (the indicators' path values and the step states through
t − 1).  The meeting is integrated out exactly along the path — the
probability that the first meeting falls in month t is S_{t−1} h_t with
S_t = Π_{u ≤ t} (1 − h_u) — while the steps are drawn: a step of class c
happens in month t when U_{c,s,p,t} < q_{c,t}, and the step states then
decay and add it.  So P(held by t | s, p) = 1 − S_t is exact given the step
path, and a scenario that forces or forbids a step changes the states from
that month on.

The uniforms U come from streams keyed by (seed, class, month) and the
indicator paths from streams keyed by input name, so a scenario run with the
same seed meets the same random numbers (common random numbers): the shift
it reports is not buried in Monte Carlo noise.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._common.logistic import expit
from .._common.seeds import child_seed
from ._features import DURATION_FEATURES, EXOGENOUS_FEATURES, FEATURES, STEP_FEATURES, decay
from ._record import STEP_CLASSES

__all__ = ["Coefficients", "SimResult", "simulate_first_meeting"]

_EXO = [FEATURES.index(f) for f in EXOGENOUS_FEATURES]
_DUR = [FEATURES.index(f) for f in DURATION_FEATURES]
_STEP = [FEATURES.index(f) for f in STEP_FEATURES]


@dataclass
class Coefficients:
    """Draws of one model's linear predictor for the target series: intercept
    (S,) and slopes (S, len(FEATURES)); for the ordered outcome model,
    cut-points (S, K − 1) in place of the intercept."""

    intercept: np.ndarray | None
    slopes: np.ndarray
    cutpoints: np.ndarray | None = None


@dataclass
class SimResult:
    """``held``: P(held by month t | draw, path), shape (S, P, H).
    ``outcome_at_least``: P(held by t and level ≥ k | draw), path-averaged,
    shape (S, H, K − 1) (None without an outcome model).  ``steps``:
    class → P(at least one step of the class by t | draw), (S, H)."""

    held: np.ndarray
    outcome_at_least: np.ndarray | None
    steps: dict[str, np.ndarray]

    @functools.cached_property
    def per_draw(self) -> np.ndarray:
        """P(held by month t | draw), averaged over the paths: shape (S, H);
        its mean over the draws is the forecast's ``p_held``."""
        return self.held.mean(axis=1)


def simulate_first_meeting(
    summit: Coefficients,
    steps: dict[str, Coefficients],
    outcome: Coefficients | None,
    exogenous: np.ndarray,
    duration: np.ndarray,
    initial_state: dict[str, float],
    seed: int,
    forced: dict[str, np.ndarray] | None = None,
    baselines: list[dict[str, float]] | None = None,
    at_risk: np.ndarray | None = None,
) -> list[SimResult]:
    """Walk every (draw, path) through the forecast months, once per baseline.

    Parameters
    ----------
    summit, steps, outcome : Coefficients
        Draws of the summit hazard, of each step class's hazard, of the
        outcome model (or None).
    exogenous : array (P, H, len(EXOGENOUS_FEATURES))
        Indicator features along each path.
    duration : array (H, len(DURATION_FEATURES))
        Duration features of the forecast months (deterministic until the
        first meeting).
    initial_state : dict
        Step states of the first forecast month (class → weighted count).
    seed : int
        Seed of the step uniforms.
    forced : dict, optional
        Class → array (H,) with 1 (a step of the class happens that month),
        0 (none happens) or −1 (drawn as usual); scenarios use it.
    baselines : list of dict, optional
        One walk per entry: feature → value used in place of the feature in
        every linear predictor (driver attribution); default ``[{}]``, the
        plain forecast.
    at_risk : array (H,) of bool, optional
        Months in which a meeting can happen (a series whose coverage
        begins inside the window cannot meet before it).

    Returns
    -------
    list of SimResult, one per baseline.  The walks run side by side as one
    batch with a leading axis and share every random number, as separate
    calls with the same seed would: each result equals such a call's exactly.
    """
    baselines = [{}] if baselines is None else baselines
    S = summit.slopes.shape[0]
    P, H, _ = exogenous.shape
    R = len(baselines)
    forced = forced or {}
    exo = np.repeat(exogenous[None], R, axis=0)  # (R, P, H, E)
    dur = np.repeat(duration[None], R, axis=0)  # (R, H, D)
    for r, baseline in enumerate(baselines):
        for j, name in enumerate(EXOGENOUS_FEATURES):
            if name in baseline:
                exo[r, :, :, j] = baseline[name]
        for j, name in enumerate(DURATION_FEATURES):
            if name in baseline:
                dur[r, :, j] = baseline[name]
    models = {"summit": summit, **steps}
    if outcome is not None:
        models["outcome"] = outcome
    # The parts of each linear predictor that do not depend on the step
    # states, x_exo · β_exo + x_dur · β_dur + α, are formed one month at a
    # time (an (R, S, P) slab that stays in cache) rather than for all months
    # at once; the sum is taken in the same order, so the numbers are the same.
    exo_t = np.ascontiguousarray(exo.transpose(2, 0, 3, 1))  # (H, R, E, P)
    slopes_exo = {name: np.ascontiguousarray(c.slopes[:, _EXO]) for name, c in models.items()}
    dur_part = {name: c.slopes[:, _DUR] @ dur.transpose(0, 2, 1) for name, c in models.items()}  # (R, S, H)
    slopes_step = {name: [c.slopes[:, j][:, None] for j in _STEP] for name, c in models.items()}

    term = np.empty((R, S, P))  # one step term of a predictor (a buffer reused, not a new array per term)

    def eta(name: str, t: int, values: dict[str, np.ndarray]) -> np.ndarray:
        out = slopes_exo[name] @ exo_t[t]  # (R, S, P)
        out += dur_part[name][:, :, t, None]
        c = models[name]
        if c.intercept is not None:
            out += c.intercept[:, None]
        for slope, cls in zip(slopes_step[name], STEP_CLASSES):
            out += np.multiply(slope, values[cls], out=term)
        return out

    state = {cls: np.full((R, S, P), float(initial_state.get(cls, 0.0))) for cls in STEP_CLASSES}
    # a step class at its baseline enters the predictors at that value; its state still evolves
    pinned = {cls: np.array([cls in b for b in baselines])[:, None, None] for cls in STEP_CLASSES}
    pinned_value = {cls: np.array([b.get(cls, 0.0) for b in baselines], dtype=float)[:, None, None]
                    for cls in STEP_CLASSES}
    survival = np.ones((R, S, P))
    first = np.empty((R, S, P))
    # P(held by t) month by month into contiguous slabs, laid out as (R, S, P, H) at the end
    held_by_month = np.empty((H, R, S, P))
    ever = {cls: np.zeros((R, S, P), dtype=bool) for cls in steps}
    step_prob = {cls: np.empty((R, S, H)) for cls in steps}
    n_cut = outcome.cutpoints.shape[1] if outcome is not None else 0
    at_least = np.zeros((R, S, P, n_cut)) if outcome is not None else None
    at_least_t = np.empty((R, S, H, n_cut)) if outcome is not None else None
    for t in range(H):
        values = {cls: np.where(pinned[cls], pinned_value[cls], state[cls]) if pinned[cls].any() else state[cls]
                  for cls in STEP_CLASSES}
        h = eta("summit", t, values)
        expit(h, out=h)
        if at_risk is not None and not at_risk[t]:
            h = np.zeros_like(h)
        np.multiply(survival, h, out=first)
        survival -= first
        np.subtract(1.0, survival, out=held_by_month[t])
        if outcome is not None:
            e = eta("outcome", t, values)
            # P(level >= k) = 1 - F(c_k - eta) = F(eta - c_k), k = 1..K-1
            margin = e[..., None] - outcome.cutpoints[:, None, :]
            at_least += first[..., None] * expit(margin, out=margin)
            at_least_t[:, :, t, :] = at_least.mean(axis=2)
        for cls in steps:
            q = eta(cls, t, values)
            expit(q, out=q)
            u = np.random.default_rng(child_seed(seed, "steps", cls, t)).random((S, P))  # shared by the variants
            happened = u < q
            rule = forced.get(cls)
            if rule is not None and rule[t] >= 0:
                happened = np.full((R, S, P), bool(rule[t]))
            ever[cls] |= happened
            step_prob[cls][:, :, t] = ever[cls].mean(axis=2)
            state[cls] = decay(cls) * state[cls] + happened
        for cls in STEP_CLASSES:
            if cls not in steps:
                rule = forced.get(cls)
                add = float(rule[t] > 0) if rule is not None else 0.0
                state[cls] = decay(cls) * state[cls] + add
    held = np.ascontiguousarray(np.moveaxis(held_by_month, 0, -1))
    return [SimResult(held=held[r], outcome_at_least=None if at_least_t is None else at_least_t[r],
                      steps={cls: prob[r] for cls, prob in step_prob.items()}) for r in range(R)]
