"""The Monte Carlo spread of the skill scores: the same backtest under several seeds.

Each argument is the stem of a recalibrated skill backtest in
``benchmarks/results`` (``skill_recalibration.py``'s ``<name>_forecasts.csv``,
or the same gzipped, whose model ``recalibrated`` is the default forecaster
as it ships).  For
the trilateral series and for every series pooled, at 6 and 12 months, it
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

RESULTS = Path(__file__).resolve().parent / "results"
MODEL = "recalibrated"
BASE_RATES = ("bss_base_rate_windows", "bss_base_rate_monthly")


def scores(stem: str) -> pd.DataFrame:
    from summitcast.evaluate import Backtest
    from summitcast.evaluate._stacking import STACKED

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from skill_reliability import check  # this folder's sibling script: the per-bin check

    path = RESULTS / f"{stem}_forecasts.csv"
    if not path.exists():  # the replicates are kept compressed
        path = path.with_suffix(".csv.gz")
    frame = pd.read_csv(path, parse_dates=["origin"])
    models = list(dict.fromkeys(frame["model"]))
    baselines = [m for m in models if m not in ("SharedFit", MODEL, STACKED)]
    origins = frame["origin"].drop_duplicates().sort_values()
    info = {"models": models, "baselines": baselines, "series": list(dict.fromkeys(frame["series"])),
            "origins": (origins.iloc[0], origins.iloc[-1], len(origins)), "fitted_origins": len(origins),
            "horizons": sorted(frame["horizon"].unique().tolist()), "refit": True, "seed": None}
    result = Backtest(frame, pd.DataFrame(columns=["series", "horizon", "reason", "n"]), info)
    pooled = result.by_horizon()
    by_series = result.by_series().xs("trilateral", level="series")
    known = frame[(frame["model"] == MODEL) & frame["outcome"].notna()]
    rows = []
    for name, table, subset in [("trilateral", by_series, known[known["series"] == "trilateral"]),
                                ("pooled", pooled, known)]:
        for h in (6, 12):
            ours = table.loc[(MODEL, h)]
            best_log = min(table.loc[(b, h), "log_score"] for b in baselines)
            at_h = subset[subset["horizon"] == h]
            per_origin = max(1, round(len(at_h) / at_h["origin"].nunique()))
            _, checked, outside = check(at_h, h, per_origin)
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
