"""The separation check's maximum-likelihood certificates against the exact
linear programme (SciPy's HiGHS, the peer): on random designs, separated or
not, collinear or not, a certificate never contradicts the programme (overlap
where it finds separation, or separation where it finds none), and the
check's answer equals the programme's."""

from __future__ import annotations

import numpy as np
import pytest
from peers import peer_call

from summitcast.bayes import _separation

optimize = pytest.importorskip("scipy.optimize")


def _programme(X: np.ndarray, y: np.ndarray) -> bool:
    """Konis' linear programme, solved by HiGHS directly (the reference)."""
    sd = X.std(axis=0)
    keep = sd > 0
    Z = np.column_stack([np.ones(len(y)), (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]])
    S = (2.0 * y - 1.0)[:, None] * Z
    res = peer_call(optimize.linprog, -S.sum(axis=0), A_ub=-S, b_ub=np.zeros(len(y)),
                    bounds=[(-1.0, 1.0)] * Z.shape[1], method="highs")
    return bool(res.status == 0 and -res.fun > 1e-7 * len(y))


def _design(rng: np.random.Generator, kind: int) -> tuple[np.ndarray, np.ndarray]:
    n, k = int(rng.integers(8, 400)), int(rng.integers(1, 6))
    X = rng.normal(size=(n, k))
    b = rng.normal(size=k)
    if kind == 0:  # overlapping classes
        y = rng.random(n) < 1 / (1 + np.exp(-X @ b))
    elif kind == 1:  # complete separation by a combination of columns
        y = X @ b + 0.1 * rng.normal() > 0
    elif kind == 2:  # strong but finite effects (points far in the tails)
        y = X @ b * rng.choice([5.0, 20.0]) + rng.logistic(size=n) > 0
    elif kind == 3:  # quasi-complete separation on one level of a discrete column
        X = rng.integers(0, 3, size=(n, k)).astype(float)
        y = rng.random(n) < 0.4
        y[X[:, 0] == 2] = True
    else:  # collinear columns: an intercept-like sum of group dummies beside the features
        groups = rng.integers(0, 3, size=n)
        dummies = (groups[:, None] == np.arange(3)).astype(float)
        X = np.column_stack([X, dummies, dummies * X[:, :1]])
        y = rng.random(n) < 1 / (1 + np.exp(-X[:, :k] @ b))
    return X, y.astype(float)


def test_certificate_and_check_agree_with_the_linear_programme():
    rng = np.random.default_rng(20240526)
    decided = certified = separated = proved_separated = 0
    for trial in range(400):
        X, y = _design(rng, trial % 5)
        if y.min() == y.max():
            continue
        exact = _programme(X, y)
        sd = X.std(axis=0)
        keep = sd > 0
        Z = np.column_stack([np.ones(len(y)), (X[:, keep] - X[:, keep].mean(axis=0)) / sd[keep]])
        verdict = _separation._certificate(Z, y, 1e-7 * len(y))
        assert not (verdict == "overlap" and exact), f"design {trial}: certified overlap, but the programme finds separation"
        assert not (verdict == "separated" and not exact), f"design {trial}: certified separation the programme does not find"
        assert _separation._separable(X, y) == exact, f"design {trial}"
        decided += 1
        certified += verdict == "overlap"
        proved_separated += verdict == "separated"
        separated += exact
    # the certificates settle most designs of either kind, so SciPy is rarely needed
    assert separated >= 60 and certified >= 0.9 * (decided - separated), (decided, separated, certified)
    assert proved_separated >= 0.5 * separated, (separated, proved_separated)


def test_column_basis_is_orthonormal_and_spans_the_columns():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(200, 4))
    Z = np.column_stack([np.ones(200), A, A[:, :2] @ [[1.0], [2.0]], 3 * A[:, 3:]])  # rank 5 of 7 columns
    B = _separation._column_basis(Z)
    assert B.shape == (200, 5)
    np.testing.assert_allclose(B.T @ B, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(B @ (B.T @ Z), Z, atol=1e-10)  # every column lies in the span


def _forbid_scipy(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name.startswith("scipy"):
            raise AssertionError("the linear programme was reached")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)


def test_separation_check_needs_no_scipy_for_an_overlapping_design(monkeypatch):
    """Overlap proved by the certificate never reaches the linear programme."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(300, 3))
    y = (rng.random(300) < 1 / (1 + np.exp(-X @ [0.5, -0.3, 0.2]))).astype(float)
    _forbid_scipy(monkeypatch)
    assert _separation._separable(X, y) is False


def test_quasi_separation_by_a_group_is_proved_without_scipy(monkeypatch):
    """A pooled design's kind of separation: one group never has y = 1 while
    its binary feature is on — a combination (its dummy and its interaction),
    not any single column — proved by a Newton step's direction."""
    rng = np.random.default_rng(5)
    n = 600
    group = rng.integers(0, 3, size=n)
    crisis = (rng.random(n) < 0.3).astype(float)
    dummies = (group[:, None] == np.arange(1, 3)).astype(float)
    x = rng.normal(size=n)
    X = np.column_stack([x, crisis, dummies, dummies * crisis[:, None]])
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 0.5 * x)))).astype(float)
    y[(group == 2) & (crisis == 1)] = 0.0
    assert _programme(X, y)
    _forbid_scipy(monkeypatch)
    assert _separation._separable(X, y) is True
