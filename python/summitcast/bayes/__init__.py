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

Each model has ``sample()`` (NUTS), ``fit_laplace()`` and ``fit_map()``,
returning a :class:`Posterior` (draws indexed by (chain, draw), ``summary()``,
``predict_proba()``, ``to_arviz()``).
"""

from __future__ import annotations

from .estimators import BayesianLogisticRegression, BayesianOrderedLogit
from .hazard import DiscreteHazard, at_risk_panel, time_terms
from .hierarchical import HierarchicalLogit
from .logit import Logit
from .ordinal import OrderedLogit, OrderedProbit
from .posterior import Posterior, PosteriorSummary
from .priors import Cauchy, Exponential, Flat, HalfNormal, HalfStudentT, Normal, StudentT
from .warnings import ConvergenceWarning, DataWarning

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
