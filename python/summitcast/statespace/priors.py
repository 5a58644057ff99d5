"""Prior distributions for the Bayesian state-space fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class InverseGamma:
    """Inverse-gamma prior on a variance: density ∝ σ^(−2(shape+1)) exp(−scale/σ²)."""

    shape: float
    scale: float

    def __post_init__(self) -> None:
        for name in ("shape", "scale"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
                raise ValueError(f"InverseGamma {name} must be positive and finite, got {value!r}")
