"""The fusion's batched walk (the driver attribution's variants side by side)
gives exactly the numbers of separate walks with the same seed, and a
baseline variant changes only what it pins."""

from __future__ import annotations

import numpy as np
import pytest

from summitcast._common.seeds import child_seed
from summitcast.datasets import load_trilateral
from summitcast.forecaster import SummitForecaster
from summitcast.forecaster._features import FEATURE_GROUPS

pytestmark = pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")


@pytest.fixture(scope="module")
def fitted():
    return SummitForecaster(draws=60, paths=12).fit(load_trilateral(), seed=4)


def test_variants_walked_together_equal_separate_walks(fitted):
    key = "trilateral"
    ext, _ = fitted._inputs(key, 18, child_seed(fitted.seed, "forecast", key, "paths"))
    baselines = [{}] + [{n: float(fitted.models.baseline[n]) for n in names} for names in FEATURE_GROUPS.values()]
    together = fitted._run_variants(key, 18, ext, baselines, draws=40)
    for baseline, run in zip(baselines, together):
        alone = fitted._run(key, 18, ext, baseline=baseline, draws=40)
        np.testing.assert_array_equal(run.held, alone.held)
        np.testing.assert_array_equal(run.outcome_at_least, alone.outcome_at_least)
        assert run.steps.keys() == alone.steps.keys()
        for cls in run.steps:
            np.testing.assert_array_equal(run.steps[cls], alone.steps[cls])
    # a variant is a different question: pinning the crises moves the probability
    assert not np.array_equal(together[0].held, together[1 + list(FEATURE_GROUPS).index("crises")].held)
