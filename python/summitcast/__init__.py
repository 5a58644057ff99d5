"""summitcast: how likely a diplomatic summit is, and what it will produce.

Layers (see the README): ``summitcast.statespace`` forecasts continuous
indicators with unobserved-components models; later layers add count and
event models, Bayesian outcome models and their fusion.
"""

from __future__ import annotations

from ._core import NumericalError

__version__ = "0.1.0"

__all__ = ["NumericalError", "__version__"]
