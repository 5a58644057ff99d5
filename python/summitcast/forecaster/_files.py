"""An analyst's own data as a folder of CSV files (``summitcast forecast --data PATH``).

The folder holds one CSV per table of :mod:`summitcast.forecaster._record`,
named after it, with a header row:

====================  =======================================================
file                  columns (others are kept and ignored)
====================  =======================================================
``series_meetings``   ``series, date`` [, ``host``, ``outcome_level``]
``series.csv``        ``series, members`` [, ``host_rotation``,
                      ``coverage_start``, ``coverage_end``, ``record_through``]
``steps.csv``         ``series, date, kind``
``indicators.csv``    ``month`` (YYYY-MM or a date) and the monthly columns
``crises.csv``        optional: ``onset, end, parties``
``leaders.csv``       optional: ``country, took_office`` [, ``acting``]
``elections.csv``     optional: ``country, date``
``record_through``    optional: ``table, record_through``
====================  =======================================================

``as_of`` is the last month that every outcome table present
(series meetings, steps, crises, leaders, elections) covers completely
according to ``record_through.csv``, or else the indicator panel's last month.
``summitcast data --export DIR`` writes the bundled record in this form.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._common.time import as_month, last_complete_month

__all__ = ["FolderData", "read_folder", "write_folder"]

REQUIRED = ("series_meetings", "series", "steps", "indicators")
OPTIONAL = ("crises", "leaders", "elections", "record_through")
OUTCOME_TABLES = ("series_meetings", "steps", "crises", "leaders", "elections")
DATE_COLUMNS = {"series_meetings": ("date",), "steps": ("date",), "series": ("coverage_start", "coverage_end",
                "record_through"), "crises": ("onset", "end"), "leaders": ("took_office",), "elections": ("date",)}


@dataclass
class FolderData:
    """Tables read from a folder (the shape the forecaster reads)."""

    series_meetings: pd.DataFrame
    series: pd.DataFrame
    steps: pd.DataFrame
    indicators: pd.DataFrame
    as_of: pd.Timestamp
    record_through: dict[str, pd.Timestamp] = field(default_factory=dict)
    crises: pd.DataFrame | None = None
    leaders: pd.DataFrame | None = None
    elections: pd.DataFrame | None = None
    source: str = ""


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{path}: not a readable CSV file ({str(err).splitlines()[0]})") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: the file is empty (a header row is needed)") from None


def _parse_dates(table: pd.DataFrame, columns: tuple[str, ...], path: Path) -> pd.DataFrame:
    for col in columns:
        if col in table:
            parsed = pd.to_datetime(table[col], errors="coerce", format="mixed")
            bad = table[col].notna() & parsed.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise ValueError(f"{path}: column {col!r} has a value that is not a date at data row {row + 1}: "
                                 f"{table[col].iloc[row]!r}")
            table[col] = parsed
    return table


def read_folder(path: Any) -> FolderData:
    """Read a data folder (see the module notes); errors name the file, row and column."""
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(f"no data folder at {folder}")
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of CSV files (see summitcast data --help)")
    tables: dict[str, pd.DataFrame] = {}
    for name in REQUIRED + OPTIONAL:
        file = folder / f"{name}.csv"
        if not file.is_file():
            if name in REQUIRED:
                raise FileNotFoundError(f"{folder} has no {name}.csv (needed: {', '.join(f'{n}.csv' for n in REQUIRED)})")
            continue
        tables[name] = _parse_dates(_read_csv(file), DATE_COLUMNS.get(name, ()), file)
    panel = tables["indicators"]
    file = folder / "indicators.csv"
    if "month" not in panel:
        raise ValueError(f"{file}: no 'month' column")
    try:
        index = pd.DatetimeIndex([as_month(m, "month") for m in panel["month"]], name="month")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{file}: {err}") from None
    raw = panel.drop(columns="month").replace({"True": "1", "False": "0"})  # flags such as *_estimated
    values = raw.apply(pd.to_numeric, errors="coerce")
    bad = raw.notna() & values.isna()
    if bad.to_numpy().any():
        i, j = np.argwhere(bad.to_numpy())[0]
        raise ValueError(f"{file}: column {raw.columns[j]!r} has a non-number at data row {i + 1}: {raw.iat[i, j]!r}")
    expected = pd.date_range(index[0], periods=len(index), freq="MS") if len(index) else index
    if len(index) == 0 or not index.equals(pd.DatetimeIndex(expected)):
        raise ValueError(f"{file}: the months must be consecutive and increasing, one row each")
    values.index = pd.DatetimeIndex(index, freq="MS", name="month")
    for name in ("series_meetings", "steps", "series"):
        need = {"series_meetings": ("series", "date"), "steps": ("series", "date", "kind"),
                "series": ("series", "members")}[name]
        missing = [c for c in need if c not in tables[name]]
        if missing:
            raise ValueError(f"{folder / (name + '.csv')}: missing column(s) {missing}")
    rt: dict[str, pd.Timestamp] = {}
    if "record_through" in tables:
        t = _parse_dates(tables["record_through"], ("record_through",), folder / "record_through.csv")
        if not {"table", "record_through"} <= set(t.columns):
            raise ValueError(f"{folder / 'record_through.csv'}: needs columns 'table' and 'record_through'")
        rt = {str(k): pd.Timestamp(v) for k, v in zip(t["table"], t["record_through"]) if pd.notna(v)}
    months = [last_complete_month(rt[k]) for k in OUTCOME_TABLES if k in rt]
    as_of = min(months) if months else values.index[-1]
    as_of = min(as_of, values.index[-1])
    if "outcome_level" in tables["series_meetings"]:
        tables["series_meetings"]["outcome_level"] = pd.to_numeric(tables["series_meetings"]["outcome_level"],
                                                                   errors="coerce")
    return FolderData(series_meetings=tables["series_meetings"], series=tables["series"], steps=tables["steps"],
                      indicators=values, as_of=as_of, record_through=rt, crises=tables.get("crises"),
                      leaders=tables.get("leaders"), elections=tables.get("elections"), source=str(folder))


def write_folder(data: Any, path: Any) -> Path:
    """Write the tables the forecaster reads from ``data`` into the folder ``path`` (created)."""
    from ._record import _from_summit_tables

    if getattr(data, "series_meetings", None) is None and isinstance(getattr(data, "summits", None), pd.DataFrame):
        data = _from_summit_tables(data)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("series_meetings", "series", "steps", "crises", "leaders", "elections"):
        table = getattr(data, name, None)
        if isinstance(table, pd.DataFrame):
            table.to_csv(folder / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    panel = data.indicators.copy()
    panel.index = panel.index.strftime("%Y-%m")
    panel.index.name = "month"
    panel.to_csv(folder / "indicators.csv")
    rt = getattr(data, "record_through", None) or {}
    pd.DataFrame({"table": list(rt), "record_through": [pd.Timestamp(v).strftime("%Y-%m-%d") for v in rt.values()]}
                 ).to_csv(folder / "record_through.csv", index=False)
    return folder
