"""Opening files (plain or zipped) and locating encoding faults by line and column."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator

from .._common.validation import check_path
from ._errors import DataFileError, Problems


def check_encoding(encoding: object) -> str:
    """``"auto"`` or the name of a codec Python knows."""
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be 'auto' or a codec name such as 'utf-8', got {encoding!r}")
    if encoding != "auto":
        try:
            info = codecs.lookup(encoding)
        except (LookupError, ValueError):  # unknown, or a name with a NUL character
            info = None
        # bytes-to-bytes codecs (uu, zlib) are not text encodings: bytes.decode refuses them
        if info is None or not getattr(info, "_is_text_encoding", True):
            raise ValueError(f"encoding must be 'auto' or a codec name such as 'utf-8', got {encoding!r}") from None
    return encoding


def is_zip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def open_binary(path: str):
    """A binary stream over the file, or over the single member of a zip archive."""
    if not is_zip(path):
        return open(path, "rb")
    try:
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataFileError(path, None, None, f"truncated or corrupt zip archive ({exc})") from None
    if len(members) != 1:
        raise DataFileError(path, None, None, f"zip archive must hold exactly one file, holds {len(members)}")
    return archive.open(members[0])


def read_blocks(path: str, block_bytes: int) -> Iterator[bytes]:
    """Yield the file's bytes in blocks that end at a line end (the last may not)."""
    rest = b""
    try:
        fh = open(path, "rb")
        first = fh.read(block_bytes)
        if first.startswith(b"PK\x03\x04"):
            fh.close()
            fh = open_binary(path)
            first = fh.read(block_bytes)
        with fh:
            chunk = first
            while chunk:
                data = rest + chunk
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                else:
                    rest = data[cut + 1:]
                    yield data[: cut + 1]
                if len(chunk) < block_bytes and not isinstance(fh, zipfile.ZipExtFile):
                    break  # a short read of a plain file is its end
                chunk = fh.read(block_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise DataFileError(path, None, None, f"truncated or corrupt zip archive ({exc})") from None
    if rest:
        yield rest


def read_all(path: str) -> bytes:
    return b"".join(read_blocks(path, 1 << 24))


def locate_decode_error(path, data: bytes, exc: UnicodeDecodeError, sep: bytes, first_line: int = 1):
    """DataFileError naming the line and field of an undecodable byte."""
    start = exc.start
    line = first_line + data.count(b"\n", 0, start)
    line_start = data.rfind(b"\n", 0, start) + 1
    if sep == b",":
        # count fields with the csv rules, so commas inside quotes do not count
        prefix = data[line_start:start].decode("latin-1")
        try:
            field = len(next(csv.reader([prefix + "x"])))
        except csv.Error:  # the line is not even CSV (a stray carriage return, a NUL byte)
            field = None
    else:
        field = data.count(sep, line_start, start) + 1
    return DataFileError(path, line, field,
                         f"byte 0x{data[start]:02x} is not valid {exc.encoding} (wrong encoding?)")


def decode(path, data: bytes, encoding: str, sep: bytes) -> tuple[str, str]:
    """Decode ``data``; ``encoding="auto"`` tries UTF-8 then cp1252.  Returns (text, encoding used)."""
    candidates = ["utf-8", "cp1252"] if encoding == "auto" else [encoding]
    for i, enc in enumerate(candidates):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            if i == len(candidates) - 1:
                raise locate_decode_error(path, data, exc, sep) from None
            continue
        return text.removeprefix("\ufeff"), enc
    raise AssertionError("unreachable")


def text_stream(text: str) -> io.StringIO:
    return io.StringIO(text, newline="")


def csv_records(reader, path, n_fields: int, problems, drop_trailing_empty: bool = False):
    """Yield (line, fields) for each non-empty record of a csv.reader that has
    exactly ``n_fields`` fields; any other record is reported to ``problems``
    (with the physical line it starts on: quoted fields may span lines) and
    skipped.  ``drop_trailing_empty`` accepts one extra, empty last field (the
    trailing comma of some exports)."""
    start = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a NUL byte, a stray carriage return, an unclosed quote at the end
            if reader.line_num == start:
                raise DataFileError(path, start + 1, None, f"malformed CSV ({exc})") from None
            problems.add(path, start + 1, None, f"malformed CSV ({exc})")
            start = reader.line_num
            continue
        line = start + 1
        start = reader.line_num
        if not row:
            continue
        if drop_trailing_empty and len(row) == n_fields + 1 and row[-1] == "":
            row = row[:-1]
        if len(row) != n_fields:
            problems.add(path, line, None, f"expected {n_fields} comma-separated fields, found {len(row)}")
            continue
        yield line, row


def open_csv(path, encoding: str, errors: str):
    """The checks and decoding every single-file CSV reader starts with:
    (path, problems, csv.reader over the text, the encoding used)."""
    path = check_path(path, "path")
    encoding = check_encoding(encoding)
    problems = Problems(errors)
    text, used = decode(path, read_all(path), encoding, b",")
    return path, problems, csv.reader(text_stream(text)), used


def csv_header(reader, path) -> list[str] | None:
    """The first record of a csv.reader (None for an empty file)."""
    try:
        return next(reader, None)
    except csv.Error as exc:
        raise DataFileError(path, 1, None, f"malformed CSV header ({exc})") from None
