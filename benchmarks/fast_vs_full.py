"""Fast mode (Laplace + PSIS) against full mode (NUTS) on a monthly replay.

At every origin (default monthly 2015-01 to the data's as-of) the trilateral
forecaster is fitted both ways with the same seed on the vintage of that
month, and P(held within 6, 12, 24 months) compared.  Target (issue 10):
|fast − full| at most 0.03 in median and 0.06 at worst.  Also prints the
Pareto k̂ of the fast mode's summit hazard.  Writes
``benchmarks/results/fast_vs_full.txt`` (and a CSV of every origin).

    python benchmarks/fast_vs_full.py [--from 2015-01] [--to YYYY-MM] [--every 1]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
HORIZONS = (6, 12, 24)


def main() -> None:
    import summitcast as sc
    from summitcast._common.time import month_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="2015-01")
    parser.add_argument("--to", default=None)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    data = sc.datasets.load_trilateral()
    origins = list(month_index(args.start, args.to or data.as_of))[:: args.every]
    rows = []
    started = time.perf_counter()
    for origin in origins:
        row = {"origin": f"{origin:%Y-%m}"}
        for mode in ("fast", "full"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = sc.SummitForecaster(mode=mode).fit(data, as_of=origin, seed=args.seed)
            f = fc.forecast(max(HORIZONS), drivers=False)
            for h in HORIZONS:
                row[f"{mode}_{h}"] = f.p_held(h)
            if mode == "fast":
                row["khat_summit"] = fc.models.summit.diagnostics["khat"]
        for h in HORIZONS:
            row[f"diff_{h}"] = row[f"fast_{h}"] - row[f"full_{h}"]
        rows.append(row)
        print(", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(RESULTS / "fast_vs_full.csv", index=False)
    diffs = frame[[f"diff_{h}" for h in HORIZONS]].abs()
    lines = [f"fast (Laplace + PSIS) vs full (NUTS), trilateral, {len(frame)} origins {origins[0]:%Y-%m}.."
             f"{origins[-1]:%Y-%m}, seed {args.seed}, {time.perf_counter() - started:.0f} s", "",
             "|fast - full| of P(held within h months):",
             diffs.describe(percentiles=[0.5, 0.9]).T[["mean", "50%", "90%", "max"]].to_string(float_format="{:.4f}".format),
             "", f"median over all horizons {np.median(diffs.to_numpy()):.4f}; worst {diffs.to_numpy().max():.4f} "
             f"(target: median <= 0.03, worst <= 0.06)",
             f"summit hazard k-hat: median {frame['khat_summit'].median():.2f}, max {frame['khat_summit'].max():.2f}"]
    (RESULTS / "fast_vs_full.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
