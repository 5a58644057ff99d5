"""Skill of the default SummitForecaster on the no-look-ahead monthly backtest
of the bundled record (issue 11 §3), with every baseline scored on the same windows.

Origins 2010-01 to the data's as-of (windows not wholly recorded are left out
by ``summitcast.evaluate.backtest``), horizons 6 and 12 months, every bundled
series; at each origin the forecaster is refitted on ``data.truncate(origin)``.
The pooled models forecast every series, so one fit per origin serves all of
them: the factory below hands each series the origin's shared fit (seeded by
the first series of the origin's task, so the result does not depend on the
executor).  Writes ``benchmarks/results/<name>.txt`` and the forecasts to
``<name>_forecasts.csv`` (``--name``, default ``skill_backtest``; each scored
configuration keeps its own files, see ``skill_configurations.md``).

    python benchmarks/skill_backtest.py [--workers 2] [--to YYYY-MM] [--name skill_backtest_configuration2] [--seed N]
"""

from __future__ import annotations

import argparse
import functools
import time
import warnings
from summitcast.evaluate import process_pool
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
#: None: the forecaster's own probabilities (what configurations 1-6 were scored on, and what
#: the carried map is learned from); "bundled": the default as it ships, map included.
RECALIBRATION = None


class SharedFit:
    """A SummitForecaster for one series that reuses the pooled fit of its origin."""

    _cache: dict = {}

    def __init__(self, series: str = "trilateral", proposals: int | None = None) -> None:
        self.series = series
        self.proposals = proposals  # importance proposals per round in fast mode (None: the default)

    def fit(self, data, as_of=None, seed=None):
        from summitcast import SummitForecaster
        from summitcast.forecaster import _models

        key = str(as_of)
        if key not in SharedFit._cache:
            SharedFit._cache.clear()
            fast = _models.MODE_SETTINGS["fast"]
            default = fast["draws"]
            if self.proposals is not None:  # set here, in the worker's own process, and restored below
                fast["draws"] = self.proposals
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # k-hat notes: the fast mode's own diagnostics
                    # the model's own probabilities: the recalibration the default carries is learned
                    # from these (benchmarks/skill_recalibration.py), so it is scored from them
                    SharedFit._cache[key] = SummitForecaster(recalibration=RECALIBRATION).fit(data, as_of=as_of,
                                                                                              seed=seed)
            finally:
                fast["draws"] = default
        self.fitted = SharedFit._cache[key]
        return self

    def forecast(self, horizon):
        return self.fitted.forecast(horizon, series=self.series, drivers=False)


def main() -> None:
    import summitcast as sc
    from summitcast._common.time import month_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--to", default=None)
    parser.add_argument("--name", default="skill_backtest", help="stem of the result files in benchmarks/results")
    parser.add_argument("--seed", type=int, default=20240526,
                        help="the backtest's seed (every configuration was scored with the default; "
                             "others measure the Monte Carlo spread of the scores)")
    parser.add_argument("--proposals", type=int, default=None,
                        help="importance proposals per round in fast mode (default: the forecaster's own)")
    args = parser.parse_args()
    data = sc.datasets.load_trilateral()
    origins = month_index("2010-01", args.to or data.as_of)
    started = time.perf_counter()
    executor = process_pool(args.workers) if args.workers > 1 else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        factory = SharedFit if args.proposals is None else functools.partial(SharedFit, proposals=args.proposals)
        bt = sc.evaluate.backtest(factory, data, origins, horizons=(6, 12), series="all", seed=args.seed,
                                  executor=executor)
    elapsed = time.perf_counter() - started
    if executor is not None:
        executor.shutdown()
    bt.to_frame().to_csv(RESULTS / f"{args.name}_forecasts.csv", index=False)
    proposals = "" if args.proposals is None else f" with {args.proposals} importance proposals per round"
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", "{:.4f}".format):
        text = [f"skill backtest: {len(origins)} origins {origins[0]:%Y-%m}..{origins[-1]:%Y-%m}, horizons 6 and 12, "
                f"every series, fast mode{proposals}, seed {args.seed}; {elapsed:.0f} s on {args.workers} worker(s)", "",
                "pooled over all series, by horizon:", bt.by_horizon().to_string(), "",
                "by series and horizon:", bt.by_series().to_string(), "", str(bt.summary())]
    (RESULTS / f"{args.name}.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
