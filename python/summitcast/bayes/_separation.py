"""Separation in binary regressions: does some combination of the columns
split y = 0 from y = 1, so that the likelihood has no maximum?

:func:`check_separation` warns (the posterior is then finite only because
of the prior).  Single columns are checked directly; a combination is
decided by Konis' (2007) linear programme, which needs SciPy, but most
designs never reach it: a Newton run of the maximum-likelihood fit
certifies either answer cheaply — convergence proves overlap, and its
steps under separation point along a separating direction, which is then
checked row by row (:func:`_certificate`).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from .._common.exceptions import DataWarning


def check_separation(X: np.ndarray, y: np.ndarray, names: list[str], proper: bool) -> None:
    """Warn when a single column separates y = 0 from y = 1 (quasi-)completely.

    Under separation the likelihood keeps increasing as a coefficient grows,
    so the posterior is finite only because of the prior.
    """
    if y.min() == y.max():
        warnings.warn(
            f"y takes only the value {y[0]:g}: the intercept is identified only by the prior",
            DataWarning,
            stacklevel=4,
        )
        return
    what = "finite only because of the prior" if proper else "improper under a flat prior"
    ones, zeros = X[y == 1], X[y == 0]
    flagged = False
    for j, name in enumerate(names):
        lo1, hi1, lo0, hi0 = ones[:, j].min(), ones[:, j].max(), zeros[:, j].min(), zeros[:, j].max()
        if lo1 == hi1 and lo0 == hi0:
            continue  # constant within both classes: reported as a constant column or a plain step
        if hi0 <= lo1 or hi1 <= lo0:
            flagged = True
            warnings.warn(
                f"column {name!r} separates y = 0 from y = 1 (perfect or quasi-complete separation): "
                f"the posterior of its coefficient is {what}",
                DataWarning,
                stacklevel=4,
            )
    # Separation by a combination of columns is a small-sample hazard; the
    # exact check (a linear programme) is skipped for large n, where it costs
    # seconds and separation is practically impossible unless a single
    # column (checked above) or a constant makes it.
    if not flagged and len(y) <= 5000 and _separable(X, y):
        warnings.warn(
            "a combination of the columns of X separates y = 0 from y = 1 (perfect or quasi-complete "
            f"separation: the maximum-likelihood estimate does not exist): the posterior is {what}",
            DataWarning,
            stacklevel=4,
        )


def _separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Separation by a linear combination of columns, decided exactly by a
    linear programme (Konis 2007): with s_i = 2 y_i - 1 and rows z_i = (1, x_i),
    the data are (quasi-)separated iff some beta != 0 has s_i z_i' beta >= 0
    for every row, i.e. iff

        max  sum_i s_i z_i' beta   s.t.  s_i z_i' beta >= 0,  -1 <= beta <= 1

    is positive (beta = 0 is always feasible with value 0).  Most designs
    are not separated and :func:`_certificate` proves either answer cheaply
    (no SciPy); the linear programme runs only when it cannot.  It needs
    SciPy's HiGHS solver; without SciPy an undecided design counts as not
    separated.
    """
    sd = X.std(axis=0)
    keep = sd > 0
    Z = np.column_stack([np.ones(len(y)), (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]])
    S = (2.0 * y - 1.0)[:, None] * Z
    threshold = 1e-7 * len(y)  # the programme's value above which the data count as separated
    verdict = _certificate(Z, y, threshold)
    if verdict is not None:
        return verdict == "separated"
    try:
        from scipy.optimize import linprog
    except ImportError:  # pragma: no cover - SciPy is optional at run time
        return False
    res = linprog(-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(len(y)), bounds=[(-1.0, 1.0)] * Z.shape[1], method="highs")
    return bool(res.status == 0 and -res.fun > threshold)


def _certificate(Z: np.ndarray, y: np.ndarray, threshold: float,
                 max_iter: int = 60) -> Literal["overlap", "separated"] | None:
    """Decide the programme of :func:`_separable` from a Newton run of the
    logit maximum-likelihood fit, or return None when the run does not.

    The logit MLE exists iff there is no (quasi-)separation (Albert &
    Anderson 1984).  When it exists the log-likelihood is strictly concave
    around it and Newton's method converges quadratically: the steps fall to
    rounding level.  Under separation the supremum is approached only as
    beta runs off along a separating direction, where both the score and the
    curvature vanish together and the Newton steps stay of order one.
    Three stopping rules decide:

    * overlap, quantitatively (Stiemke's lemma): the score is
      g = sum_i lambda_i s_i z_i with lambda_i = 1 - p_i for y_i = 1 and p_i
      for y_i = 0, all positive; for a feasible b of the programme its value
      v = sum_i s_i z_i' b obeys lambda_min v <= g' b <= ||g||_1, so
      ||g||_1 <= threshold * lambda_min proves v <= threshold;
    * overlap: Newton's step below 1e-9 (relative) at a finite,
      well-conditioned estimate (the quadratic convergence only a finite
      MLE gives);
    * separation: a step's direction, cleaned by :func:`_separating_direction`,
      is a feasible point of the programme with value above the threshold.

    Anything else (divergence, a singular curvature matrix of collinear
    columns, no decision in ``max_iter`` steps) returns None: undecided,
    and the caller solves the programme.
    """
    # Newton runs in a basis of the column space of Z: collinear columns,
    # such as an intercept beside a full set of group dummies, span no more
    # directions (and leave the curvature matrix singular otherwise).
    B = _column_basis(Z)
    beta = np.zeros(B.shape[1])
    s = 2.0 * y - 1.0
    gram = Z.T @ Z
    gram_pinv = _pseudo_inverse(gram)  # once: b = gram_pinv Z' (a move of eta in Z's column space)
    flat = 1e-9 * np.abs(Z).max()  # |z_i' b| counted as zero, per unit of max|b|

    def loglik(eta: np.ndarray) -> float:
        return float(y @ eta - np.logaddexp(0.0, eta).sum())

    eta = B @ beta
    current = loglik(eta)
    for _ in range(max_iter):
        log_norm = np.logaddexp(0.0, eta)
        p, q = np.exp(eta - log_norm), np.exp(-log_norm)  # p_i and 1 - p_i, each without cancellation
        if np.abs(Z.T @ (y - p)).sum() <= threshold * np.where(y == 1, q, p).min():
            return "overlap"
        hessian = (B * (p * q)[:, None]).T @ B
        if not np.all(np.isfinite(hessian)) or np.linalg.cond(hessian) > 1e12:
            return None
        step = np.linalg.solve(hessian, B.T @ (y - p))
        if np.abs(step).max() <= 1e-9 * (1.0 + np.abs(beta).max()):
            return "overlap" if np.abs(beta).max() < 1e3 else None
        for _ in range(30):  # step halving keeps the likelihood increasing
            trial = B @ (beta + step)
            value = loglik(trial)
            if value >= current:
                break
            step = step / 2.0
        else:
            return None
        if _separating_direction(Z, gram, gram_pinv, flat, s, trial - eta, threshold):
            return "separated"
        beta, eta, current = beta + step, trial, value
    return None


def _separating_direction(Z: np.ndarray, gram: np.ndarray, gram_pinv: np.ndarray, flat: float,
                          s: np.ndarray, move: np.ndarray, threshold: float) -> bool:
    """True when the change ``move`` of the linear predictor in one Newton
    step, cleaned, proves separation: a b with s_i z_i' b >= 0 for every row
    and sum_i s_i z_i' b > threshold * max|b|, so that b / max|b| is a feasible
    point of the programme with a value above the threshold.

    Under quasi-complete separation a step is t d + r: the separating
    direction d (s_i z_i' d > 0 on the separated rows P, = 0 on the rest R)
    plus a part r from the finite coordinates, which shrinks but never
    vanishes.  So the rows where the step moves s_i eta_i up strongly are
    taken as P, and b is the step's coefficient vector projected onto the
    null space of Z_R (which removes r there).  The proof is the row-by-row
    check at the end, not the way b was found: rows of R must be zero to
    rounding (|z_i' b| <= 1e-9 max|Z| max|b|, far inside the 1e-7
    feasibility tolerance of a linear-programming solver), rows of P positive.
    """
    gain = s * move
    top = gain.max()
    if not top > 0:
        return False
    in_p = gain > 1e-3 * top
    if np.abs(move[~in_p]).max(initial=0.0) > 0.1 * top:
        return False  # the rest still moves with the separated rows: not yet a direction (a cheap test first)
    b = gram_pinv @ (Z.T @ move)  # coefficients of the step in Z's columns
    rest = Z[~in_p]
    if len(rest):
        gram_rest = gram - Z[in_p].T @ Z[in_p]
        w, V = np.linalg.eigh(gram_rest)
        null = V[:, w <= 1e-12 * max(w.max(), 0.0)]
        if null.shape[1] == 0:
            return False
        b = null @ (null.T @ b)
    size = np.abs(b).max()
    if not size > 0:
        return False
    margin = s * (Z @ b)
    zero = flat * size
    return bool(np.abs(margin[~in_p]).max(initial=0.0) <= zero and margin[in_p].min() > zero
                and margin.sum() > threshold * size)


def _pseudo_inverse(gram: np.ndarray) -> np.ndarray:
    """The pseudo-inverse of a symmetric positive semi-definite ``gram``
    (directions with eigenvalues below 1e-12 of the largest dropped)."""
    w, V = np.linalg.eigh(gram)
    keep = w > 1e-12 * w.max()
    return (V[:, keep] / w[keep]) @ V[:, keep].T


def _column_basis(Z: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
    """An orthonormal basis (n, r) of the numerical column space of ``Z``, by
    Gram–Schmidt with column pivoting, each projection applied twice (so
    the basis is orthonormal to rounding).  A direction is dropped when its
    residual norm is below ``rtol`` times the largest column norm: it moves
    Z'b by at most that, far less than the separation threshold.

    Plain NumPy on purpose: LAPACK's SVD and QR of a tall matrix run
    multithreaded in OpenBLAS, which on a busy two-core machine costs 0.3 s
    for a 1300 × 18 matrix, against a millisecond here.
    """
    residual = np.array(Z, dtype=float, order="F", copy=True)
    norms = np.sqrt((residual ** 2).sum(axis=0))
    tol = rtol * norms.max()
    basis: list[np.ndarray] = []
    for _ in range(Z.shape[1]):
        norms = np.sqrt((residual ** 2).sum(axis=0))
        j = int(np.argmax(norms))
        if norms[j] <= tol:
            break
        q = residual[:, j] / norms[j]
        for _ in range(2):
            for b in basis:
                q = q - (b @ q) * b
            q = q / np.sqrt(q @ q)
        basis.append(q)
        residual -= np.outer(q, q @ residual)
        residual[:, j] = 0.0
    return np.column_stack(basis)
