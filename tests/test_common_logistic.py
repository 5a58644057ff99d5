"""The package's one logistic function against a brute-force oracle."""

import math
import warnings

import numpy as np

from summitcast._common.logistic import expit


def test_expit_matches_the_definition_and_its_limits():
    x = np.array([-800.0, -40.0, -1.5, 0.0, 0.3, 40.0, 800.0, -np.inf, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e^800 overflows by design: no warning may escape
        got = expit(x)
    # the oracle in exact-ish arithmetic: math.exp with the sign split so nothing overflows
    oracle = [1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)) for v in x]
    np.testing.assert_allclose(got, oracle, rtol=4e-16, atol=0.0)
    assert got[0] == 0.0 and got[-1] == 1.0 and got[3] == 0.5


def test_expit_in_place_scalar_and_nan():
    x = np.linspace(-5, 5, 11)
    expected = 0.5 * (1.0 + np.tanh(0.5 * x))
    out = expit(x, out=x)
    assert out is x
    np.testing.assert_allclose(x, expected, rtol=0, atol=4.5e-16)
    assert isinstance(expit(2.0), float) and abs(expit(2.0) - 1 / (1 + math.exp(-2.0))) == 0.0
    assert np.isnan(expit(np.array([np.nan]))[0])
