"""The James Martin CNS North Korea Missile Test Database export (19 columns).

Dates come at two precisions: a day (``9-Apr-84``) or only a month
(``Sep-84``, for early tests whose day is unknown); two-digit years are
1950–2049.  Apogee and distance are strings with units (``"150 km"``),
ranges (``"between 300 and 400 km"``), or ``Unknown`` / ``N/A`` / empty.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ._errors import DataFileError, DataFileWarning
from ._text import csv_header, csv_records, open_csv

CNS_COLUMNS = ["F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
               "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name", "Facility Latitude",
               "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled", "Confirmation Status",
               "Test Outcome", "Additional Information", "Source(s)"]

_MISSING = {"", "unknown", "n/a", "na"}
_SINGLE = re.compile(r"^\s*~?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(km|lm)\s*$", re.IGNORECASE)
_RANGE = re.compile(r"^\s*between\s+([0-9][0-9,]*(?:\.[0-9]+)?)\s+and\s+([0-9][0-9,]*(?:\.[0-9]+)?)\s*(km)\s*$",
                    re.IGNORECASE)


def parse_distance_km(text: str) -> tuple[float, float, str | None]:
    """(low, high, note) in km from a CNS distance string; NaNs for unknown
    (an empty field, "Unknown", "N/A").  Raises ValueError if unreadable."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string such as '1,000 km', got {text!r}")
    s = text.strip()
    if s.lower() in _MISSING:
        return np.nan, np.nan, None
    m = _SINGLE.match(s)
    if m:
        value = float(m.group(1).replace(",", ""))
        note = "unit 'lm' read as km (typo in the source)" if m.group(2).lower() == "lm" else None
        return value, value, note
    m = _RANGE.match(s)
    if m:
        lo, hi = (float(g.replace(",", "")) for g in m.group(1, 2))
        if lo > hi:
            raise ValueError(f"range {s!r} has low > high")
        return lo, hi, None
    raise ValueError(f"cannot read {s!r} as a distance (the text must be 'N km', 'between N and M km' or Unknown)")


def _parse_date(text: str) -> tuple[pd.Timestamp, str]:
    for fmt, precision in (("%d-%b-%y", "day"), ("%b-%y", "month")):
        try:
            ts = pd.Timestamp(pd.to_datetime(text, format=fmt))
        except (ValueError, TypeError):
            continue
        yy = ts.year % 100
        year = 1900 + yy if yy >= 50 else 2000 + yy
        return ts.replace(year=year), precision
    raise ValueError(f"cannot read {text!r} as a date (expected like 9-Apr-84 or Sep-84)")


def read_cns_missile_db(path, encoding: str = "auto", errors: str = "raise") -> pd.DataFrame:
    """Read the CNS North Korea Missile Test Database export.

    Returns
    -------
    pandas.DataFrame
        The 19 published columns as strings (empty fields missing), plus
        ``date`` (Timestamp; the first of the month when only the month is
        known), ``date_precision`` ("day" or "month"), ``apogee_km_low/high``,
        ``distance_km_low/high`` (equal unless the source gives a range; NaN
        when unknown), ``latitude`` and ``longitude``.  ``attrs``: ``skipped``,
        ``encoding``, ``notes`` (values reinterpreted, with line numbers).
    """
    path, problems, reader, used = open_csv(path, encoding, errors)
    header = csv_header(reader, path)
    if header != CNS_COLUMNS:
        raise DataFileError(path, 1, None, f"header is not the 19-column CNS layout: {(header or [])[:4]}...")
    records, notes = [], []
    for line, row in csv_records(reader, path, len(CNS_COLUMNS), problems):
        rec = dict(zip(CNS_COLUMNS, row))
        try:
            rec["date"], rec["date_precision"] = _parse_date(rec["Date"])
        except ValueError as exc:
            problems.add(path, line, "Date", str(exc))
            continue
        ok = True
        for col, key in (("Apogee", "apogee"), ("Distance Travelled", "distance")):
            try:
                lo, hi, note = parse_distance_km(rec[col])
            except ValueError as exc:
                problems.add(path, line, col, str(exc))
                ok = False
                break
            rec[f"{key}_km_low"], rec[f"{key}_km_high"] = lo, hi
            if note:
                notes.append((line, col, rec[col], note))
        if not ok:
            continue
        for col, key in (("Facility Latitude", "latitude"), ("Facility Longitude", "longitude")):
            v = rec[col].strip()
            try:
                rec[key] = np.nan if v.lower() in _MISSING else float(v)
            except ValueError:
                problems.add(path, line, col, f"cannot parse {v!r} as a number")
                ok = False
                break
        if ok:
            records.append(rec)
    result = pd.DataFrame.from_records(records, columns=CNS_COLUMNS + [
        "date", "date_precision", "apogee_km_low", "apogee_km_high", "distance_km_low", "distance_km_high",
        "latitude", "longitude"])
    for col in CNS_COLUMNS:
        result[col] = result[col].astype("str").replace("", pd.NA)
    result["date"] = pd.to_datetime(result["date"])
    result.attrs = {"encoding": used, "notes": pd.DataFrame(notes, columns=["line", "column", "value", "note"])}
    if notes:
        warnings.warn(f"read_cns_missile_db: {len(notes)} value(s) reinterpreted (see .attrs['notes'])",
                      DataFileWarning, stacklevel=2)
    return problems.finish(result, "read_cns_missile_db")
