"""ICEWS coded event files (Harvard Dataverse doi:10.7910/DVN/28075): tab-separated, header row, 20 columns."""

from __future__ import annotations

import os

import pandas as pd

from ._errors import DataFileError, Problems
from ._tabular import TabSpec, iter_tab_files
from .._common.validation import as_names, check_paths

#: The 20 published columns, in order.
ICEWS_COLUMNS = ["Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
                 "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
                 "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
                 "Longitude"]


def read_icews(paths, errors: str = "raise", na_values=("NA",), block_bytes: int = 1 << 25) -> pd.DataFrame:
    """Read ICEWS event files.

    Parameters
    ----------
    paths : path or iterable of paths
        ``events.YYYY.*.tab`` files (plain or a one-file ``.zip``).
    errors : {"raise", "skip"}
        See :func:`read_gdelt_events`.
    na_values : tuple of str
        Strings read as missing besides the empty field.  The Dataverse files
        leave missing fields empty; copies re-written by R carry the text
        ``NA`` instead, hence the default.

    Returns
    -------
    pandas.DataFrame
        The 20 columns (``Event ID``, ``Story ID`` and ``Sentence Number`` as
        integers, ``Intensity``, ``Latitude`` and ``Longitude`` as floats, the
        CAMEO code as a string with its leading zero) plus ``date``.  The key is
        (``Event ID``, ``Event Date``): duplicated keys raise (or are skipped).
    """
    files = check_paths(paths, "paths")
    na_values = as_names(na_values, "na_values")
    for path in files:
        if os.path.getsize(path) == 0:
            raise DataFileError(path, 1, None, "empty file: no header row")
    problems = Problems(errors)
    problems.file_order = list(files)
    spec = TabSpec(names=ICEWS_COLUMNS, int_columns=("Event ID", "Story ID", "Sentence Number"),
                   float_columns=("Intensity", "Latitude", "Longitude"), date_column="Event Date",
                   date_format="%Y-%m-%d", header=True, na_values=tuple(na_values))
    frames = list(iter_tab_files(files, spec, list(ICEWS_COLUMNS), problems, block_bytes))
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ICEWS_COLUMNS + ["date"])
    key = result.duplicated(["Event ID", "Event Date"], keep="first")
    if key.any():
        for i in key[key].index:
            problems.add(files[0] if len(files) == 1 else "(several files)", None, "Event ID",
                         f"duplicate key (Event ID {result.at[i, 'Event ID']}, {result.at[i, 'Event Date']})")
        result = result[~key].reset_index(drop=True)
    result.attrs = {}
    return problems.finish(result, "read_icews")
