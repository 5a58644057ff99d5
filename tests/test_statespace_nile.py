"""Nile local-level model against Durbin & Koopman's published results.

References (../shared/REFERENCES.md): MLE σ²_ε = 15099, σ²_η = 1469.1 (a tight
optimiser gives 15098.5 and 1469.18); maximised log-likelihood −633.4646 with
the −½ log 2π constant kept for the diffuse observation (statsmodels' exact
diffuse convention, which summitcast follows).  Diagnostics (statsmodels
test_diagnostics_nile_durbinkoopman): Ljung–Box Q(9) = 8.84, kurtosis 3.09,
H = 0.61.
"""

from __future__ import annotations

import numpy as np
import pytest

from summitcast._bundled import load_nile
from summitcast.statespace import UnobservedComponents


@pytest.fixture(scope="module")
def nile_fit():
    return UnobservedComponents(load_nile(), level="local level").fit()


def test_nile_mle_variances(nile_fit):
    assert nile_fit.params["sigma2.irregular"] == pytest.approx(15099, rel=0.01)
    assert nile_fit.params["sigma2.level"] == pytest.approx(1469.1, rel=0.01)
    # A tight optimiser (REFERENCES.md) lands on 15098.5 and 1469.18.
    assert nile_fit.params["sigma2.irregular"] == pytest.approx(15098.5, abs=2.0)
    assert nile_fit.params["sigma2.level"] == pytest.approx(1469.18, abs=0.5)


def test_nile_loglike_convention(nile_fit):
    assert nile_fit.llf == pytest.approx(-633.4646, abs=1e-4)
    # KFAS drops ½ log 2π for the single diffuse observation.
    assert nile_fit.nobs_diffuse == 1
    assert nile_fit.llf + 0.5 * np.log(2 * np.pi) == pytest.approx(-632.5456, abs=1e-4)


def test_nile_diagnostics(nile_fit):
    q9 = nile_fit.test_serial_correlation(9)["Q"].loc[9]
    assert q9 == pytest.approx(8.84, abs=0.01)
    assert nile_fit.test_normality()["kurtosis"] == pytest.approx(3.09, abs=0.01)
    h, _ = nile_fit.test_heteroskedasticity()
    assert h == pytest.approx(0.61, abs=0.01)


def test_nile_forecast_extends_period_index(nile_fit):
    frame = nile_fit.get_forecast(3).summary_frame()
    assert [str(p) for p in frame.index] == ["1971", "1972", "1973"]
    # Local level: flat forecast, variance growing by σ²_η per step.
    assert np.allclose(frame["mean"], frame["mean"].iloc[0])
    var = frame["mean_se"].to_numpy() ** 2
    assert np.allclose(np.diff(var), nile_fit.params["sigma2.level"], rtol=1e-8)
