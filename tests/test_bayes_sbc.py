"""Simulation-based calibration (Talts et al. 2018) for every model: ranks of
the true parameters among posterior draws are uniform by a chi-squared test.

A small version for CI (80 replications, 8 bins); benchmarks/sbc_bayes.py
runs the large one.  The threshold is Bonferroni-corrected over parameters."""

from __future__ import annotations

import pytest
from summitcast.bayes.calibration import rank_uniformity_pvalues, sbc_ranks
from summitcast.bayes.calibration_models import MODELS, nuts_draws


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MODELS))
def test_simulation_based_calibration(name):
    ranks = sbc_ranks(MODELS[name], nuts_draws(400), replications=80, thin=4, draws=400, seed=11)
    assert len(ranks) >= 60
    pvalues = rank_uniformity_pvalues(ranks, bins=8)
    assert (pvalues > 0.001 / len(pvalues)).all(), pvalues


@pytest.mark.slow
def test_calibration_check_detects_a_wrong_posterior():
    """Negative control: fitting with a prior four times too narrow (not the
    prior the data were simulated from) must fail the same uniformity test."""
    import summitcast.bayes as sb

    simulate = MODELS["logit"]

    def wrong_prior(rng):
        truth, model = simulate(rng)
        wide = sb.Logit(model.design.values, model.y, prior=sb.Normal(0, 0.25), prior_intercept=sb.Normal(0, 0.25),
                        standardize=False)
        return truth, wide

    ranks = sbc_ranks(wrong_prior, nuts_draws(400), replications=80, thin=4, draws=400, seed=11)
    pvalues = rank_uniformity_pvalues(ranks, bins=8)
    assert (pvalues < 0.001 / len(pvalues)).any(), pvalues


def test_rank_test_is_exact_for_uniform_ranks_and_uneven_bins():
    """Ranks drawn uniformly on 0..L pass, also when the bins hold different
    numbers of rank values (L + 1 = 101 values in 8 or 20 bins); ranks piled
    up at 0 fail."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    uniform = pd.DataFrame({"a": rng.integers(0, 101, 20000)})
    uniform.attrs["L"] = 100
    for bins in (8, 20):
        assert rank_uniformity_pvalues(uniform, bins=bins)["a"] > 0.01
    piled = pd.DataFrame({"a": np.concatenate([rng.integers(0, 101, 2000), np.zeros(100, dtype=int)])})
    piled.attrs["L"] = 100
    assert rank_uniformity_pvalues(piled, bins=8)["a"] < 1e-4
