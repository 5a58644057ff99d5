"""summitcast: how likely a diplomatic summit is, when, and what it will produce.

Layers (each usable alone; see the README):

``summitcast.statespace``  continuous indicators: unobserved-components models
                           (Kalman filter and smoother, MLE, Gibbs sampling)
``summitcast.counts``      monthly counts: INGARCH count autoregressions
``summitcast.events``      dated events: Hawkes processes
``summitcast.bayes``       outcome models: NUTS, discrete hazards, ordered logits
``summitcast.diagnostics`` R-hat and ESS
``summitcast.datasets``    the bundled trilateral record and simulated worlds
``summitcast.io``          readers for GDELT, ICEWS, Comtrade, CNS and ACLED files
``summitcast.evaluate``    proper scores, calibration, no-look-ahead backtests with
                           baselines and stacking, on any executor
``summitcast.forecaster``  ``SummitForecaster``: the layers composed into summit
                           probabilities, scenarios and the ``summitcast`` CLI

Submodules load on first use (``import summitcast as sc;
sc.statespace.UnobservedComponents(...)`` works without importing
``summitcast.statespace`` first), so ``import summitcast`` stays fast.
``summitcast.load(path)`` reads any fitted object saved with ``.save(path)``.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._common.exceptions import BoundaryWarning, ConvergenceWarning, DataWarning, SummitcastWarning
from ._core import NumericalError

__version__ = "0.1.0"

_SUBMODULES = ("bayes", "counts", "datasets", "diagnostics", "evaluate", "events", "forecaster", "io", "statespace")

__all__ = [
    "BoundaryWarning",
    "ConvergenceWarning",
    "DataWarning",
    "NumericalError",
    "SummitForecaster",
    "SummitcastWarning",
    "__version__",
    "load",
    *_SUBMODULES,
]


def load(path: Any) -> Any:
    """Load a fitted object saved by summitcast (``results.save(path)``): a
    versioned JSON document that never executes code (see
    ``summitcast._common.persist``)."""
    from ._common.persist import load as _load

    return _load(path)


def __getattr__(name: str) -> Any:
    # PEP 562: import a layer (or the forecaster) the first time it is used.
    if name == "SummitForecaster":
        from .forecaster import SummitForecaster

        globals()[name] = SummitForecaster
        return SummitForecaster
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'summitcast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES) | {"SummitForecaster"})
