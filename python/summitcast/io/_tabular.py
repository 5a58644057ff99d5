"""Fast, checked reading of tab-separated files without quoting (GDELT, ICEWS).

The bytes are read in blocks that end at a line end.  Each block is checked
before pandas' C parser sees it:

* encoding: the block must decode as UTF-8;
* shape: the number of tabs on each line is counted with numpy (positions of
  ``\\t`` and ``\\n`` bytes, then ``searchsorted``), so a line with a wrong
  number of fields is found and named without a Python loop over lines;
* values: integer, float and date columns are parsed by type; a value that
  does not parse is located (line and column) on a slow path that re-reads
  only the offending block as text.

Memory is bounded by the block size (plus whatever the caller keeps).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import DataFileError, Problems
from ._text import locate_decode_error, read_blocks

TAB, NL = 9, 10


@dataclass
class TabSpec:
    """What a tab-separated format looks like."""

    names: list[str]
    int_columns: tuple[str, ...] = ()       # required integers
    float_columns: tuple[str, ...] = ()     # optional numbers (empty -> NaN)
    date_column: str | None = None          # parsed into "date"
    date_format: str = "%Y%m%d"
    header: bool = False
    na_values: tuple[str, ...] = ()         # extra strings meaning missing (e.g. "NA")
    str_columns: tuple[str, ...] = field(default=())

    @property
    def n_fields(self) -> int:
        return len(self.names)


def _line_bounds(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ends = np.flatnonzero(arr == NL)
    if len(arr) and arr[-1] != NL:
        ends = np.append(ends, len(arr))
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    return starts, ends


def _fields_per_line(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    tabs = np.flatnonzero(arr == TAB)
    return np.searchsorted(tabs, ends) - np.searchsorted(tabs, starts) + 1


def _keep_lines(block: bytes, starts, ends, keep: np.ndarray) -> bytes:
    return b"".join(block[s:e] + b"\n" for s, e in zip(starts[keep], ends[keep]))


def _check_utf8(path, block: bytes, first_line: int, starts, ends, problems: Problems) -> np.ndarray:
    """Boolean mask of lines that decode; raises (or records) the ones that do not."""
    ok = np.ones(len(starts), dtype=bool)
    try:
        block.decode("utf-8")
        return ok
    except UnicodeDecodeError:
        pass
    for i, (s, e) in enumerate(zip(starts, ends)):
        line = block[s:e]
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            err = locate_decode_error(path, line, exc, b"\t", first_line + i)
            problems.add(err.file, err.line, err.column, err.reason)
            ok[i] = False
    return ok


def _parse_typed(block: bytes, spec: TabSpec, usecols: list[str]) -> pd.DataFrame:
    dtypes = {c: "str" for c in usecols}
    for c in spec.int_columns:
        if c in dtypes:
            dtypes[c] = "int64"
    for c in spec.float_columns:
        if c in dtypes:
            dtypes[c] = "float64"
    na = [""] + list(spec.na_values)
    return pd.read_csv(io.BytesIO(block), sep="\t", header=None, names=spec.names, usecols=usecols,
                       dtype=dtypes, quoting=csv.QUOTE_NONE, keep_default_na=False, na_values=na,
                       engine="c", skip_blank_lines=False, encoding="utf-8")


def _bad_values(block: bytes, spec: TabSpec, usecols: list[str]) -> list[tuple[int, str, str]]:
    """(row index, column, reason) for every value that does not parse (slow path)."""
    raw = pd.read_csv(io.BytesIO(block), sep="\t", header=None, names=spec.names, usecols=usecols,
                      dtype=str, quoting=csv.QUOTE_NONE, keep_default_na=False, engine="c",
                      skip_blank_lines=False, encoding="utf-8")
    bad = []
    missing = set(spec.na_values) | {""}
    for c in usecols:
        if c in spec.int_columns or c in spec.float_columns:
            s = raw[c]
            num = pd.to_numeric(s.where(~s.isin(missing)), errors="coerce")
            wrong = num.isna() & ~s.isin(missing)
            if c in spec.int_columns:
                wrong |= s.isin(missing)
                wrong |= num.notna() & (num != np.floor(num))
            for i in np.flatnonzero(wrong.to_numpy()):
                value = s.iloc[i]
                reason = "missing required integer" if value in missing else f"cannot parse {value!r} as a number"
                bad.append((int(i), c, reason))
    return bad


def _parse_dates(values: pd.Series, fmt: str) -> pd.Series:
    if fmt == "%Y%m%d" and pd.api.types.is_integer_dtype(values.dtype):
        # YYYYMMDD integers: split arithmetically (no string round trip)
        v = values.to_numpy()
        parts = pd.DataFrame({"year": v // 10000, "month": v // 100 % 100, "day": v % 100})
        return pd.Series(pd.to_datetime(parts, errors="coerce").to_numpy(), index=values.index)
    return pd.to_datetime(values.astype("str"), format=fmt, errors="coerce")


def iter_tab_file(path: str, spec: TabSpec, usecols: list[str], problems: Problems,
                  block_bytes: int, row_filter: Callable[[pd.DataFrame], np.ndarray] | None = None,
                  on_rows: Callable[[pd.DataFrame], None] | None = None) -> Iterator[pd.DataFrame]:
    """Yield parsed, checked DataFrames for one file.

    ``on_rows`` sees every good row before ``row_filter`` keeps some (used to
    record coverage); ``row_filter`` returns a boolean mask.
    """
    first_line = 1
    header_pending = spec.header
    date_col = spec.date_column
    for block in read_blocks(path, block_bytes):
        arr = np.frombuffer(block, dtype=np.uint8)
        starts, ends = _line_bounds(arr)
        # strip a trailing CR so CRLF files count like LF files
        cr = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == 13)
        ends = ends - cr.astype(ends.dtype)
        line_no = first_line + np.arange(len(starts))
        first_line += len(starts)
        keep = ends > starts  # blank lines are not rows
        if header_pending and len(starts):
            header = block[starts[0]:ends[0]].decode("utf-8", errors="replace").split("\t")
            if header != spec.names:
                raise DataFileError(path, int(line_no[0]), None,
                                    f"header does not match the expected {spec.n_fields} columns: got "
                                    f"{len(header)} ({', '.join(header[:4])}...)")
            keep[0] = False
            header_pending = False
        keep &= _check_utf8(path, block, int(line_no[0]) if len(line_no) else 1, starts, ends, problems)
        nf = _fields_per_line(arr, starts, ends)
        wrong = keep & (nf != spec.n_fields)
        for i in np.flatnonzero(wrong):
            problems.add(path, int(line_no[i]), None,
                         f"expected {spec.n_fields} tab-separated fields, found {int(nf[i])}")
        keep &= ~wrong
        if not keep.any():
            continue
        body = block if keep.all() and not cr.any() else _keep_lines(block, starts, ends, keep)
        lines = line_no[keep]
        try:
            frame = _parse_typed(body, spec, usecols)
            bad = []
        except (ValueError, OverflowError):
            bad = _bad_values(body, spec, usecols)
            frame = None
        if bad:
            drop = np.zeros(len(lines), dtype=bool)
            for i, col, reason in bad:
                problems.add(path, int(lines[i]), col, reason)
                drop[i] = True
            body = _keep_lines(body, *_line_bounds(np.frombuffer(body, np.uint8)), ~drop)
            lines = lines[~drop]
            if not len(lines):
                continue
            frame = _parse_typed(body, spec, usecols)
        if date_col is not None:
            dates = _parse_dates(frame[date_col], spec.date_format)
            nat = dates.isna().to_numpy()
            if nat.any():
                for i in np.flatnonzero(nat):
                    problems.add(path, int(lines[i]), date_col,
                                 f"cannot parse {str(frame[date_col].iloc[i])!r} as a date ({spec.date_format})")
                frame, dates, lines = frame[~nat], dates[~nat], lines[~nat]
            frame["date"] = dates.to_numpy()
        if on_rows is not None:
            on_rows(frame)
        if row_filter is not None:
            mask = row_filter(frame)
            frame, lines = frame[mask], lines[mask]
        frame = frame.reset_index(drop=True)
        yield frame
