"""Benchmark: load the bundled trilateral record and cut vintages.

Times, in this process (best of ``--repeat``, after one warm-up call):

* load       -- ``load_trilateral()``: read the CSV files, derive the
                series meetings, steps and the monthly panel, and build the
                monthly trade nowcast (``load_trade()``, timed on its own too);
* truncate   -- ``TrilateralData.truncate(as_of)`` for one month;
* vintages   -- ``truncate`` for every month from 2008-01 to the data's as_of
                (what a rolling-origin forecast evaluation needs).

Target: the record tables (load_trilateral minus load_trade) < 0.2 s.
Prints the numbers; asserts nothing.

Run:  PYTHONPATH=python python benchmarks/bench_datasets.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd


def _best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from summitcast.datasets import load_trade, load_trilateral

    data = load_trilateral()
    months = pd.date_range("2008-01-01", data.as_of, freq="MS")
    load = _best(load_trilateral, args.repeat)
    trade = _best(load_trade, args.repeat)
    one = _best(lambda: data.truncate("2019-06"), args.repeat)
    t = time.perf_counter()
    for m in months:
        data.truncate(m)
    every = time.perf_counter() - t
    rows = sum(len(getattr(data, name)) for name in ("summits", "meetings", "steps", "series_meetings", "series",
                                                    "crises", "nuclear_tests", "leaders", "elections", "trade"))
    print(f"load_trilateral   {load * 1e3:8.1f} ms  ({rows} table rows, "
          f"{data.indicators.shape[0]}x{data.indicators.shape[1]} panel)")
    print(f"  of which load_trade {trade * 1e3:6.1f} ms; record tables {(load - trade) * 1e3:6.1f} ms  target < 200 ms")
    print(f"truncate(2019-06) {one * 1e3:8.1f} ms")
    print(f"truncate x {len(months)} months {every:6.2f} s  ({every / len(months) * 1e3:.1f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
