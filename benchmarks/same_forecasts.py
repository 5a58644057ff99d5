"""Whether a change left the forecaster's backtest forecasts as they were.

Runs the full monthly backtest of the default ``SummitForecaster`` (fast
mode) on the bundled record, serially, with the benchmark's origins,
horizons and seed (those of ``bench_backtest.py``), and either saves the
forecasts (``--save FILE``, an ``.npz``) or compares them with saved ones
(``--compare FILE``): the number of forecasts, how many are bit-identical,
and the max and median absolute difference.  Run it on the commit before a
speed change (save) and after it (compare).

Run: PYTHONPATH=python python benchmarks/same_forecasts.py --save before.npz
     PYTHONPATH=python python benchmarks/same_forecasts.py --compare before.npz
"""

from __future__ import annotations

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from bench_backtest import HORIZONS, SEED, full_origins  # noqa: E402
from summitcast import evaluate as ev  # noqa: E402
from summitcast.datasets import load_trilateral  # noqa: E402
from summitcast.forecaster import SummitForecaster  # noqa: E402


def forecasts() -> dict[str, np.ndarray]:
    """origin (month ordinal), horizon and forecast of every row of the backtest."""
    data = load_trilateral()
    origins = full_origins(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the forecaster's convergence notes: the numbers are what is compared
        result = ev.backtest(SummitForecaster, data, origins, HORIZONS, seed=SEED, baselines=(), stack=False,
                             progress=False)
    frame = result.frame
    origin = (12 * frame["origin"].dt.year + frame["origin"].dt.month - 1).to_numpy(np.int64)
    return {"origin": origin, "horizon": frame["horizon"].to_numpy(np.int64),
            "forecast": frame["forecast"].to_numpy(np.float64)}


def main() -> None:
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", help="write the forecasts to this .npz")
    group.add_argument("--compare", help="compare the forecasts with this .npz")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    started = time.perf_counter()
    now = forecasts()
    print(f"backtest at {commit}: {now['forecast'].size} forecasts in {time.perf_counter() - started:.0f} s "
          f"(seed {SEED}, horizons {HORIZONS})")
    if args.save:
        np.savez(args.save, commit=commit, **now)
        print(f"saved to {args.save}")
        return
    before = np.load(args.compare)
    for key in ("origin", "horizon"):
        if not np.array_equal(before[key], now[key]):
            raise SystemExit(f"the backtests differ in their {key}s: not the same rows")
    diff = np.abs(now["forecast"] - before["forecast"])
    same = int(np.sum(now["forecast"] == before["forecast"]))
    print(f"against {args.compare} (commit {before['commit']}): {same} of {diff.size} forecasts bit-identical; "
          f"|difference| max {diff.max():.3g}, median {np.median(diff):.3g}")
    if diff.max() > 0:
        worst = int(np.argmax(diff))
        print(f"largest at origin ordinal {now['origin'][worst]} horizon {now['horizon'][worst]}: "
              f"{before['forecast'][worst]!r} -> {now['forecast'][worst]!r}")


if __name__ == "__main__":
    main()
