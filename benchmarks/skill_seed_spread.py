"""The Monte Carlo spread of the skill scores: the same backtest under several seeds.

Each argument is the stem of a recalibrated skill backtest in
``benchmarks/results`` (``skill_recalibration.py``'s ``<name>_forecasts.csv``,
or the same gzipped, whose model ``recalibrated`` is the default forecaster
as it ships).  For the trilateral series and for every series pooled, at 6
and 12 months, it
prints what issue 11 §3 asks of each run (Brier, Brier skill against the
better of the two base rates, mean log score against the best baseline's,
expected calibration error, reliability bins with 20+ forecasts outside
their 90% band, as ``skill_reliability.py`` counts them) and then, per
cell, the least, the greatest and the standard deviation over the runs.
Writes ``benchmarks/results/<--name>.txt``.

    python benchmarks/skill_seed_spread.py skill_seed20240526_recalibration skill_seed1_recalibration ...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder's sibling scripts
from skill_recalibration import RESULTS, read_backtest  # noqa: E402
from skill_reliability import check, rows_per_origin  # noqa: E402  (the per-bin check)

MODEL = "recalibrated"
BASE_RATES = ("bss_base_rate_windows", "bss_base_rate_monthly")


def scores(stem: str) -> pd.DataFrame:
    path = RESULTS / f"{stem}_forecasts.csv"
    if not path.exists():  # the replicates are kept compressed
        path = path.with_suffix(".csv.gz")
    result = read_backtest(path)
    baselines = result.baselines
    pooled = result.by_horizon()
    by_series = result.by_series().xs("trilateral", level="series")
    frame = result.frame
    known = frame[(frame["model"] == MODEL) & frame["outcome"].notna()]
    rows = []
    for name, table, subset in [("trilateral", by_series, known[known["series"] == "trilateral"]),
                                ("pooled", pooled, known)]:
        for h in (6, 12):
            ours = table.loc[(MODEL, h)]
            best_log = min(table.loc[(b, h), "log_score"] for b in baselines)
            at_h = subset[subset["horizon"] == h]
            _, checked, outside = check(at_h, h, rows_per_origin(at_h))
            rows.append({"run": stem, "series": name, "h": h, "brier": ours["brier"],
                         "bss": min(ours[c] for c in BASE_RATES), "log_score": ours["log_score"],
                         "best_baseline_log": best_log, "ece": ours["ece"],
                         "bins_outside": outside, "bins_checked": checked})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="+")
    parser.add_argument("--name", default="skill_seed_spread")
    args = parser.parse_args()
    table = pd.concat([scores(stem) for stem in args.stems], ignore_index=True)
    cells = ["brier", "bss", "log_score", "ece", "bins_outside"]
    spread = table.groupby(["series", "h"])[cells].agg(["min", "max", "std"])
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", "{:.4f}".format):
        text = [f"skill scores of the recalibrated default under {len(args.stems)} runs (benchmarks/skill_seed_spread.py): "
                "bss against the better base rate; best_baseline_log the least mean log score of the baselines", "",
                table.to_string(index=False), "", "spread over the runs:", spread.to_string()]
    (RESULTS / f"{args.name}.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
