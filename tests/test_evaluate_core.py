"""The score layer's C++ entry points (summitcast._core.score) check their
arguments against each other themselves: a ValueError naming the argument,
never a read past an array or undefined behaviour from NaN in a sort."""

from __future__ import annotations

import numpy as np
import pytest

from summitcast import _core

S = _core.score
V3 = np.array([0.1, 0.5, 0.9])
Y3 = np.array([0.0, 1.0, 1.0])

CASES = [
    (lambda: S.crps_normal(V3, V3[:2], V3), r"mu must have size 3, got 2"),
    (lambda: S.crps_normal(V3, V3, -V3), r"sigma must be non-negative"),
    (lambda: S.crps_poisson(np.array([1.5]), np.array([2.0])), r"y must be a non-negative integer count, got 1.5"),
    (lambda: S.crps_poisson(V3, V3[:1]), r"mu must have size 3"),
    (lambda: S.crps_negbin(np.array([1.0]), np.array([2.0]), np.array([1.5])), r"prob must be in \(0, 1\], got 1.5"),
    (lambda: S.crps_negbin(np.array([1.0]), np.array([np.nan]), np.array([0.5])), r"size must be positive"),
    (lambda: S.crps_ensemble(V3, np.ones((2, 4)), False), r"samples rows must have size 3, got 2"),
    (lambda: S.crps_ensemble(V3, np.ones((3, 0)), False), r"at least one member"),
    (lambda: S.crps_ensemble(V3, np.ones((3, 1)), True), r"at least two members"),
    (lambda: S.crps_ensemble(V3, np.array([[np.nan, 1.0]] * 3), False), r"samples must be finite, got nan"),
    (lambda: S.crps_ensemble(V3, np.array([[2.0, 1.0]] * 3), False, presorted=True), r"declared sorted"),
    (lambda: S.crps_ensemble(V3, np.array([[1.0, np.nan]] * 3), False, presorted=True), r"declared sorted"),
    (lambda: S.auc(V3, np.array([0.0, 2.0, 1.0])), r"y must be 0 or 1, got 2"),
    (lambda: S.auc(V3, Y3[:2]), r"y must have size 3"),
    (lambda: S.auc(np.array([np.nan, 0.5, 0.9]), Y3), r"p must be finite"),
    (lambda: S.isotonic_calibration(V3, Y3[:2]), r"y must have size 3"),
    (lambda: S.isotonic_calibration(np.zeros(0), np.zeros(0)), r"p is empty"),
    (lambda: S.isotonic_calibration(np.array([np.nan, 0.5, 0.9]), Y3), r"p must be finite"),
    (lambda: S.isotonic_bootstrap(V3, Y3, V3, 4, True, 10, 1), r"block_length must be between 1 and the number"),
    (lambda: S.isotonic_bootstrap(V3, Y3, V3, 1, True, 0, 1), r"n_boot must be at least 1"),
    (lambda: S.block_bootstrap_means(np.ones((1, 2)), 1, True, 10, 1), r"at least 2 observations"),
    (lambda: S.block_bootstrap_means(np.array([[1.0], [np.inf]]), 1, True, 10, 1), r"values must be finite"),
    (lambda: S.block_bootstrap_group_means(V3, np.array([0, 1, 5], dtype=np.int32), 2, 1, True, 10, 1),
     r"group must be in 0..1, got 5 at position 2"),
    (lambda: S.block_bootstrap_group_means(V3, np.array([0, 1], dtype=np.int32), 2, 1, True, 10, 1),
     r"group must have size 3"),
    (lambda: S.effective_sample_size(V3), r"at least 4 observations, got 3"),
    (lambda: S.effective_sample_size(np.array([1.0, 2.0, np.nan, 3.0])), r"x must be finite"),
]


@pytest.mark.parametrize("call, message", CASES, ids=[m[:40] for _, m in CASES])
def test_entry_point_refuses(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bootstrap_replicates_do_not_depend_on_how_many_are_drawn():
    """Replicate b draws from stream (seed, b): the first 50 of 200 are the 50."""
    x = np.random.default_rng(1).normal(size=(60, 1))
    many = S.block_bootstrap_means(np.asfortranarray(x), 6, True, 200, 77)
    few = S.block_bootstrap_means(np.asfortranarray(x), 6, True, 50, 77)
    np.testing.assert_array_equal(many[:50], few)
