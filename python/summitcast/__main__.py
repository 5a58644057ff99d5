"""Command line: ``summitcast`` (or ``python -m summitcast``).

The main job: fit a model to bundled public data and print the fit and its
forecasts.  Until the summit forecaster lands, the job is the indicator layer
on its own: an unobserved-components model of a bundled public series, fitted
by maximum likelihood and by Gibbs sampling, with forecasts.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="summitcast", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="forecast horizon (default 5)")
    parser.add_argument("--seed", type=int, default=20240526, help="seed for the Bayesian fit")
    parser.add_argument("--draws", type=int, default=1000, help="posterior draws per chain")
    args = parser.parse_args(argv)

    import pandas as pd

    from ._bundled import load_nile
    from .statespace import UnobservedComponents

    y = load_nile()
    model = UnobservedComponents(y, level="local level")
    fit = model.fit()
    print(fit.summary())
    print()
    print(f"Forecast, {args.steps} steps, maximum likelihood:")
    print(fit.get_forecast(args.steps).summary_frame())
    post = model.fit_bayes(draws=args.draws, tune=500, chains=4, seed=args.seed)
    print()
    print(post.summary())
    print()
    print(f"Posterior predictive forecast, {args.steps} steps (90% interval):")
    with pd.option_context("display.float_format", lambda v: f"{v:.1f}"):
        print(post.forecast_summary(args.steps, alpha=0.1, seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
