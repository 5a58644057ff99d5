"""Count time series: INGARCH / log-linear count autoregressions.

``INGARCH(endog, past_obs=1, past_mean=None, exog=None, link="log", family="poisson")``
fits Poisson or negative-binomial models with feedback, as R's tscount does,
with a C++ core (analytic score, BFGS); ``intervention`` builds level-shift,
spike and decaying-effect covariates; ``simulate_ingarch`` draws series.
"""

from __future__ import annotations

from ._forecast import CountForecast
from ._ingarch import INGARCH, BoundaryWarning, ConvergenceWarning, INGARCHResults, simulate_ingarch
from ._interventions import intervention

__all__ = [
    "INGARCH",
    "INGARCHResults",
    "CountForecast",
    "BoundaryWarning",
    "ConvergenceWarning",
    "intervention",
    "simulate_ingarch",
]
