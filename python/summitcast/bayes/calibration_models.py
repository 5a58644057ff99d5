"""Reference simulators for simulation-based calibration of every
summitcast.bayes model: each draws parameters from the model's prior, then
simulated data (nothing here is real), and returns the truth and the model.
``summitcast.bayes.calibration.sbc_ranks`` runs them; the tests use few
replications, benchmarks/sbc_bayes.py many."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _core
from .._common.logistic import expit
from .hazard import DiscreteHazard
from .hierarchical import HierarchicalLogit
from .logit import Logit
from .ordinal import OrderedLogit
from .priors import HalfNormal, Normal

N, P = 40, 2


def _design(rng):
    return rng.normal(size=(N, P))


def logit(link: str):
    def simulate(rng):
        X = _design(rng)
        alpha, beta = rng.normal(0, 1.0), rng.normal(0, 1.0, P)
        eta = alpha + X @ beta
        prob = expit(eta) if link == "logit" else _phi(eta)
        y = (rng.uniform(size=N) < prob).astype(int)
        truth = {"Intercept": alpha, **{f"x{j}": beta[j] for j in range(P)}}
        model = Logit(X, y, link=link, prior=Normal(0, 1), prior_intercept=Normal(0, 1), standardize=False)
        return truth, model

    return simulate


def _phi(x):
    return _core.normal_cdf(x)


def ordered(link: str):
    def simulate(rng):
        X = _design(rng)
        beta = rng.normal(0, 1.0, P)
        cuts = np.sort(rng.normal(0, 2.0, 2))
        noise = rng.logistic(size=N) if link == "logit" else rng.normal(size=N)
        y = np.searchsorted(cuts, X @ beta + noise)
        truth = {"x0": beta[0], "x1": beta[1], "0|1": cuts[0], "1|2": cuts[1]}
        model = OrderedLogit(X, y, link=link, prior=Normal(0, 1), prior_cutpoints=Normal(0, 2),
                                levels=[0, 1, 2], standardize=False)
        return truth, model

    return simulate


def hierarchical(rng):
    G = 5
    X = _design(rng)
    g = np.arange(N) % G
    alpha, beta = rng.normal(0, 1.0), rng.normal(0, 1.0, P)
    tau = np.abs(rng.normal(0, 1.0))
    u = tau * rng.normal(size=G)
    eta = alpha + X @ beta + u[g]
    y = (rng.uniform(size=N) < expit(eta)).astype(int)
    truth = {"Intercept": alpha, "x0": beta[0], "sd(Intercept|group)": tau, "Intercept|group[0]": u[0]}
    model = HierarchicalLogit(X, y, g, prior=Normal(0, 1), prior_intercept=Normal(0, 1),
                                 prior_scale=HalfNormal(1.0), standardize=False)
    return truth, model


MONTHS = pd.period_range("2000-01", periods=120, freq="M")


def hazard(rng):
    """Events drawn month by month from the hazard itself, so durations follow the truth."""
    alpha = rng.normal(-2.5, 0.5)
    beta = rng.normal(0, 0.3, 3)
    last, events = -1, []
    for t, month in enumerate(MONTHS):
        d = (t - last if last >= 0 else t + 1) / 12.0
        eta = alpha + beta[0] * d + beta[1] * d**2 + beta[2] * d**3
        if rng.uniform() < expit(eta):
            events.append(month.to_timestamp())
            last = t
    if not events:
        return {}, None
    truth = {"Intercept": alpha, "duration": beta[0], "duration^2": beta[1]}
    model = DiscreteHazard(MONTHS, events, prior=Normal(0, 0.3), prior_intercept=Normal(-2.5, 0.5),
                              standardize=False)
    return truth, model


MODELS = {
    "logit": logit("logit"),
    "probit": logit("probit"),
    "ordered_logit": ordered("logit"),
    "ordered_probit": ordered("probit"),
    "hierarchical_logit": hierarchical,
    "discrete_hazard": hazard,
}


def nuts_draws(draws: int):
    def run(model, seed):
        return model.sample(draws=draws, tune=300, chains=1, seed=seed).draws

    return run
