"""``summitcast backtest``: the no-look-ahead backtest of the bundled record.

``add_backtest_parser(subparsers)`` adds the subcommand to the command
line's subparsers (``summitcast.cli``) and ``run_backtest(args)`` runs it
(exit status 0; bad arguments raise ValueError/TypeError, which the command
line reports in one line with exit status 2).

Output formats: ``text`` (the backtest's summary), ``json`` (one object:
``schema``, ``series``, ``origins``, ``horizons``, ``settings``, ``scores``
(one record per model and horizon), ``unscored``; non-finite numbers — an
undefined AUC, an infinite log score — are ``null``) and ``csv`` (the scores
table, one row per model and horizon).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

__all__ = ["add_backtest_parser", "run_backtest"]

DEFAULT_FROM = "2010-01"
DEFAULT_SEED = 20240526
FORMATS = ("text", "json", "csv")


def add_backtest_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``backtest`` to ``subparsers`` (from ``parser.add_subparsers()``); returns its parser."""
    bt = subparsers.add_parser(
        "backtest", help="score the forecaster and baselines on past windows, without look-ahead",
        description="Rolling-origin backtest: at every month from --from to --to the forecaster and the baselines "
                    "are refitted on only the data public by then and scored on whether the series met within "
                    "each horizon; leave-future-out stacking of them is scored too.")
    bt.add_argument("--from", dest="start", default=DEFAULT_FROM, metavar="YYYY-MM",
                    help=f"first origin (default {DEFAULT_FROM})")
    bt.add_argument("--to", dest="end", metavar="YYYY-MM",
                    help="last origin (default: the last one whose shortest window the data can score)")
    bt.add_argument("--horizons", default="6,12,24", metavar="H,H,...",
                    help="window lengths in months, comma-separated (default 6,12,24)")
    bt.add_argument("--series", default="trilateral",
                    help="series to score, comma-separated, or 'all' (default trilateral)")
    bt.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    bt.add_argument("--workers", default="1", metavar="N",
                    help="processes to run the origins on (default 1: in this process)")
    bt.add_argument("--mode", choices=("fast", "full"), default="fast",
                    help="the forecaster's mode: fast (Laplace, default) or full (NUTS)")
    bt.add_argument("--seed", default=str(DEFAULT_SEED), help=f"root seed (default {DEFAULT_SEED})")
    bt.add_argument("--baselines-only", action="store_true",
                    help="score the baselines (and their stacking) without the forecaster")
    bt.set_defaults(func=run_backtest)
    return bt


def _int_option(text: str, option: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} must be an integer, got {text!r}") from None
    if value < minimum:
        raise ValueError(f"{option} must be at least {minimum}, got {value}")
    return value


def _horizons(text: str) -> list[int]:
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts:
        raise ValueError(f"--horizons must list months, e.g. 6,12,24, got {text!r}")
    return [_int_option(p, "--horizons", 1) for p in parts]


def _forecaster(mode: str) -> tuple[Any, str | None]:
    """The default SummitForecaster factory, or None (and why) when this
    installation has none."""
    try:
        from ..forecaster import SummitForecaster
    except ImportError:
        return None, "SummitForecaster is not in this installation: the baselines alone are scored"
    from functools import partial

    return partial(SummitForecaster, mode=mode), None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: Any) -> list[dict]:
    return [{k: _finite(v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.reset_index().to_dict("records")]


def _render(result: Any, fmt: str, settings: dict) -> str:
    scores = result.by_horizon()
    if fmt == "csv":
        return scores.reset_index().to_csv(index=False, float_format="%.6g")
    if fmt == "json":
        first, last, count = result.info["origins"]
        doc = {
            "schema": "summitcast.backtest", "schema_version": 1,
            "series": result.info["series"],
            "origins": {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}", "count": count},
            "horizons": result.info["horizons"],
            "settings": settings,
            "scores": _records(scores),
            "unscored": _records(result.unscored.set_index("series")) if len(result.unscored) else [],
        }
        return json.dumps(doc, indent=1, allow_nan=False) + "\n"
    return result.summary().as_text() + "\n"


def run_backtest(args: argparse.Namespace) -> int:
    """Run ``summitcast backtest`` with parsed arguments; print the result."""
    from concurrent.futures import ProcessPoolExecutor

    from .._common.seeds import check_seed
    from .._common.time import as_month, month_index
    from ..datasets import load_trilateral
    from ._backtest import backtest
    from ._record import as_record, ordinal_month, series_history

    horizons = _horizons(args.horizons)
    workers = _int_option(args.workers, "--workers", 1)
    seed = check_seed(_int_option(args.seed, "--seed", 0), "--seed")
    start = as_month(args.start, "--from")
    data = load_trilateral()
    record = as_record(data)
    series = [s.strip() for s in str(args.series).split(",") if s.strip()]
    series = "all" if series == ["all"] else series
    if args.end is None:
        names = record.series["series"].tolist() if series == "all" else series
        known = [series_history(record, s).last for s in names]
        end = ordinal_month(max(known) - min(horizons)) if known else as_month(record.as_of)
    else:
        end = as_month(args.end, "--to")
    if end < start:
        raise ValueError(f"--to {end:%Y-%m} is before --from {start:%Y-%m}")
    forecaster, note = (None, None) if args.baselines_only else _forecaster(args.mode)
    if note:
        print(f"summitcast: note: {note}", file=sys.stderr)
    origins = month_index(start, end, "origins")
    executor = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        result = backtest(forecaster, data, origins, horizons, executor=executor, seed=seed, series=series)
    finally:
        if executor is not None:
            executor.shutdown()
    settings = {"mode": args.mode if forecaster is not None else None, "seed": seed, "workers": workers,
                "refit": "every origin", "models": result.models}
    sys.stdout.write(_render(result, args.format, settings))
    return 0
