"""ACLED exports (31 columns), in either of the two published column orders.

* the 2019–2022 export: ``data_id, iso, event_id_cnty, event_id_no_cnty,
  event_date, ... , fatalities, timestamp, iso3`` with dates like
  ``15 January 2020``;
* the export since the 2023 methodology update: ``event_id_cnty, event_date,
  year, time_precision, disorder_type, ... , civilian_targeting, ... ,
  fatalities, tags, timestamp`` with ISO dates.

Both are comma-separated with a header row and quoted free text (``notes``).
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ._errors import DataFileError
from ._text import csv_header, csv_records, open_csv

ACLED_COLUMNS = {
    "2019": ["data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
             "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
             "inter2", "interaction", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
             "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp", "iso3"],
    "2023": ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
             "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
             "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
             "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
             "fatalities", "tags", "timestamp"],
}
_INTS = ("year", "time_precision", "fatalities", "geo_precision", "iso", "timestamp", "interaction")
_FLOATS = ("latitude", "longitude")


def _dates(s: pd.Series) -> pd.Series:
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    long = pd.to_datetime(s, format="%d %B %Y", errors="coerce")
    return iso.fillna(long)


def read_acled(path, encoding: str = "auto", errors: str = "raise") -> pd.DataFrame:
    """Read an ACLED export (31 columns, header row).

    Returns
    -------
    pandas.DataFrame
        All 31 columns (``year, time_precision, fatalities, geo_precision,
        iso, timestamp, interaction`` as integers, ``latitude, longitude`` as
        floats, the rest strings) plus ``date``.  ``attrs``: ``layout``
        ("2019" or "2023"), ``skipped``, ``encoding``.
    """
    path, problems, reader, used = open_csv(path, encoding, errors)
    header = csv_header(reader, path) or []
    layout = next((k for k, v in ACLED_COLUMNS.items() if header == v), None)
    if layout is None:
        raise DataFileError(path, 1, None, f"header is neither ACLED 31-column layout ({len(header)} names: "
                                           f"{header[:4]}...)")
    names = ACLED_COLUMNS[layout]
    rows, lines = [], []
    for line, row in csv_records(reader, path, len(names), problems):
        rows.append(row)
        lines.append(line)
    raw = pd.DataFrame(rows, columns=names, dtype="str")
    lines = np.asarray(lines, dtype=np.int64)
    bad = np.zeros(len(raw), dtype=bool)
    out = raw.replace("", pd.NA)
    for col in _INTS + _FLOATS:
        s = raw[col]
        num = pd.to_numeric(s.where(s != ""), errors="coerce")
        wrong = (num.isna() & (s != "")) | (s == "") & (col in ("year", "fatalities"))
        if col in _INTS:
            wrong |= num.notna() & (num != np.floor(num))
        for i in np.flatnonzero(wrong.to_numpy()):
            problems.add(path, int(lines[i]), col, f"cannot parse {s.iloc[i]!r} as a number")
        bad |= wrong.to_numpy()
        out[col] = num.astype("Int64" if col in _INTS else "float64")
    dates = _dates(raw["event_date"])
    wrong = dates.isna().to_numpy()
    for i in np.flatnonzero(wrong):
        problems.add(path, int(lines[i]), "event_date", f"cannot parse {raw['event_date'].iloc[i]!r} as a date")
    bad |= wrong
    mismatch = ~wrong & (dates.dt.year.to_numpy() != pd.to_numeric(raw["year"], errors="coerce").to_numpy())
    for i in np.flatnonzero(mismatch & ~bad):
        problems.add(path, int(lines[i]), "year", "year disagrees with event_date")
    bad |= mismatch
    out["date"] = dates
    result = out[~bad].reset_index(drop=True)
    result.attrs = {"layout": layout, "encoding": used}
    return problems.finish(result, "read_acled")
