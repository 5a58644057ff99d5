"""Event times: self-exciting Hawkes processes.

``Hawkes(kernel="exp", n_exp=1).fit(times)`` estimates baseline rates, branching
ratios and decays by maximum likelihood in C++ (O(n) recursions with analytic
gradients); results give intensities, time-rescaling residuals with a KS test,
window forecasts and simulation.
"""

from __future__ import annotations

from ._hawkes import BoundaryWarning, ConvergenceWarning, EventWindowForecast, Hawkes, HawkesResults, ks_exponential

__all__ = ["Hawkes", "HawkesResults", "EventWindowForecast", "BoundaryWarning", "ConvergenceWarning", "ks_exponential"]
