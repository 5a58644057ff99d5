"""What the backtests read from a data object: vintages, series and their events.

The evaluation code meets data only through this module.  A data object
follows the record protocol of ``summitcast.datasets.TrilateralData``:

``truncate(as_of)``
    the vintage public by the end of month ``as_of`` (nothing dated later);
``as_of``
    the last month the outcome tables are complete;
``series_meetings``
    every meeting of every series (columns ``series``, ``date``);
``series``
    one row per series with ``coverage_start``, ``coverage_end`` (NaT while
    the series runs) and ``record_through`` (the date through which its
    meetings are complete).

Months are handled here as integer ordinals (``12 * year + month - 1``) so
that windows are integer ranges: the h-month window of origin o is the
months o + 1 .. o + h.

An analyst's own data of the same shape works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._common.time import as_month, last_complete_month
from .._common.validation import describe

__all__ = ["SeriesHistory", "as_record", "month_ordinal", "month_ordinals", "ordinal_month", "series_history",
           "series_names"]


def month_ordinal(month: Any, name: str = "month") -> int:
    """The month containing ``month`` as ``12 * year + month - 1``."""
    m = as_month(month, name)
    return 12 * m.year + m.month - 1


def month_ordinals(stamps: Any) -> np.ndarray:
    """Ordinals of the months of many timestamps (a DatetimeIndex or datetime Series)."""
    index = pd.DatetimeIndex(stamps)
    return (12 * index.year.to_numpy() + index.month.to_numpy() - 1).astype(np.int64)


def ordinal_month(ordinal: int) -> pd.Timestamp:
    """The month start of an ordinal (inverse of :func:`month_ordinal`)."""
    year, month0 = divmod(int(ordinal), 12)
    return pd.Timestamp(year=year, month=month0 + 1, day=1)


@dataclass(frozen=True)
class SeriesHistory:
    """One series as a record shows it.

    ``events`` are the ordinals of the months with at least one meeting
    (sorted, unique, between ``first`` and ``last``); ``first`` is the first
    month the series covers and ``last`` the last month whose meetings are
    known (the last complete month of its record-through date, or the end of
    its coverage, or the record's ``as_of`` if that is earlier).
    """

    name: str
    events: np.ndarray
    first: int
    last: int
    record_through: pd.Timestamp

    @property
    def months(self) -> int:
        """Number of months observed (0 when ``last < first``)."""
        return max(0, self.last - self.first + 1)

    def indicator(self) -> np.ndarray:
        """0/1 per observed month ``first .. last``: a meeting that month."""
        x = np.zeros(self.months)
        x[self.events - self.first] = 1.0
        return x

    def window_counts(self, origins: np.ndarray, horizon: int) -> np.ndarray:
        """Months with a meeting in each window ``origin + 1 .. origin + horizon``."""
        hi = np.searchsorted(self.events, origins + horizon, side="right")
        lo = np.searchsorted(self.events, origins, side="right")
        return hi - lo


def _is_record(data: Any) -> bool:
    return all(hasattr(data, a) for a in ("truncate", "series_meetings", "series", "as_of", "indicators"))


def as_record(data: Any, name: str = "data") -> Any:
    """``data`` if it follows the record protocol, else a TypeError naming ``name``."""
    if _is_record(data):
        return data
    raise TypeError(
        f"{name} must be a record such as summitcast.datasets.load_trilateral() (with truncate, "
        f"series_meetings, series and as_of), got {describe(data)}"
    )


def series_names(record: Any) -> list[str]:
    """The series a record defines, in its table's order."""
    return [str(s) for s in record.series["series"]]


def _month(value: Any) -> int:
    stamp = pd.Timestamp(value)
    return 12 * stamp.year + stamp.month - 1


def series_history(record: Any, series: str) -> SeriesHistory:
    """The events and observed span of ``series`` in ``record``."""
    table = record.series
    match = np.flatnonzero(table["series"].to_numpy() == series)
    if match.size != 1:
        raise ValueError(f"series must be one of {series_names(record)}, got {series!r}")
    i = int(match[0])
    first = _month(table["coverage_start"].to_numpy()[i])
    through = table["record_through"].to_numpy()[i]
    if pd.isna(through):
        through = getattr(record, "record_through", {}).get("series_meetings", pd.NaT)
    last = _month(record.as_of)
    if pd.notna(through):
        last = min(last, month_ordinal(last_complete_month(pd.Timestamp(through), "record_through")))
    else:
        through = pd.Timestamp(record.as_of) + pd.offsets.MonthEnd(0)
    end = table["coverage_end"].to_numpy()[i]
    if pd.notna(end):
        last = min(last, _month(end))
    meetings = record.series_meetings
    dates = meetings["date"].to_numpy()[meetings["series"].to_numpy() == series]
    months = np.unique(month_ordinals(dates[~pd.isna(dates)]))
    months = months[(months >= first) & (months <= last)]
    return SeriesHistory(series, months, first, last, pd.Timestamp(through))
