"""Large simulation-based calibration of every summitcast.bayes model.

    PYTHONPATH=python python benchmarks/sbc_bayes.py [replications]

Prints, per model and parameter, the chi-squared p-value of the rank
histogram (20 bins) from `replications` (default 1000) simulate-and-fit
rounds, each keeping 100 of 800 NUTS draws.  The CI version
(tests/test_bayes_sbc.py) runs 80 rounds with 8 bins.
"""

from __future__ import annotations

import sys
import time

from summitcast.bayes.calibration import rank_uniformity_pvalues, sbc_ranks
from summitcast.bayes.calibration_models import MODELS, nuts_draws


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for name, simulate in MODELS.items():
        start = time.perf_counter()
        ranks = sbc_ranks(simulate, nuts_draws(800), replications=replications, thin=8, draws=800, seed=2024)
        pvalues = rank_uniformity_pvalues(ranks, bins=20)
        elapsed = time.perf_counter() - start
        print(f"{name:20s} {len(ranks):5d} replications in {elapsed:6.1f}s; min p = {pvalues.min():.4f}")
        for param, p in pvalues.items():
            print(f"    {param:24s} p = {p:.4f}")


if __name__ == "__main__":
    main()
