"""Warning categories of the Bayesian layer."""

from __future__ import annotations

__all__ = ["ConvergenceWarning", "DataWarning"]


class ConvergenceWarning(UserWarning):
    """The sampler's diagnostics failed (R-hat > 1.01, ESS < 400, divergences, low E-BFMI, ...)."""


class DataWarning(UserWarning):
    """The data identify some parameters only through the prior (separation, constant columns, tiny n)."""
