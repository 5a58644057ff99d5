"""Prior distributions for the Bayesian state-space fit."""

from __future__ import annotations

from dataclasses import dataclass

from .._common.validation import check_float


@dataclass(frozen=True)
class InverseGamma:
    """Inverse-gamma prior on a variance: density ∝ σ^(−2(shape+1)) exp(−scale/σ²)."""

    shape: float
    scale: float

    def __post_init__(self) -> None:
        for name in ("shape", "scale"):
            value = check_float(getattr(self, name), f"InverseGamma {name}")
            if value <= 0:
                raise ValueError(f"InverseGamma {name} must be positive and finite, got {value!r}")
            object.__setattr__(self, name, value)
