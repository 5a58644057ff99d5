"""Errors and skip reports shared by the loaders."""

from __future__ import annotations

import warnings

import pandas as pd

SKIP_COLUMNS = ["file", "line", "column", "reason"]


class DataFileError(ValueError):
    """A file could not be read as the format it claims to be.

    The message and the attributes name the file, the 1-based line and the
    column (a name, a 1-based field number, or ``None`` when the fault is not
    in one column, e.g. a truncated archive).
    """

    def __init__(self, file, line, column, reason):
        self.file, self.line, self.column, self.reason = str(file), line, column, reason
        where = f"{self.file}, line {line}" if line is not None else self.file
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}")


class DataFileWarning(UserWarning):
    """Rows were skipped (``errors="skip"``) or values reinterpreted; see the frame's ``attrs``."""


class Problems:
    """Collects bad rows: raises at the first one (``errors="raise"``) or records them (``"skip"``)."""

    def __init__(self, errors: str):
        if errors not in ("raise", "skip"):
            raise ValueError(f"errors must be 'raise' or 'skip', got {errors!r}")
        self.errors = errors
        self.rows: list[tuple] = []
        self.file_order: list[str] = []  # report order of files (else as found)

    def add(self, file, line, column, reason) -> None:
        if self.errors == "raise":
            raise DataFileError(file, line, column, reason)
        self.rows.append((str(file), line, column, reason))

    def frame(self) -> pd.DataFrame:
        cols = list(zip(*self.rows)) if self.rows else [[], [], [], []]
        return pd.DataFrame({
            "file": pd.Series(cols[0], dtype="str"),
            "line": pd.Series(cols[1], dtype="Int64"),
            "column": pd.Series(cols[2], dtype="object"),  # a name, a field number or None
            "reason": pd.Series(cols[3], dtype="str"),
        })

    def finish(self, result: pd.DataFrame, what: str) -> pd.DataFrame:
        """Attach the report as ``result.attrs["skipped"]`` and warn if anything was skipped."""
        report = self.frame()
        if len(report):
            # checks run by kind (encoding, shape, values) over a block: report in file and line order
            rank = {str(f): i for i, f in enumerate(self.file_order)}
            file_rank = report["file"].map(lambda f: rank.get(f, len(rank))).to_numpy(dtype="int64")
            key = file_rank * 10**12 + report["line"].fillna(0).to_numpy(dtype="int64")
            report = report.iloc[key.argsort(kind="stable")].reset_index(drop=True)
        result.attrs["skipped"] = report
        if len(report):
            first = report.iloc[0]
            warnings.warn(
                f"{what}: skipped {len(report)} bad row(s); first: {first['file']}, line {first['line']}, "
                f"column {first['column']}: {first['reason']} (all in .attrs['skipped'])",
                DataFileWarning, stacklevel=3,
            )
        return result
