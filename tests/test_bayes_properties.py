"""Property-based checks: whatever arrays reach the C++ core, the answer is a
finite result or a ValueError naming the argument -- never a crash -- and the
analytic gradient matches finite differences on random problems."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from summitcast import _core

core = _core.bayes
FLAT = core.Prior.flat()
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 6),
    p=st.integers(0, 3),
    ny=st.integers(0, 7),
    data=st.data(),
)
def test_binary_regression_constructor_never_crashes(n, p, ny, data):
    X = data.draw(arrays(np.float64, (n, p), elements=floats))
    y = data.draw(arrays(np.float64, (ny,), elements=st.sampled_from([0.0, 1.0, 2.0, np.nan, -1.0])))
    w = data.draw(st.one_of(st.just(np.zeros(0)), arrays(np.float64, (n,), elements=floats)))
    try:
        model = core.BinaryRegression(X, y, "logit", True, FLAT, FLAT, np.zeros(0), w)
    except ValueError as exc:
        assert any(name in str(exc) for name in ("X", "y", "weights", "offset"))
        return
    lp, g = model.log_density(np.zeros(p + 1))
    assert np.isfinite(lp) and np.isfinite(g).all()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), G=st.integers(1, 4), data=st.data())
def test_hierarchical_constructor_never_crashes(n, G, data):
    X = data.draw(arrays(np.float64, (n, 1), elements=st.floats(-5, 5)))
    y = data.draw(arrays(np.float64, (n,), elements=st.sampled_from([0.0, 1.0])))
    groups = data.draw(arrays(np.int32, (n,), elements=st.integers(-1, G)))
    try:
        model = core.HierarchicalBinaryRegression(X, np.ones((n, 1)), y, groups, G, "logit", True, FLAT, FLAT,
                                                  core.ScalePrior.half_normal(1.0), np.zeros(0), np.zeros(0))
    except ValueError as exc:
        assert "groups" in str(exc)
        return
    assert np.isfinite(model.log_density(np.zeros(model.dim))[0])


def test_wrong_parameter_sizes_raise():
    model = core.BinaryRegression(np.ones((3, 2)), np.array([0.0, 1.0, 1.0]), "logit", True, FLAT, FLAT,
                                  np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="theta must have size 3"):
        model.log_density(np.zeros(2))
    with pytest.raises(ValueError, match="start must have size 3"):
        core.find_mode(model, np.zeros(5))
    with pytest.raises(ValueError, match="init"):
        core.sample(model, 10, 10, 2, 1, 1, inits=[np.zeros(3)])
    with pytest.raises(ValueError, match=r"y must be an integer code in \[0, 2\], got 5 at row 2"):
        core.OrderedRegression(np.ones((3, 1)), np.array([0.0, 1.0, 5.0]), 3, "logit", FLAT, FLAT, np.zeros(0),
                               np.zeros(0))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), link=st.sampled_from(["logit", "probit"]))
def test_gradient_matches_finite_differences_on_random_problems(seed, link):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(1, 30)), int(rng.integers(1, 4))
    X = rng.normal(scale=rng.uniform(0.1, 5), size=(n, p))
    y = rng.integers(0, 2, n).astype(float)
    model = core.BinaryRegression(X, y, link, True, core.Prior.student_t(3, 0, 2), core.Prior.normal(0, 3),
                                  rng.normal(size=n), rng.uniform(0, 2, n))
    theta = rng.normal(scale=2, size=p + 1)
    _, g = model.log_density(theta)
    h = 1e-6
    for j in range(p + 1):
        e = np.zeros(p + 1)
        e[j] = h
        fd = (model.log_density(theta + e)[0] - model.log_density(theta - e)[0]) / (2 * h)
        assert g[j] == pytest.approx(fd, rel=1e-4, abs=1e-5)
