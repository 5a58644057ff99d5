"""SummitForecaster: the probability that a summit series meets within each coming month.

Indicator models (counts, state space, persistence flags) simulate the
monthly inputs; pooled Bayesian hazards of the diplomatic steps and of the
meeting itself, and an ordered model of what a held meeting adopts, turn
every simulated path under every posterior draw into probabilities (see
``_features``, ``_models`` and ``_simulate`` for the mathematics).
"""

from __future__ import annotations

from ._forecast import Forecast
from ._forecaster import MAX_HORIZON, SummitForecaster
from ._record import STEP_CLASSES
from ._scenario import ScenarioResult
from ._schema import SCHEMA_VERSION, load_schema

__all__ = ["Forecast", "MAX_HORIZON", "SCHEMA_VERSION", "STEP_CLASSES", "ScenarioResult", "SummitForecaster",
           "load_schema"]
