"""Event-time input: floats or pandas timestamps, one array per dimension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._common.time import as_dates
from .._common.validation import MAX_ABS_VALUE, as_float_array, check_choice, check_float, describe

#: time units for the float clock of timestamp input
_UNITS = ("D", "h", "min", "s", "ms", "us", "ns", "W")


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
            return np.asarray((as_dates(at, name, utc=True) - self.origin) / self.unit, dtype=float)
        return np.atleast_1d(as_float_array(at, name, (0, 1)))

    def to_duration(self, window: Any, name: str = "window") -> float:
        """A positive, finite length of time on the float clock (a Timedelta
        or a string like "30D" for timestamp input, else a number)."""
        if self.origin is not None and isinstance(window, (pd.Timedelta, np.timedelta64, str)):
            try:
                length = float(pd.Timedelta(window) / self.unit)
            except ValueError as err:
                raise ValueError(f"{name} must be a time delta such as '30D', got {window!r} ({err})") from None
        elif isinstance(window, (pd.Timedelta, np.timedelta64)):
            raise TypeError(f"{name} is a time delta but the event times are floats")
        else:
            length = check_float(window, name)
        if not length > 0:
            raise ValueError(f"{name} must be positive, got {window!r}")
        return length

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
    if np.issubdtype(arr.dtype, np.datetime64):
        return True
    return arr.dtype == object and arr.size > 0 and any(isinstance(v, (pd.Timestamp, np.datetime64)) for v in arr.flat)


def _split_dimensions(times: Any) -> tuple[list[Any], list[str], bool]:
    if times is None or isinstance(times, (str, bytes)):
        raise TypeError(f"times must be an array of event times (numbers or dates), got {describe(times)}")
    if isinstance(times, dict):
        return list(times.values()), [str(k) for k in times.keys()], True
    if isinstance(times, (list, tuple)) and len(times) > 0 and all(
        isinstance(t, (list, tuple, np.ndarray, pd.Series, pd.Index)) for t in times
    ):
        return list(times), [str(i) for i in range(len(times))], True
    return [times], ["0"], False


def _bound(value: Any, name: str, origin: pd.Timestamp | None, unit: pd.Timedelta | None) -> float:
    """A window bound (``start_time``/``end_time``) on the float clock."""
    if origin is None:
        return check_float(value, name, -MAX_ABS_VALUE, MAX_ABS_VALUE)
    return float((as_dates(value, name, utc=True)[0] - origin) / unit)


def as_event_times(times: Any, end_time: Any = None, start_time: Any = None, time_unit: str = "D") -> EventTimes:
    """Validate event times and put them on a float clock starting at 0.

    Floats are used as given (the window starts at ``start_time``, default 0).
    Timestamps are measured in ``time_unit`` (default days) from ``start_time``
    (default the earliest event).  ``end_time`` defaults to the last event.
    """
    arrays, names, multivariate = _split_dimensions(times)
    if not arrays:
        raise ValueError("times must hold at least one dimension")
    label = (lambda i: f"times[{names[i]!r}]") if multivariate else (lambda i: "times")
    is_dt = [_is_datetime(a) for a in arrays]
    if any(is_dt) and not all(is_dt):
        raise TypeError("times must be all timestamps or all numbers, not a mix")
    if all(is_dt):
        stamps = [as_dates(a, label(i), utc=True) for i, a in enumerate(arrays)]
        nonempty = [s for s in stamps if len(s)]
        if start_time is None and not nonempty:
            raise ValueError("times has no events; give start_time and end_time")
        origin = min(s.min() for s in nonempty) if start_time is None else as_dates(start_time, "start_time", utc=True)[0]
        unit = pd.Timedelta(1, check_choice(time_unit, "time_unit", _UNITS))
        shift = 0.0
        floats = [np.asarray((s - origin) / unit, dtype=float) for s in stamps]
    else:
        origin = unit = None
        shift = 0.0 if start_time is None else _bound(start_time, "start_time", None, None)
        raw = [as_float_array(a, label(i), (0, 1), min_size=0).ravel() for i, a in enumerate(arrays)]
        floats = [f - shift for f in raw] if shift != 0.0 else raw  # no copy when the clock starts at 0
        if shift != 0.0 and any(np.any((np.diff(r) != 0) & (np.diff(f) == 0)) for r, f in zip(raw, floats)):
            raise ValueError(f"start_time={start_time!r} is so far from the events that their times, measured from it, "
                             "are no longer distinct in double precision")
    early = [] if start_time is None else [i for i, f in enumerate(floats) if len(f) and f.min() < 0]
    if early:
        raise ValueError(f"{label(early[0])} has events before start_time={start_time!r}: the window must contain "
                         "every event")
    if end_time is None:
        end = max((f.max() for f in floats if len(f)), default=0.0)
    else:
        end = _bound(end_time, "end_time", origin, unit) - shift
    if not np.isfinite(end) or end <= 0:
        raise ValueError(f"end_time must be after the start of the window (start_time={start_time!r}, "
                         f"end_time={end_time!r}: length {end}); with no end_time given, times must have an event "
                         "after the start")
    return EventTimes(floats, end, names, origin, unit, multivariate)
