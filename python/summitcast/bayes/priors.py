"""Prior distributions for the Bayesian outcome models.

Location-scale priors (``Normal``, ``StudentT``, ``Cauchy``, ``Flat``) apply
to coefficients, intercepts and cut-points; scale priors (``HalfNormal``,
``HalfStudentT``, ``Exponential``) apply to the standard deviations of group
effects in hierarchical models.  Each is a small immutable value object; the
constructor validates its arguments and names the one that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _core
from .._common.validation import check_float

__all__ = [
    "Prior",
    "ScalePrior",
    "Normal",
    "StudentT",
    "Cauchy",
    "Flat",
    "HalfNormal",
    "HalfStudentT",
    "Exponential",
]


def _check_positive(cls: str, name: str, value: float) -> float:
    v = check_float(value, f"{cls}: {name}")
    if v <= 0:
        raise ValueError(f"{cls}: {name} must be positive and finite, got {value!r}")
    return v


def _check_finite(cls: str, name: str, value: float) -> float:
    return check_float(value, f"{cls}: {name}")


class Prior:
    """Base class of location-scale priors (coefficients, intercepts, cut-points)."""

    proper: bool = True

    def _to_core(self) -> _core.bayes.Prior:  # pragma: no cover - abstract
        raise NotImplementedError



@dataclass(frozen=True)
class Normal(Prior):
    """Normal(mu, sigma) prior."""

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", _check_finite("Normal", "mu", self.mu))
        object.__setattr__(self, "sigma", _check_positive("Normal", "sigma", self.sigma))

    def _to_core(self) -> _core.bayes.Prior:
        return _core.bayes.Prior.normal(self.mu, self.sigma)



@dataclass(frozen=True)
class StudentT(Prior):
    """Student-t prior with ``nu`` degrees of freedom, location ``mu`` and scale ``sigma``."""

    nu: float = 3.0
    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "nu", _check_positive("StudentT", "nu", self.nu))
        object.__setattr__(self, "mu", _check_finite("StudentT", "mu", self.mu))
        object.__setattr__(self, "sigma", _check_positive("StudentT", "sigma", self.sigma))

    def _to_core(self) -> _core.bayes.Prior:
        return _core.bayes.Prior.student_t(self.nu, self.mu, self.sigma)



@dataclass(frozen=True)
class Cauchy(Prior):
    """Cauchy(mu, sigma) prior (Student-t with one degree of freedom)."""

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", _check_finite("Cauchy", "mu", self.mu))
        object.__setattr__(self, "sigma", _check_positive("Cauchy", "sigma", self.sigma))

    def _to_core(self) -> _core.bayes.Prior:
        return _core.bayes.Prior.cauchy(self.mu, self.sigma)



@dataclass(frozen=True)
class Flat(Prior):
    """Improper flat prior: the posterior mode is then the maximum-likelihood estimate."""

    proper = False

    def _to_core(self) -> _core.bayes.Prior:
        return _core.bayes.Prior.flat()



class ScalePrior:
    """Base class of priors on a standard deviation tau > 0."""

    def _to_core(self) -> _core.bayes.ScalePrior:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class HalfNormal(ScalePrior):
    """Half-normal prior with scale ``sigma`` on a standard deviation."""

    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", _check_positive("HalfNormal", "sigma", self.sigma))

    def _to_core(self) -> _core.bayes.ScalePrior:
        return _core.bayes.ScalePrior.half_normal(self.sigma)


@dataclass(frozen=True)
class HalfStudentT(ScalePrior):
    """Half-Student-t prior (``nu`` degrees of freedom, scale ``sigma``) on a standard deviation."""

    nu: float = 3.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "nu", _check_positive("HalfStudentT", "nu", self.nu))
        object.__setattr__(self, "sigma", _check_positive("HalfStudentT", "sigma", self.sigma))

    def _to_core(self) -> _core.bayes.ScalePrior:
        return _core.bayes.ScalePrior.half_student_t(self.nu, self.sigma)


@dataclass(frozen=True)
class Exponential(ScalePrior):
    """Exponential prior with rate ``rate`` (mean 1/rate) on a standard deviation."""

    rate: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", _check_positive("Exponential", "rate", self.rate))

    def _to_core(self) -> _core.bayes.ScalePrior:
        return _core.bayes.ScalePrior.exponential(self.rate)


def check_prior(value: object, name: str, default: Prior) -> Prior:
    """Return ``value`` (or ``default`` when None) after checking it is a location-scale prior."""
    if value is None:
        return default
    if not isinstance(value, Prior):
        raise TypeError(
            f"{name} must be a summitcast.bayes prior (Normal, StudentT, Cauchy, Flat), got {type(value).__name__}"
        )
    return value


def check_scale_prior(value: object, name: str, default: ScalePrior) -> ScalePrior:
    """Return ``value`` (or ``default``) after checking it is a scale prior."""
    if value is None:
        return default
    if not isinstance(value, ScalePrior):
        raise TypeError(
            f"{name} must be a summitcast.bayes scale prior (HalfNormal, HalfStudentT, Exponential), "
            f"got {type(value).__name__}"
        )
    return value
