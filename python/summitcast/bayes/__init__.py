"""Bayesian outcome models: NUTS in C++, priors as objects, posteriors in ArviZ's schema.

Models
------
Logit
    Binary regression (logit or probit link, offsets, weights).
OrderedLogit, OrderedProbit
    Ordered outcomes with ordered cut-points.
HierarchicalLogit
    Varying intercepts and slopes by group (non-centred).
DiscreteHazard, at_risk_panel
    Discrete-time event-history model (Beck, Katz & Tucker 1998) and the
    helper building its at-risk panel.

Each model has ``sample()`` (NUTS), ``fit_laplace()`` (optionally corrected by
Pareto-smoothed importance sampling, :func:`psis`) and ``fit_map()``,
returning a :class:`Posterior` (draws indexed by (chain, draw), ``summary()``,
``predict_proba()``, ``to_arviz()``).

Default priors (weakly informative; ``standardize=True`` by default, so they
apply to predictors centred and scaled to unit sd, while every reported
coefficient is on the original scale of the data):

* coefficients ``Normal(0, 2.5)``: a one-sd change in a predictor moves the
  log-odds by less than 5 with 95% prior probability -- far beyond effects
  seen in practice, but finite under separation (Gelman et al. 2008; rstanarm);
* intercept ``Normal(0, 2.5)`` on the log-odds at the predictors' means: a
  base rate between about 0.7% and 99.3%;
* cut-points ``Normal(0, 5)`` each (ordered models);
* group-effect sds ``Exponential(1)`` (hierarchical models): differences in
  group odds up to a factor of ~7 are typical, full pooling remains possible.

With ``standardize=False`` the same priors apply to the coefficients as the
data give them; pass ``Flat()`` for the maximum-likelihood limit.
"""

from __future__ import annotations

from .hazard import DiscreteHazard, at_risk_panel, time_terms
from .hierarchical import HierarchicalLogit
from .importance import PSISResult, psis
from .logit import Logit
from .ordinal import OrderedLogit, OrderedProbit
from .posterior import Posterior, PosteriorSummary
from .priors import Cauchy, Exponential, Flat, HalfNormal, HalfStudentT, Normal, StudentT
from .._common.exceptions import ConvergenceWarning, DataWarning

__all__ = [
    "Logit",
    "HierarchicalLogit",
    "DiscreteHazard",
    "at_risk_panel",
    "time_terms",
    "OrderedLogit",
    "OrderedProbit",
    "BayesianLogisticRegression",
    "BayesianOrderedLogit",
    "Posterior",
    "PSISResult",
    "psis",
    "PosteriorSummary",
    "Normal",
    "StudentT",
    "Cauchy",
    "Flat",
    "HalfNormal",
    "HalfStudentT",
    "Exponential",
    "ConvergenceWarning",
    "DataWarning",
]


_ESTIMATORS = ("BayesianLogisticRegression", "BayesianOrderedLogit")


def __getattr__(name: str) -> object:
    # PEP 562: the scikit-learn estimators load scikit-learn (~0.7 s), so only on first use
    if name in _ESTIMATORS:
        from . import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'summitcast.bayes' has no attribute {name!r}")

