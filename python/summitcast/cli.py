"""The command line: ``summitcast forecast`` and ``summitcast data``.

Errors are one line on standard error (``summitcast: error: …``) with exit
status 2, and nothing is written to ``--out`` unless the whole result is
ready.  Warnings met on the way (sampler or importance-sampling trouble,
data notes) are printed as one-line notes on standard error, never hidden.
Progress shows on a terminal and stays quiet in pipes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

__all__ = ["main"]

FORMATS = ("text", "json", "csv", "html")


class UsageError(Exception):
    """A bad command line (reported in one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + error
        raise UsageError(message)


def _positive(name: str, maximum: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value
    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer below 2**64, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .forecaster import MAX_HORIZON

    parser = _Parser(prog="summitcast", description="How likely a summit is held within the coming months, "
                     "from the bundled public record or your own data.")
    sub = parser.add_subparsers(dest="command", metavar="{forecast,data,backtest}", parser_class=_Parser)
    fc = sub.add_parser("forecast", help="forecast a summit series",
                        description="P(a meeting of the series is held within each of the next N months), with "
                        "credible intervals, outcomes, drivers and the data's limits.")
    fc.add_argument("--as-of", metavar="YYYY-MM", help="forecast as of the end of this month, from only the data "
                    "dated up to it (default: the data's as-of month, when all outcome tables are complete)")
    fc.add_argument("--horizon", type=_positive("--horizon", MAX_HORIZON), default=24, metavar="N",
                    help=f"months ahead, 1..{MAX_HORIZON} (default 24)")
    fc.add_argument("--series", default="trilateral", help="the series to forecast (default trilateral; "
                    "`summitcast data` lists them)")
    fc.add_argument("--data", metavar="PATH", help="a folder of CSV tables in the shape of `summitcast data "
                    "--export` (default: the bundled record)")
    fc.add_argument("--scenario", metavar="FILE", help="a JSON object of scenario keywords (nuclear_test, trade, "
                    "crisis, ministers_meeting) or a CSV with columns keyword,month[,value]; prints the shift")
    fc.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    fc.add_argument("--out", metavar="PATH", help="write the output here instead of standard output")
    fc.add_argument("--mode", choices=("fast", "full"), default="fast",
                    help="fast: Laplace + Pareto-smoothed importance sampling (default); full: NUTS")
    fc.add_argument("--seed", type=_seed, default=20240526, help="seed of all randomness (default 20240526)")
    fc.add_argument("--draws", type=_positive("--draws", 100_000), default=None, metavar="N",
                    help="posterior draws used by the fusion (default 500 fast, 1000 full, split over the chains)")
    fc.add_argument("--paths", type=_positive("--paths", 100_000), default=100, metavar="N",
                    help="simulated indicator paths (default 100)")
    fc.add_argument("--chains", type=_positive("--chains", 64), default=4, metavar="N",
                    help="NUTS chains in full mode (default 4)")
    dt = sub.add_parser("data", help="what data is bundled, through when, from which sources",
                        description="The bundled record: tables, record-through dates, series and sources.")
    dt.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: a summary with the series; json: one object (as_of, record_through, series, "
                    "indicators, sources) (default text)")
    dt.add_argument("--export", metavar="DIR", help="write the tables the forecaster reads as CSV files into DIR "
                    "(the --data format)")
    from .evaluate.cli import add_backtest_parser

    add_backtest_parser(sub)
    return parser


def _load_data(path: str | None) -> Any:
    if path is None:
        from .datasets import load_trilateral

        return load_trilateral()
    from .forecaster._files import read_folder

    return read_folder(path)


def _scenario_file(path: str) -> dict[str, Any]:
    from .forecaster._scenario import SCENARIO_KEYWORDS

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no scenario file at {file}")
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() == ".json":
        try:
            spec = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"{file}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
        if not isinstance(spec, dict):
            raise ValueError(f"{file}: a scenario file holds one JSON object of keywords")
        return {k: (tuple(v) if isinstance(v, list) and k != "nuclear_test" else v) for k, v in spec.items()}
    import pandas as pd

    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{file}: not a readable CSV file ({str(err).splitlines()[0]})") from None
    unknown = sorted(set(table.columns) - {"keyword", "month", "value"})
    if unknown or not {"keyword", "month"} <= set(table.columns):
        raise ValueError(f"{file}: unknown or missing column(s): has {list(table.columns)}, needs keyword,month[,value]")
    spec: dict[str, Any] = {}
    for _, row in table.iterrows():
        key, month, value = row["keyword"], row["month"], row.get("value", "")
        month = int(month) if month.strip().isdigit() else month  # months ahead
        if key not in SCENARIO_KEYWORDS:
            raise ValueError(f"{file}: unknown keyword {key!r}; use {', '.join(SCENARIO_KEYWORDS)}")
        if key == "trade":
            try:
                spec[key] = (float(value), month)
            except ValueError:
                raise ValueError(f"{file}: trade needs a numeric value (the change, e.g. -0.15), got {value!r}") from None
        elif key == "nuclear_test":
            spec.setdefault(key, []).append(month)
        else:
            spec[key] = (value, month) if value else month
    return spec


def _render(result: Any, fmt: str, kind: str) -> str:
    if fmt == "json":
        doc = result.to_dict() if kind == "forecast" else _scenario_dict(result)
        return json.dumps(doc, indent=1, allow_nan=False) + "\n"
    if fmt == "csv":
        frame = result.to_frame()
        frame["month"] = frame["month"].dt.strftime("%Y-%m")
        return frame.to_csv(index=False, float_format="%.6g")
    if fmt == "html":
        return _html_page(result, kind)
    from .mainjob import report

    return (report(result) if kind == "forecast" else result.summary().as_text()) + "\n"


def _scenario_dict(result: Any) -> dict[str, Any]:
    frame = result.to_frame()
    return {"schema": "summitcast.scenario", "schema_version": 1, "series": result.series,
            "as_of": f"{result.as_of:%Y-%m}", "overrides": result.overrides, "interval": 1 - result.alpha,
            "horizons": [{"months": int(r.months), "month": f"{r.month:%Y-%m}", "shift": float(r.shift),
                          "lower": float(r.lower), "upper": float(r.upper), "p_baseline": float(r.p_baseline),
                          "p_scenario": float(r.p_scenario), "mc_se": float(r.mc_se)} for r in frame.itertuples()]}


def _html_page(result: Any, kind: str) -> str:
    import html as _html

    body = result.summary().as_html()
    try:
        import base64

        import matplotlib

        if "matplotlib.pyplot" not in sys.modules:
            matplotlib.use("Agg")  # a file is written: no display needed
        import matplotlib.pyplot as plt

        fig = result.plot() if kind == "forecast" else result.plot().figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        body += f"<img alt='forecast plot' src='data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}'/>"
    except ImportError:  # pragma: no cover - matplotlib is optional
        pass
    title = _html.escape(f"summitcast {kind}: {result.series} as of {result.as_of:%Y-%m}")
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>\n"


def _check_out(out: str | None) -> Path | None:
    """The ``--out`` target, checked before any work is done."""
    if out is None:
        return None
    target = Path(out)
    if target.is_dir():
        raise ValueError(f"--out {target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"--out: the folder {target.parent} does not exist")
    return target


def _write(text: str, out: str | None) -> None:
    target = _check_out(out)
    if target is None:
        sys.stdout.write(text)
        return
    # write a temporary file beside the target and rename it: never a partial file
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _export(data: Any, out: str) -> Path:
    """Write the forecaster's tables into the folder ``out``: into a temporary folder beside it first,
    then moved in file by file, so a failure leaves no half-written export."""
    import shutil

    from .forecaster._files import write_folder

    target = Path(out)
    if target.exists() and not target.is_dir():
        raise ValueError(f"--export {target} is a file; give a folder (created if absent)")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"--export: the folder {target.parent} does not exist")
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        write_folder(data, staging)
        target.mkdir(exist_ok=True)
        for file in sorted(staging.iterdir()):
            os.replace(file, target / file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _notes(caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        text = " ".join(str(w.message).split())
        if text not in seen:
            seen.add(text)
            print(f"summitcast: note: {w.category.__name__}: {text}", file=sys.stderr)


def _forecast(args: argparse.Namespace) -> int:
    from ._common.progress import progress
    from .forecaster import SummitForecaster

    _check_out(args.out)
    scenario = _scenario_file(args.scenario) if args.scenario else None
    with progress(3, "summitcast forecast") as advance:
        data = _load_data(args.data)
        advance and advance(1)
        fc = SummitForecaster(series=args.series, mode=args.mode, paths=args.paths, draws=args.draws,
                              chains=args.chains)
        fc.fit(data, as_of=args.as_of, seed=args.seed)
        advance and advance(1)
        if scenario is not None:
            result, kind = fc.scenario(args.horizon, **scenario), "scenario"
        else:
            result, kind = fc.forecast(args.horizon), "forecast"
        advance and advance(1)
    _write(_render(result, args.format, kind), args.out)
    return 0


def _data(args: argparse.Namespace) -> int:
    from .datasets import load_trilateral

    data = load_trilateral()
    if args.export:
        folder = _export(data, args.export)
        print(f"summitcast: wrote the forecaster's tables to {folder}", file=sys.stderr)
        return 0
    rt = {k: f"{v:%Y-%m-%d}" for k, v in (getattr(data, "record_through", None) or {}).items()}
    series_table = getattr(data, "series", None)
    meetings = getattr(data, "series_meetings", None)
    series = []
    if series_table is not None:
        for _, row in series_table.iterrows():
            count = int((meetings["series"] == row["series"]).sum()) if meetings is not None else 0
            series.append({"series": str(row["series"]), "name": str(row.get("name", "")), "meetings": count,
                           "members": str(row["members"])})
    doc = {"as_of": f"{data.as_of:%Y-%m}", "record_through": rt, "series": series,
           "indicators": {"months": f"{data.indicators.index[0]:%Y-%m}..{data.indicators.index[-1]:%Y-%m}",
                          "columns": [str(c) for c in data.indicators.columns]},
           "sources": int(len(data.sources))}
    if args.format == "json":
        sys.stdout.write(json.dumps(doc, indent=1) + "\n")
        return 0
    sys.stdout.write(data.summary() + "\n")
    if series:
        sys.stdout.write("\nseries (forecast any with --series):\n")
        for item in series:
            sys.stdout.write(f"  {item['series']:<30} {item['meetings']:>3} meetings  {item['name']}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("choose a command: forecast, data or backtest (summitcast --help)")
        from .evaluate.cli import run_backtest

        commands = {"forecast": _forecast, "data": _data, "backtest": run_backtest}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status = commands[args.command](args)
        _notes(caught)
        return status
    except UsageError as err:
        print(f"summitcast: error: {err}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, KeyboardInterrupt) as err:  # OSError: files and folders
        message = "interrupted" if isinstance(err, KeyboardInterrupt) else " ".join(str(err).split())
        print(f"summitcast: error: {message}", file=sys.stderr)
        return 2
