"""The per-bin reliability check of issue 11 §3 on a skill backtest's forecasts.

"No reliability bin with 20+ forecasts off by more than its 90% band": for
the trilateral series and for every series pooled, at 6 and 12 months, the
forecasts of the default forecaster (model ``SharedFit`` of
``skill_backtest.py``, or ``--model``) are binned in ten equal-width bins
(``summitcast.evaluate.reliability``), and each bin's mean forecast is
compared with the 90% block-bootstrap band of its observed frequency.  The
blocks are h origins long (windows of h months overlap for h − 1 origins);
pooled, the forecasts are in origin order and a block holds h origins of
every series.  Writes ``benchmarks/results/<forecasts stem>[_<model>]_reliability.txt``.

A 90% band misses a calibrated bin one time in ten, so "no bin outside"
can fail for a perfectly calibrated forecaster.  How often is measured by
consistency resampling (Bröcker & Smith 2007): outcomes are drawn from the
forecasts themselves, y* ~ Bernoulli(p), independently, and the same check
is run on them; the script prints the mean number of bins outside and the
share of draws with none outside.  The draws are independent across
overlapping windows, which real outcomes are not, so this is the chance for
a calibrated forecaster whose windows did not overlap; the band itself is
computed the same way in both.

    python benchmarks/skill_reliability.py benchmarks/results/skill_backtest_configuration2_forecasts.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

MIN_COUNT = 20
SEED = 20240526
CONSISTENCY_DRAWS = 1000


def rows_per_origin(frame: pd.DataFrame) -> int:
    """Forecasts per origin (one per series), the bootstrap block's width in rows."""
    return max(1, round(len(frame) / frame["origin"].nunique()))


def check(frame: pd.DataFrame, horizon: int, per_origin: int):
    from summitcast.evaluate import reliability

    frame = frame.sort_values(["origin", "series"], kind="stable")
    rel = reliability(frame["forecast"].to_numpy(), frame["outcome"].to_numpy(), bins=10, band=0.9,
                      block_length=horizon * per_origin, n_boot=2000, seed=SEED)
    table = rel.table.copy()
    checked = table["n"] >= MIN_COUNT
    table["outside"] = checked & ((table["forecast"] < table["lower"]) | (table["forecast"] > table["upper"]))
    return table, int(checked.sum()), int(table["outside"].sum())


def under_calibration(frame: pd.DataFrame, horizon: int, per_origin: int, seed: int) -> np.ndarray:
    """Bins outside their band in each of the draws y* ~ Bernoulli(forecast)."""
    rng = np.random.default_rng(seed)
    frame = frame.sort_values(["origin", "series"], kind="stable")
    counts = []
    for _ in range(CONSISTENCY_DRAWS):
        drawn = frame.assign(outcome=(rng.random(len(frame)) < frame["forecast"].to_numpy()).astype(float))
        counts.append(check(drawn, horizon, per_origin)[2])
    return np.asarray(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forecasts", type=Path)
    parser.add_argument("--model", default="SharedFit", help="the model checked (default: the forecaster)")
    args = parser.parse_args()
    data = pd.read_csv(args.forecasts, parse_dates=["origin"])
    data = data[(data["model"] == args.model) & data["outcome"].notna()]
    lines = [f"per-bin reliability check of {args.model} in {args.forecasts.name} (benchmarks/skill_reliability.py): "
             f"ten equal-width "
             f"bins; a bin with {MIN_COUNT}+ forecasts fails when its mean forecast lies outside the 90% "
             f"circular block-bootstrap band of its observed frequency (2000 replicates, blocks of h origins, "
             f"seed {SEED})", ""]
    verdicts = []
    for name, subset in [("trilateral", data[data["series"] == "trilateral"]), ("pooled, every series", data)]:
        for h in (6, 12):
            rows = subset[subset["horizon"] == h]
            per_origin = rows_per_origin(rows)
            table, n_checked, n_out = check(rows, h, per_origin)
            drawn = under_calibration(rows, h, per_origin, SEED + h)
            verdicts.append(f"{name}, h={h}: {n_out} of {n_checked} bins with {MIN_COUNT}+ forecasts outside their band"
                            f" (calibrated forecasts, {CONSISTENCY_DRAWS} consistency draws: {drawn.mean():.2f} outside"
                            f" on average, none outside in {(drawn == 0).mean():.1%}, {n_out}+ outside in"
                            f" {(drawn >= n_out).mean():.1%})")
            lines += [f"{name}, {h} months ({len(rows)} forecasts, block {h * per_origin} rows):",
                      table.to_string(float_format="{:.3f}".format), verdicts[-1], ""]
    lines += ["summary:", *verdicts]
    suffix = "" if args.model == "SharedFit" else f"_{args.model}"
    out = args.forecasts.with_name(args.forecasts.name.replace("_forecasts.csv", "") + f"{suffix}_reliability.txt")
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
