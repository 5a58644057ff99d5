"""MCMC convergence diagnostics on (chain, draw) arrays, computed in C++.

Rank-normalised split R-hat, bulk and tail effective sample sizes and Monte
Carlo standard errors follow Vehtari, Gelman, Simpson, Carpenter & Bürkner
(2021) with ArviZ's conventions, so the numbers equal ``arviz.rhat``,
``arviz.ess`` and ``arviz.mcse`` on the same draws.

Draws must be finite: NaN or infinite draws raise ``ValueError`` (they mean
the sampler broke, and no diagnostic of them is meaningful).  Where a
diagnostic is undefined for finite draws -- R-hat and the sd's Monte Carlo
error of constant draws, E-BFMI of a chain whose energy never changes -- the
value is NaN and a ``ConvergenceWarning`` says why.

The thresholds every summitcast sampler (NUTS and the state-space Gibbs
sampler) is judged by live here, in one place: :data:`RHAT_MAX`,
:data:`ESS_MIN_PER_CHAIN` and :data:`BFMI_MIN`; :func:`convergence_problems`
applies them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._common.exceptions import ConvergenceWarning
from .._common.validation import as_float_array

__all__ = ["BFMI_MIN", "ESS_MIN_PER_CHAIN", "RHAT_MAX", "bfmi", "convergence_problems", "ess_bulk", "ess_mean",
           "ess_tail", "mcse_mean", "mcse_sd", "rhat", "summary_diagnostics"]

#: Rank-normalised split R-hat above this means the chains disagree
#: (Vehtari et al. 2021).
RHAT_MAX = 1.01
#: Bulk and tail ESS below this many per chain are too few to trust the
#: posterior's mean and its 5% / 95% quantiles (Vehtari et al. 2021: 100 per
#: chain, i.e. 400 for four chains).
ESS_MIN_PER_CHAIN = 100.0
#: Energy Bayesian fraction of missing information below this means the
#: sampler explores the energy distribution poorly (Betancourt 2016).
BFMI_MIN = 0.3

_CONSTANT = "the draws are constant"


def _draws(x: Any, name: str = "x") -> np.ndarray:
    a = as_float_array(x, name)
    if a.ndim not in (1, 2):
        raise ValueError(f"{name} must be shaped (chain, draw), got {a.ndim} dimensions")
    if a.ndim == 1:
        a = a[None, :]
    if a.shape[1] < 4:
        raise ValueError(f"{name} must have at least 4 draws per chain, got {a.shape[1]}")
    return a


def _explained(value: float, x: np.ndarray, what: str, *, undefined_if_constant: bool = False,
               name: str = "x") -> float:
    """``value``, warning with the reason when it is NaN.  Where the quantity
    is undefined for constant draws (a ratio of zero spreads), constant draws
    give NaN whatever rounding made of it."""
    constant = bool(np.all(x == x.flat[0]))
    if undefined_if_constant and constant:
        value = np.nan
    if np.isnan(value):
        reason = _CONSTANT if constant else "they do not vary enough"
        warnings.warn(f"{what} of {name} is undefined (NaN): {reason}", ConvergenceWarning, stacklevel=3)
    return float(value)


def _diagnostic(name: str, what: str, doc: str, *, undefined_if_constant: bool = False):
    """The public function ``name``: the core's diagnostic of checked draws,
    NaN explained (see :func:`_explained`)."""
    compute = getattr(_core.bayes, name)

    def diagnostic(x: object) -> float:
        a = _draws(x)
        return _explained(compute(a), a, what, undefined_if_constant=undefined_if_constant)

    diagnostic.__name__ = diagnostic.__qualname__ = name
    diagnostic.__doc__ = doc
    return diagnostic


rhat = _diagnostic("rhat", "R-hat", "Rank-normalised split R-hat (the larger of the bulk and tail versions).",
                   undefined_if_constant=True)
ess_bulk = _diagnostic("ess_bulk", "bulk ESS", "Bulk effective sample size (rank-normalised split chains).")
ess_tail = _diagnostic("ess_tail", "tail ESS",
                       "Tail effective sample size: the smaller ESS of the 5% and 95% quantile indicators.")
ess_mean = _diagnostic("ess_mean", "ESS of the mean",
                       "Effective sample size for the mean (split chains, no rank normalisation).")
mcse_mean = _diagnostic("mcse_mean", "MCSE of the mean", "Monte Carlo standard error of the posterior mean.")
mcse_sd = _diagnostic("mcse_sd", "MCSE of the sd", "Monte Carlo standard error of the posterior standard deviation.",
                      undefined_if_constant=True)


def bfmi(energy: object) -> np.ndarray:
    """Estimated Bayesian fraction of missing information, one value per chain
    (NaN, with a ``ConvergenceWarning``, for a chain whose energy is constant)."""
    a = _draws(energy, "energy")
    out = np.asarray(_core.bayes.bfmi(a), dtype=float)
    out[np.all(a == a[:, :1], axis=1)] = np.nan  # 0 / 0, whatever rounding made of it
    stuck = np.flatnonzero(np.isnan(out))
    if stuck.size:
        warnings.warn(f"E-BFMI of chain(s) {stuck.tolist()} is undefined (NaN): their energy is constant",
                      ConvergenceWarning, stacklevel=2)
    return out


def summary_diagnostics(cube: np.ndarray, names: list[str]) -> pd.DataFrame:
    """``mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat`` of every parameter of a
    (chain, draw, parameter) array.

    R-hat needs two chains (as in ArviZ): with one it is NaN, and the frame's
    ``attrs["why_nan"]`` says so.  Constant parameters (NaN R-hat and MCSE of
    the sd) are named in a ``ConvergenceWarning``.
    """
    cube = np.ascontiguousarray(cube, dtype=float)
    raw = np.asarray(_core.bayes.summary_diagnostics(cube))
    frame = pd.DataFrame(raw[:, :5], index=pd.Index(names, name="parameter"),
                         columns=["mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"])
    constant = [n for j, n in enumerate(names) if np.all(cube[:, :, j] == cube.flat[j])]
    frame.loc[constant, ["mcse_sd", "r_hat"]] = np.nan  # undefined, whatever rounding made of them
    why: dict[str, str] = {}
    if cube.shape[0] < 2:
        frame["r_hat"] = np.nan
        why["r_hat"] = "R-hat needs at least two chains"
    if constant:
        warnings.warn(f"R-hat and the MCSE of the sd are undefined (NaN) for {constant}: {_CONSTANT}",
                      ConvergenceWarning, stacklevel=3)
    frame.attrs["why_nan"] = why
    return frame


def convergence_problems(diagnostics: pd.DataFrame, n_chains: int) -> list[str]:
    """What fails the thresholds in a :func:`summary_diagnostics` frame: R-hat
    above :data:`RHAT_MAX` (with two or more chains), bulk or tail ESS below
    :data:`ESS_MIN_PER_CHAIN` per chain."""
    problems = []
    r_hat = diagnostics["r_hat"].to_numpy()
    if n_chains > 1 and np.nanmax(r_hat, initial=-np.inf) > RHAT_MAX:
        worst = diagnostics["r_hat"].idxmax()
        problems.append(f"R-hat up to {np.nanmax(r_hat):.3f} ({worst}; > {RHAT_MAX})")
    ess = diagnostics[["ess_bulk", "ess_tail"]].min(axis=1)
    floor = ESS_MIN_PER_CHAIN * n_chains
    if (ess < floor).any():
        problems.append(f"ESS as low as {ess.min():.0f} ({ess.idxmin()}; < {floor:.0f} = {ESS_MIN_PER_CHAIN:.0f} per "
                        "chain): draw more")
    return problems
