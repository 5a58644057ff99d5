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
import os
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._common.validation import MAX_COUNT, check_int
from ._errors import DataFileError, Problems
from ._text import is_zip, locate_decode_error, read_blocks

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
    """Tabs per line + 1, by a segmented sum over the tab mask (one pass, no positions stored)."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    is_tab = arr == TAB
    counts = np.add.reduceat(is_tab, starts, dtype=np.int64)
    # reduceat sums from each start to the next start; the newline itself is not a tab,
    # and an empty line (start == next start) must count zero, not the element at start
    counts[ends == starts] = 0
    return counts + 1


def _keep_lines(block: bytes, starts, ends, keep: np.ndarray) -> bytes:
    return b"".join(block[s:e] + b"\n" for s, e in zip(starts[keep], ends[keep]))


def _check_utf8(block: bytes, starts, ends, where, problems: Problems) -> np.ndarray:
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
            path, line_no = where(i)
            err = locate_decode_error(path, line, exc, b"\t", line_no)
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
    """Parse dates once per distinct value (a block holds few distinct days)."""
    v = values.to_numpy()
    if not len(v):
        return pd.Series(pd.to_datetime(v), index=values.index)
    distinct, inverse = np.unique(v, return_inverse=True)
    if fmt == "%Y%m%d" and np.issubdtype(distinct.dtype, np.integer):
        parts = pd.DataFrame({"year": distinct // 10000, "month": distinct // 100 % 100, "day": distinct % 100})
        parsed = pd.to_datetime(parts, errors="coerce").to_numpy()
    else:
        parsed = pd.to_datetime(pd.Series(distinct).astype("str"), format=fmt, errors="coerce").to_numpy()
    return pd.Series(parsed[inverse.reshape(-1)], index=values.index)


def _buffers(paths: list[str], block_bytes: int):
    """Gather the files' bytes into buffers of about ``block_bytes``.

    Small files (GDELT publishes one per 15 minutes) are read straight into one
    buffer (``readinto``, no intermediate copies) and parsed together, so the
    per-parse overhead is paid per buffer, not per file.  Larger or zipped files
    come in pieces of about ``block_bytes`` that end at a line end.  Yields
    ``(buffer, segments)`` with one segment ``(path, start, end, first_line,
    starts_file)`` per piece of a file (byte range in the buffer, the file's
    line number of its first line, whether it begins the file).  Lines per
    segment are counted only on the slow path (:func:`_segment_lines`).
    """
    buf = bytearray(block_bytes + 1)
    size, segments = 0, []

    def flush():
        nonlocal buf, size, segments
        out = (memoryview(buf)[:size], segments)
        buf, size, segments = bytearray(block_bytes + 1), 0, []
        return out

    for path in paths:
        n = os.path.getsize(path)
        plain = n + 1 <= block_bytes and not is_zip(path)
        if plain:
            if size + n + 1 > len(buf):
                yield flush()
            with open(path, "rb") as fh:
                got = fh.readinto(memoryview(buf)[size:size + n])
            if got and buf[size + got - 1] != NL:
                buf[size + got] = NL
                got += 1
            segments.append((path, size, size + got, 1, True))
            size += got
            if size >= block_bytes:
                yield flush()
            continue
        if size:
            yield flush()
        line_no, first = 1, True
        for piece in read_blocks(path, block_bytes):
            if not piece.endswith(b"\n"):
                piece += b"\n"
            count = piece.count(b"\n")
            yield memoryview(piece), [(path, 0, len(piece), line_no, first)]
            line_no += count
            first = False
    if size:
        yield flush()


def _prefetched(gen):
    """Run ``gen`` one item ahead on a worker thread (file reads overlap parsing; both release the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, gen, None)
        while True:
            item = future.result()
            if item is None:
                return
            future = pool.submit(next, gen, None)
            yield item


def _parse_arrow(body, spec: TabSpec, usecols: list[str]):
    """Fast path: pyarrow's multi-threaded CSV reader.  None if anything looks wrong
    (the slow path then finds and names the fault)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {c: pa.string() for c in usecols}
    for c in spec.int_columns:
        if c in types:
            types[c] = pa.int64()
    for c in spec.float_columns:
        if c in types:
            types[c] = pa.float64()
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),  # zero-copy over the buffer
            read_options=pacsv.ReadOptions(column_names=spec.names, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, include_columns=usecols,
                                                 null_values=[""] + list(spec.na_values),
                                                 strings_can_be_null=True, check_utf8=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    for c in spec.int_columns:
        if c in types and table.column(c).null_count:
            return None
    return table


def _engine(engine: str) -> str:
    if engine not in ("auto", "pandas", "pyarrow"):
        raise ValueError(f"engine must be 'auto', 'pandas' or 'pyarrow', got {engine!r}")
    if engine == "pandas":
        return engine
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        if engine == "pyarrow":
            raise ImportError("engine='pyarrow' needs the pyarrow package (pip install pyarrow)") from None
        return "pandas"
    return "pyarrow"


def iter_tab_files(paths: list[str], spec: TabSpec, usecols: list[str], problems: Problems,
                   block_bytes: int, row_filter: Callable[[pd.DataFrame], np.ndarray] | None = None,
                   on_rows: Callable[[pd.DataFrame], None] | None = None,
                   engine: str = "auto") -> Iterator[pd.DataFrame]:
    """Yield parsed, checked DataFrames for files of one layout.

    ``on_rows`` sees every good row before ``row_filter`` keeps some (used to
    record coverage); ``row_filter`` returns a boolean mask.  With pyarrow a
    clean buffer is parsed by the fast path; a buffer with any fault goes
    through the checked numpy/pandas path, which names the fault.
    """
    engine = _engine(engine)
    date_col = spec.date_column
    block_bytes = check_int(block_bytes, "block_bytes", 1, MAX_COUNT)
    for view, segments in _prefetched(_buffers(paths, block_bytes)):
        frame = None
        if engine == "pyarrow" and not spec.header and _clean_text(view):
            table = _parse_arrow(view, spec, usecols)
            if table is not None:
                # checks and filtering on the Arrow table: only kept rows reach pandas
                dates = None
                if date_col is not None:
                    dates = _parse_dates(pd.Series(table[date_col].to_numpy()), spec.date_format).to_numpy()
                if dates is None or not np.isnat(dates).any():
                    if on_rows is not None:
                        on_rows(table)
                    mask = None if row_filter is None else np.asarray(row_filter(table), dtype=bool)
                    if mask is not None:
                        table = table.filter(mask)
                    frame = table.to_pandas()
                    if dates is not None:
                        frame["date"] = dates if mask is None else dates[mask]
                    yield frame
                    continue
        if frame is None:
            frame = _checked_parse(bytes(view), segments, spec, usecols, problems)
            if frame is None:
                continue
        if on_rows is not None:
            on_rows(frame)
        if row_filter is not None:
            frame = frame[row_filter(frame)]
        yield frame.reset_index(drop=True)


def _clean_text(view: memoryview) -> bool:
    """No CR and valid UTF-8.  ASCII is checked first on the underlying buffer
    (``isascii`` runs at memory speed; the unused tail of a buffer is zeros)."""
    obj, n = view.obj, view.nbytes
    if obj.isascii():
        return obj.find(b"\r", 0, n) < 0
    block = bytes(view)
    if b"\r" in block:
        return False
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _segment_lines(block: bytes, segments) -> list[tuple[str, int, int, bool]]:
    """(path, n_lines, first_line, starts_file) per segment, counting lines now."""
    out = []
    for path, start, end, first_line, starts_file in segments:
        out.append((path, block.count(b"\n", start, end), first_line, starts_file))
    return out


def _checked_parse(block, segments, spec: TabSpec, usecols, problems: Problems) -> pd.DataFrame | None:
    """The slow, exact path: every fault is named by file, line and column."""
    date_col = spec.date_column
    segments = _segment_lines(block, segments)
    arr = np.frombuffer(block, dtype=np.uint8)
    starts, ends = _line_bounds(arr)
    # strip a trailing CR so CRLF files count like LF files
    cr = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == 13)
    ends = ends - cr.astype(ends.dtype)
    counts = np.array([seg[1] for seg in segments])
    seg_of_line = np.repeat(np.arange(len(segments)), counts)
    seg_first = np.repeat(np.array([seg[2] for seg in segments]) - np.concatenate(([0], np.cumsum(counts)[:-1])),
                          counts)
    line_no = seg_first + np.arange(len(starts))
    files = [seg[0] for seg in segments]

    def where(i):
        return files[seg_of_line[i]], int(line_no[i])

    keep = ends > starts  # blank lines are not rows
    if spec.header:
        offset = 0
        for seg in segments:
            if seg[3] and seg[1]:
                header = block[starts[offset]:ends[offset]].decode("utf-8", errors="replace").split("\t")
                if header != spec.names:
                    raise DataFileError(seg[0], 1, None,
                                        f"header does not match the expected {spec.n_fields} columns: got "
                                        f"{len(header)} ({', '.join(header[:4])}...)")
                keep[offset] = False
            offset += seg[1]
    keep &= _check_utf8(block, starts, ends, where, problems)
    nf = _fields_per_line(arr, starts, ends)
    wrong = keep & (nf != spec.n_fields)
    for i in np.flatnonzero(wrong):
        problems.add(*where(i), None, f"expected {spec.n_fields} tab-separated fields, found {int(nf[i])}")
    keep &= ~wrong
    if not keep.any():
        return None
    body = block if keep.all() and not cr.any() else _keep_lines(block, starts, ends, keep)
    rows = np.flatnonzero(keep)  # buffer line index of each parsed row
    try:
        frame = _parse_typed(body, spec, usecols)
        bad = []
    except (ValueError, OverflowError):
        bad = _bad_values(body, spec, usecols)
        frame = None
    if bad:
        drop = np.zeros(len(rows), dtype=bool)
        for i, col, reason in bad:
            problems.add(*where(rows[i]), col, reason)
            drop[i] = True
        body = _keep_lines(body, *_line_bounds(np.frombuffer(body, np.uint8)), ~drop)
        rows = rows[~drop]
        if not len(rows):
            return None
        frame = _parse_typed(body, spec, usecols)
    if date_col is not None:
        dates = _parse_dates(frame[date_col], spec.date_format)
        nat = dates.isna().to_numpy()
        if nat.any():
            for i in np.flatnonzero(nat):
                problems.add(*where(rows[i]), date_col,
                             f"cannot parse {str(frame[date_col].iloc[i])!r} as a date ({spec.date_format})")
            frame, dates = frame[~nat], dates[~nat]
        frame["date"] = dates.to_numpy()
    return frame
