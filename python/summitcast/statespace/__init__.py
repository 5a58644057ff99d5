"""Linear Gaussian state-space models for continuous indicators.

``UnobservedComponents`` is the model analysts use; ``TemporalAggregation``
estimates a high-frequency series from periods where only its sums or
averages are known (monthly values from annual totals); ``kalman_filter`` runs
the filter and smoother on any (time-varying) system for those who build
their own.
"""

from __future__ import annotations

from .aggregation import TemporalAggregation
from .aggregation_results import TemporalAggregationResults
from .filter import kalman_filter
from .forecast import ForecastResult
from .priors import InverseGamma
from .unobserved_components import UnobservedComponents, load_results

__all__ = [
    "ForecastResult", "InverseGamma", "TemporalAggregation", "TemporalAggregationResults", "UnobservedComponents",
    "kalman_filter", "load_results",
]
