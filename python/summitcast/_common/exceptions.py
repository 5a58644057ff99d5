"""The warning hierarchy shared by every layer.

Catch ``SummitcastWarning`` to silence or record everything summitcast warns
about; the subclasses say what kind of trouble it is.  Errors are the
built-in ``ValueError``/``TypeError`` (bad arguments), ``FileNotFoundError``
(paths) and ``summitcast.NumericalError`` (raised by the C++ core when a
computation breaks down, e.g. a covariance that is not positive definite).
"""

from __future__ import annotations

__all__ = ["BoundaryWarning", "ConvergenceWarning", "DataWarning", "SummitcastWarning"]


class SummitcastWarning(UserWarning):
    """Base class of every warning summitcast issues."""


class ConvergenceWarning(SummitcastWarning):
    """An optimiser or sampler did not converge: an optimiser stopped short of
    its tolerance, or a sampler's diagnostics failed (R-hat > 1.01, bulk or
    tail ESS < 100 per chain, divergences, low E-BFMI, saturated tree depth).
    The result is returned, but should not be trusted without a look."""


class BoundaryWarning(SummitcastWarning):
    """An estimate lies on the boundary of the parameter space (a branching
    ratio at 1, a coefficient at 0 under a positivity constraint, a variance at
    0): standard errors there are not valid and the model may be misspecified."""


class DataWarning(SummitcastWarning):
    """Something about the data needs the user's attention: rows skipped or
    merged (with their count), parameters identified only through the prior
    (separation, constant columns), events outside the panel."""
