"""summitcast.diagnostics equals ArviZ's implementation on the same draws (to 1e-6)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import summitcast.diagnostics as sd

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # ArviZ announces its refactor on import
    az = pytest.importorskip("arviz")
# ArviZ 0.23's numba path of mcse(method="sd") calls float() on a 1-element
# array, which NumPy >= 2.4 rejects; its plain NumPy path is the reference.
az.Numba.disable_numba()


def ar1(rng, chains, draws, phi, shift=None, heavy=False):
    e = rng.standard_t(2, size=(chains, draws)) if heavy else rng.normal(size=(chains, draws))
    x = np.zeros((chains, draws))
    x[:, 0] = e[:, 0]
    for t in range(1, draws):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    if shift is not None:
        x += np.asarray(shift)[:, None]
    return x


def cases():
    rng = np.random.default_rng(7)
    return {
        "iid": rng.normal(size=(4, 500)),
        "ar1_0.9": ar1(rng, 4, 1000, 0.9),
        "ar1_odd_draws": ar1(rng, 3, 777, 0.5),
        "negative_corr": ar1(rng, 2, 400, -0.6),
        "heavy_tails": ar1(rng, 4, 300, 0.3, heavy=True),
        "stuck_chain": ar1(rng, 4, 200, 0.95, shift=[0.0, 0.0, 0.0, 3.0]),
        "ties": np.round(ar1(rng, 4, 250, 0.2), 0),
        "one_chain": ar1(rng, 1, 500, 0.7),
    }


CASES = cases()


@pytest.mark.parametrize("name", list(CASES))
def test_matches_arviz(name):
    x = CASES[name]
    checks = {
        "ess_bulk": (sd.ess_bulk(x), az.ess(x, method="bulk")),
        "ess_tail": (sd.ess_tail(x), az.ess(x, method="tail")),
        "ess_mean": (sd.ess_mean(x), az.ess(x, method="mean")),
        "mcse_mean": (sd.mcse_mean(x), az.mcse(x, method="mean")),
        "mcse_sd": (sd.mcse_sd(x), az.mcse(x, method="sd")),
    }
    if x.shape[0] > 1:
        checks["rhat"] = (sd.rhat(x), az.rhat(x, method="rank"))
    for key, (ours, theirs) in checks.items():
        assert ours == pytest.approx(float(theirs), rel=1e-6), key


def test_bfmi_matches_arviz():
    rng = np.random.default_rng(3)
    energy = ar1(rng, 4, 300, 0.8) + 50
    np.testing.assert_allclose(sd.bfmi(energy), az.bfmi(energy), rtol=1e-10)


def test_sampler_output_matches_arviz():
    import statsmodels.api as sm

    import summitcast.bayes as sb

    data = sm.datasets.spector.load_pandas()
    post = sb.Logit(data.exog, data.endog).sample(draws=500, tune=500, chains=4, seed=11)
    ours = post.summary_frame()
    theirs = az.summary(post.to_arviz(), hdi_prob=0.94, round_to="none")
    for col in ["mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"]:
        np.testing.assert_allclose(ours[col].to_numpy(), theirs.loc[ours.index, col].to_numpy(), rtol=1e-6, err_msg=col)
    np.testing.assert_allclose(post.diagnostics()["bfmi"], az.bfmi(post.to_arviz()), rtol=1e-10)


def test_constant_draws_and_bad_shapes():
    x = np.ones((4, 100))
    assert sd.ess_bulk(x) == pytest.approx(float(az.ess(x, method="bulk")))
    with pytest.raises(ValueError, match="at least 4 draws"):
        sd.rhat(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"\(chain, draw\)"):
        sd.rhat(np.zeros((2, 3, 4)))
