"""Scores of the leave-future-out recalibrated forecaster on a skill backtest's
saved forecasts (issue 11 §3; recalibrations 1–5 of ``skill_configurations.md``).

Reads ``<stem>_forecasts.csv`` written by ``skill_backtest.py`` (every model's
forecasts on the same windows), adds ``summitcast.evaluate.recalibrate_backtest``
of the forecaster (model ``SharedFit``; one map per horizon, or with
``--by all`` one for every horizon, pooled over series, and with
``--series-shift SD`` a partially pooled shift per series besides, and with
``--series-slope SD`` a partially pooled slope per series too; learned
at each origin from the windows closed by then; with ``--half-life H`` each
window's weight halves every H months after it closed) and writes
the same tables as ``skill_backtest.py`` to ``benchmarks/results/<name>.txt``,
the forecasts (the recalibrated ones under ``recalibrated``) to
``<name>_forecasts.csv`` and the maps to ``<name>_maps.csv``.  No model is
refitted: the recalibration needs only the forecasts and their outcomes.

    python benchmarks/skill_recalibration.py benchmarks/results/skill_backtest_configuration5_crises2_forecasts.csv \
        --name skill_recalibration1
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
PACKAGE_TABLE = Path(__file__).resolve().parent.parent / "python" / "summitcast" / "forecaster" / "recalibration_maps.csv"
FORECASTER = "SharedFit"


def write_package_table(maps: pd.DataFrame, forecasts: Path, series_shift: float | None,
                        series_slope: float | None, half_life: float | None) -> None:
    """The table the default SummitForecaster reads (its ``recalibration="bundled"``), with its provenance."""
    shift = (f" --series-shift {series_shift:g}" if series_shift else "") + \
        (f" --series-slope {series_slope:g}" if series_slope else "") + \
        (f" --half-life {half_life:g}" if half_life else "")
    which = ("recalibration 2: one map for every series" if not series_shift
             else "recalibration 3: a shift per series, partially pooled, and one slope" if not half_life
             else f"recalibration 4: recalibration 3 with windows weighed by a {half_life:g}-month half-life"
             if not series_slope else
             f"recalibration 5: recalibration 4 with a slope per series, partially pooled, sd {series_slope:g}")
    header = [
        "# Recalibration maps of the default SummitForecaster: logit p' = a + b logit p, one map for every",
        f"# horizon ({which}; benchmarks/results/skill_configurations.md).  An estimate,",
        "# not a measurement: the map at each month was learned from the windows of the forecaster's own",
        "# no-look-ahead backtest that had closed by then (n_known of them).",
        "source: the default forecaster's backtest of the bundled record",
        f"# made by: python benchmarks/skill_recalibration.py benchmarks/results/{forecasts.name} --by all{shift} --package",
        "# (forecasts of configuration 5, fast mode, seed 20240526, horizons 6 and 12).  Regenerate it",
        "# whenever the default forecaster or the bundled record changes.",
    ]
    table = maps[["series", "origin", "n_known", "a", "b"]].copy()
    table["origin"] = pd.DatetimeIndex(table["origin"]).strftime("%Y-%m")
    lines = [line if line.startswith("#") else f"# {line}" for line in header]
    PACKAGE_TABLE.write_text("\n".join(lines) + "\n" + table.to_csv(index=False))


def read_backtest(path: Path):
    """A skill backtest's forecasts file (``<name>_forecasts.csv``, or the same gzipped) as a
    ``summitcast.evaluate.Backtest``: every model in it, the baselines being all but the forecaster,
    its stacking and its recalibration (the file does not keep the run's seed: None)."""
    from summitcast.evaluate import Backtest
    from summitcast.evaluate._recalibration import RECALIBRATED
    from summitcast.evaluate._stacking import STACKED

    frame = pd.read_csv(path, parse_dates=["origin"])
    models = list(dict.fromkeys(frame["model"]))
    baselines = [m for m in models if m not in (FORECASTER, STACKED, RECALIBRATED)]
    origins = frame["origin"].drop_duplicates().sort_values()
    info = {"models": models, "baselines": baselines, "series": list(dict.fromkeys(frame["series"])),
            "origins": (origins.iloc[0], origins.iloc[-1], len(origins)), "fitted_origins": len(origins),
            "horizons": sorted(frame["horizon"].unique().tolist()), "refit": True, "seed": None}
    return Backtest(frame, pd.DataFrame(columns=["series", "horizon", "reason", "n"]), info)


def main() -> None:
    import summitcast as sc
    from summitcast.evaluate import recalibrate_backtest

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forecasts", type=Path)
    parser.add_argument("--name", required=True, help="stem of the result files in benchmarks/results")
    parser.add_argument("--by", choices=["horizon", "all"], default="horizon",
                        help="one map per horizon (recalibration 1) or one for every horizon (recalibration 2)")
    parser.add_argument("--series-shift", type=float, default=None,
                        help="with --by all: the sd of a partially pooled shift per series (recalibration 3)")
    parser.add_argument("--series-slope", type=float, default=None,
                        help="with --series-shift: the sd of a partially pooled slope per series (recalibration 5)")
    parser.add_argument("--half-life", type=float, default=None,
                        help="months after which a closed window's weight halves (recalibration 4)")
    parser.add_argument("--package", action="store_true",
                        help="with --by all: also write the table the default forecaster ships with")
    args = parser.parse_args()
    by = ("horizon",) if args.by == "horizon" else ()
    result = recalibrate_backtest(read_backtest(args.forecasts), FORECASTER, by=by, series_shift=args.series_shift,
                                  series_slope=args.series_slope, half_life=args.half_life)
    result.to_frame().to_csv(RESULTS / f"{args.name}_forecasts.csv", index=False)
    maps = result.info["recalibration"]["maps"]
    maps.to_csv(RESULTS / f"{args.name}_maps.csv", index=False)
    if args.package:
        if by:
            parser.error("--package needs --by all (the forecaster carries one map for every horizon)")
        write_package_table(maps, args.forecasts, args.series_shift, args.series_slope, args.half_life)
    last = maps.sort_values("origin", kind="stable").groupby(["series", "horizon"]).tail(1)
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.float_format", "{:.4f}".format):
        text = [f"leave-future-out logistic recalibration of {FORECASTER} in {args.forecasts.name} "
                f"(summitcast {sc.__version__}, benchmarks/skill_recalibration.py): one map "
                f"{'per horizon' if by else 'for every horizon'} pooled over series, priors a ~ N(0, 0.5^2), b ~ N(1, 0.25^2)"
                + (f", a shift per series u_s ~ N(0, {args.series_shift:g}^2)" if args.series_shift else "")
                + (f", a slope per series v_s ~ N(0, {args.series_slope:g}^2)" if args.series_slope else "")
                + ", windows weighted 1/h"
                + (f" times 2^(-age / {args.half_life:g} months)" if args.half_life else "") + "; no refit", "",
                "the map at the last origin of each horizon:", last.to_string(index=False), "",
                "pooled over all series, by horizon:", result.by_horizon().to_string(), "",
                "by series and horizon:", result.by_series().to_string()]
    (RESULTS / f"{args.name}.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
