"""Event-time input: floats or pandas timestamps, one array per dimension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class EventTimes:
    """Event times as floats on [0, end_time], with the clock they came from."""

    times: list[np.ndarray]
    end_time: float
    names: list[str]
    origin: pd.Timestamp | None = None  # set when the input was timestamps
    unit: pd.Timedelta | None = None
    multivariate: bool = False

    def to_float(self, at: Any, name: str = "at") -> np.ndarray:
        """Convert times of the input's kind (timestamps or floats) to the float clock."""
        if self.origin is not None:
            stamps = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(at)))
            return np.asarray((stamps - self.origin) / self.unit, dtype=float)
        arr = np.atleast_1d(np.asarray(at, dtype=float))
        return arr

    def to_duration(self, window: Any, name: str = "window") -> float:
        if self.origin is not None:
            if isinstance(window, (pd.Timedelta, np.timedelta64)) or isinstance(window, str):
                return float(pd.Timedelta(window) / self.unit)
        if isinstance(window, (pd.Timedelta, np.timedelta64)):
            raise TypeError(f"{name} is a time delta but the event times are floats")
        try:
            return float(window)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number (or a Timedelta for timestamp input), got {window!r}") from None

    def from_float(self, t: np.ndarray) -> Any:
        if self.origin is None:
            return np.asarray(t, dtype=float)
        return self.origin + pd.to_timedelta(np.asarray(t, dtype=float) * (self.unit / pd.Timedelta(1, "ns")), unit="ns")


def _is_datetime(x: Any) -> bool:
    if isinstance(x, (pd.DatetimeIndex, pd.Timestamp)):
        return True
    if isinstance(x, pd.Series):
        return pd.api.types.is_datetime64_any_dtype(x.dtype)
    arr = np.asarray(x)
    return np.issubdtype(arr.dtype, np.datetime64) or (arr.dtype == object and arr.size > 0 and isinstance(arr.flat[0], (pd.Timestamp, np.datetime64)))


def _split_dimensions(times: Any) -> tuple[list[Any], list[str], bool]:
    if isinstance(times, dict):
        return list(times.values()), [str(k) for k in times.keys()], True
    if isinstance(times, (list, tuple)) and len(times) > 0 and all(
        isinstance(t, (list, tuple, np.ndarray, pd.Series, pd.Index)) for t in times
    ):
        return list(times), [str(i) for i in range(len(times))], True
    return [times], ["0"], False


def as_event_times(times: Any, end_time: Any = None, start_time: Any = None, time_unit: str = "D") -> EventTimes:
    """Validate event times and put them on a float clock starting at 0.

    Floats are used as given (the window starts at ``start_time``, default 0).
    Timestamps are measured in ``time_unit`` (default days) from ``start_time``
    (default the earliest event).  ``end_time`` defaults to the last event.
    """
    arrays, names, multivariate = _split_dimensions(times)
    if not arrays:
        raise ValueError("times must hold at least one dimension")
    is_dt = [_is_datetime(a) for a in arrays]
    if any(is_dt) and not all(is_dt):
        raise TypeError("times must be all timestamps or all numbers, not a mix")
    if all(is_dt):
        stamps = [pd.DatetimeIndex(pd.to_datetime(np.asarray(a).ravel())) for a in arrays]
        for i, s in enumerate(stamps):
            if s.tz is not None:
                stamps[i] = s.tz_convert("UTC").tz_localize(None)
            if s.hasnans:
                raise ValueError(f"times[{names[i]}] contains {int(s.isna().sum())} missing timestamp(s) (NaT)")
        nonempty = [s for s in stamps if len(s)]
        if start_time is None:
            if not nonempty:
                raise ValueError("times has no events; give start_time and end_time")
            origin = min(s.min() for s in nonempty)
        else:
            origin = pd.Timestamp(start_time)
        unit = pd.Timedelta(1, time_unit)
        floats = [np.asarray((s - origin) / unit, dtype=float) for s in stamps]
        if end_time is None:
            end = max((f.max() for f in floats if len(f)), default=0.0)
        else:
            end = float((pd.Timestamp(end_time) - origin) / unit)
        out = EventTimes(floats, end, names, origin, unit, multivariate)
    else:
        floats = []
        for i, a in enumerate(arrays):
            try:
                f = np.asarray(a, dtype=float).ravel()
            except (TypeError, ValueError):
                raise TypeError(f"times[{names[i]}] must hold numbers or timestamps") from None
            if np.isnan(f).any():
                raise ValueError(f"times[{names[i]}] contains {int(np.isnan(f).sum())} NaN value(s)")
            floats.append(f)
        shift = 0.0 if start_time is None else float(start_time)
        floats = [f - shift for f in floats]
        if end_time is None:
            end = max((f.max() for f in floats if len(f)), default=0.0)
        else:
            end = float(end_time) - shift
        out = EventTimes(floats, end, names, None, None, multivariate)
    if not np.isfinite(out.end_time) or out.end_time <= 0:
        raise ValueError(f"end_time must be after the start of the window, got {end_time!r} (window length {out.end_time})")
    return out
