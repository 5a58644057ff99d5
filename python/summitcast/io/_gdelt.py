"""GDELT event files: 2.0 exports (61 columns) and 1.0 daily / historical files (58 / 57).

Column layouts follow the GDELT Event Codebook (V2.0, 2015) and the GDELT
1.0 Event Database codebook: 1.0 historical back-files have 57 fields, 1.0
daily updates add SOURCEURL (58), and 2.0 adds the three ADM2 geography codes
(61) and stamps DATEADDED to the second (YYYYMMDDHHMMSS) instead of the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from ._errors import DataFileError, Problems
from ._tabular import TabSpec, iter_tab_files
from .._common.validation import as_names, check_choice, check_path, check_paths
from ._text import open_binary

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code"]
_EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone"]


def _geo(prefix: str, adm2: bool) -> list[str]:
    cols = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + ["Lat", "Long",
                                                                                             "FeatureID"]
    return [f"{prefix}Geo_{c}" for c in cols]


def _names(version: str) -> list[str]:
    adm2 = version == "2"
    names = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    names += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + _EVENT
    names += _geo("Actor1", adm2) + _geo("Actor2", adm2) + _geo("Action", adm2) + ["DATEADDED"]
    if version in ("2", "1"):
        names.append("SOURCEURL")
    return names


#: Column names by layout: "2" (61), "1" (58, daily files), "1-historical" (57).
GDELT_COLUMNS = {v: _names(v) for v in ("2", "1", "1-historical")}
_BY_COUNT = {len(n): v for v, n in GDELT_COLUMNS.items()}

_INTS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
         "NumSources", "NumArticles", "DATEADDED")
_FLOATS = ("FractionDate", "GoldsteinScale", "AvgTone", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type",
           "Actor1Geo_Lat", "Actor1Geo_Long", "Actor2Geo_Lat", "Actor2Geo_Long", "ActionGeo_Lat", "ActionGeo_Long")

#: The columns :func:`~summitcast.io.build_indicator_panel` needs.
PANEL_COLUMNS = ["GLOBALEVENTID", "SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode",
                 "EventRootCode", "QuadClass", "GoldsteinScale", "AvgTone", "DATEADDED"]


def detect_gdelt_version(path: str) -> str:
    """"2", "1" or "1-historical" from the number of fields on the first line."""
    path = check_path(path, "path")
    with open_binary(path) as fh:
        first = fh.readline(1 << 20)
    n = first.count(b"\t") + 1
    if n not in _BY_COUNT:
        raise DataFileError(path, 1, None,
                            f"{n} tab-separated fields: not a GDELT event file (2.0 has 61, 1.0 has 58 or 57)")
    return _BY_COUNT[n]


def _spec(version: str) -> TabSpec:
    names = GDELT_COLUMNS[version]
    return TabSpec(names=names, int_columns=_INTS, float_columns=_FLOATS, date_column="SQLDATE")


def _normalise_version(version) -> str | None:
    if version is None:
        return None
    if not isinstance(version, (str, int)) or isinstance(version, bool):
        raise TypeError(f"version must be None, '2', '1' or '1-historical', got {version!r}")
    v = str(version)
    aliases = {"2": "2", "2.0": "2", "1": "1", "1.0": "1", "1-historical": "1-historical", "57": "1-historical",
               "58": "1", "61": "2"}
    if v not in aliases:
        raise ValueError(f"version must be None, '2', '1' or '1-historical', got {version!r}")
    return aliases[v]


def iter_gdelt_events(paths, version=None, countries: Iterable[str] | None = None, match: str = "either",
                      columns: Iterable[str] | None = None, errors: str = "raise",
                      block_bytes: int = 1 << 25, coverage: dict | None = None, engine: str = "auto",
                      _problems: Problems | None = None) -> Iterator[pd.DataFrame]:
    """Yield GDELT events block by block (same arguments as :func:`read_gdelt_events`).

    ``coverage``, if a dict, is filled with ``{"days": set of dates}``: the
    DATEADDED days of every good row read, before the country filter.
    """
    files = check_paths(paths, "paths")
    version = _normalise_version(version)
    match = check_choice(match, "match", ("either", "both"))
    wanted = None if countries is None else set(as_names(countries, "countries"))
    columns = None if columns is None else as_names(columns, "columns")
    problems = _problems if _problems is not None else Problems(errors)
    problems.file_order = problems.file_order or list(files)
    groups: list[tuple[str, list[str]]] = []
    for path in files:  # consecutive files of one layout are parsed together
        v = version or detect_gdelt_version(path)
        if groups and groups[-1][0] == v:
            groups[-1][1].append(path)
        else:
            groups.append((v, [path]))
    for v, group in groups:
        spec = _spec(v)
        cols = list(spec.names) if columns is None else list(columns)
        unknown = [c for c in cols if c not in spec.names]
        if unknown:
            raise ValueError(f"columns has names not in the GDELT {v} layout: {unknown}")
        usecols = list(dict.fromkeys(cols + ["SQLDATE", "DATEADDED"]
                                     + (["Actor1CountryCode", "Actor2CountryCode"] if wanted else [])))
        usecols = [c for c in spec.names if c in usecols]

        def on_rows(frame, v=v):
            if coverage is not None:
                stamp = frame["DATEADDED"].to_numpy()
                day = stamp // 1_000_000 if v == "2" else stamp
                coverage.setdefault("days", set()).update(np.unique(day).tolist())

        row_filter = None
        if wanted:
            def row_filter(frame):
                a1, a2 = (_isin(frame[c], wanted) for c in ("Actor1CountryCode", "Actor2CountryCode"))
                return (a1 | a2) if match == "either" else (a1 & a2)

        keep = [c for c in usecols if c in cols or c == "SQLDATE"] + ["date"]
        for frame in iter_tab_files(group, spec, usecols, problems, block_bytes, row_filter, on_rows,
                                    engine):
            out = frame[keep]
            out.attrs = {}
            yield out


def _isin(column, wanted: set) -> np.ndarray:
    """Membership for a pandas Series or an Arrow column (missing -> False)."""
    if isinstance(column, pd.Series):
        return column.isin(wanted).to_numpy()
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.is_in(column, value_set=pa.array(sorted(wanted), type=pa.string()))
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def read_gdelt_events(paths, version=None, countries: Iterable[str] | None = None, match: str = "either",
                      columns: Iterable[str] | None = None, errors: str = "raise",
                      block_bytes: int = 1 << 25, engine: str = "auto") -> pd.DataFrame:
    """Read GDELT event files (2.0 exports or 1.0 daily/historical), plain or zipped.

    Parameters
    ----------
    paths : path or iterable of paths
        ``*.export.CSV`` (2.0), ``YYYYMMDD.export.CSV`` (1.0) or their ``.zip``;
        tab-separated, no header.
    version : {None, "2", "1", "1-historical"}
        Layout; ``None`` detects it per file from the number of fields (61, 58, 57).
    countries : iterable of str, optional
        CAMEO country codes (e.g. ``["CHN", "JPN", "KOR", "PRK"]``); only rows whose
        Actor1CountryCode or Actor2CountryCode (``match="either"``) or both
        (``match="both"``) is among them are kept.  Applied while reading, so
        memory holds only the kept rows.
    columns : iterable of str, optional
        Columns to keep (default: all of the layout); ``SQLDATE`` and a parsed
        ``date`` column are always returned.
    errors : {"raise", "skip"}
        ``"raise"``: a bad line raises :class:`DataFileError` naming the file,
        line and column (checks run by kind over each block, so with several
        faults the one reported is not necessarily the earliest).  ``"skip"``: bad lines are dropped, listed in
        ``.attrs["skipped"]`` (file, line, column, reason) and counted in a
        :class:`DataFileWarning`.
    block_bytes : int
        Bytes read and parsed at a time (memory bound).  Small files are
        concatenated up to this size and parsed together.
    engine : {"auto", "pyarrow", "pandas"}
        Parser for clean blocks: pyarrow's multi-threaded CSV reader when
        installed ("auto"), else pandas' C parser.  Any block with a fault is
        re-read by the checked path, which names the file, line and column, so
        both engines give the same rows and the same errors.

    Returns
    -------
    pandas.DataFrame
        CAMEO codes and actor codes as strings (leading zeros kept), counts as
        integers, Goldstein and tone as floats, ``date`` as datetime64.
        ``attrs``: ``skipped``, ``coverage_days`` (DATEADDED days seen, before
        filtering).
    """
    problems = Problems(errors)
    coverage: dict = {}

    frames = []
    for frame in iter_gdelt_events(paths, version, countries, match, columns, errors, block_bytes,
                                   coverage, engine, problems):
        frames.append(frame)
    if frames:
        result = pd.concat(frames, ignore_index=True)
    else:
        v = _normalise_version(version) or detect_gdelt_version(check_paths(paths, "paths")[0])
        cols = GDELT_COLUMNS[v] if columns is None else list(columns)
        result = pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
        result["date"] = pd.Series(dtype="datetime64[ns]")
    days = sorted(coverage.get("days", set()))
    result.attrs["coverage_days"] = pd.DatetimeIndex(
        pd.to_datetime(pd.Series(days, dtype="int64").astype(str), format="%Y%m%d"), name="day")
    return problems.finish(result, "read_gdelt_events")
