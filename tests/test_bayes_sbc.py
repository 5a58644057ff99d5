"""Simulation-based calibration (Talts et al. 2018) for every model: ranks of
the true parameters among posterior draws are uniform by a chi-squared test.

A small version for CI (80 replications, 8 bins); benchmarks/sbc_bayes.py
runs the large one.  The threshold is Bonferroni-corrected over parameters."""

from __future__ import annotations

import pytest
from sbc_models import MODELS, nuts_draws

from summitcast.bayes.calibration import rank_uniformity_pvalues, sbc_ranks


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
