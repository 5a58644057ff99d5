"""Monthly (or quarterly, yearly) indicator panels from coded events.

For each country pair and period the panel holds

* ``events``: the number of events;
* ``root_01`` .. ``root_20``: events by CAMEO root code;
* ``quad_1`` .. ``quad_4``: events by QuadClass (1 verbal cooperation,
  2 material cooperation, 3 verbal conflict, 4 material conflict);
* ``goldstein_mean``: the mean Goldstein score of the period's events;
* ``tone_mean``: the mean AvgTone (GDELT only).

Coverage decides what a zero means.  A period that the source files do not
cover is NaN in every column; a covered period with no event between the pair
has count 0 (and NaN means, since a mean of nothing is undefined).  The panel's
``attrs["covered"]`` says which periods are covered.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .._common.time import as_dates
from .._common.validation import as_names, check_bool, check_choice
from ._errors import DataFileWarning

_FREQS = {"MS": "M", "QS": "Q", "YS": "Y"}
ALL_MEASURES = ("count", "root", "quad", "goldstein", "tone")
ROOTS = [f"{i:02d}" for i in range(1, 21)]

_GDELT = {"a1": "Actor1CountryCode", "a2": "Actor2CountryCode", "root": "EventRootCode", "quad": "QuadClass",
          "goldstein": "GoldsteinScale", "tone": "AvgTone"}
_ICEWS = {"a1": "Source Country", "a2": "Target Country", "root": "CAMEO Code", "quad": None,
          "goldstein": "Intensity", "tone": None}


def quad_class_from_root(root: pd.Series) -> pd.Series:
    """CAMEO QuadClass from the two-digit root code (01-05: 1, 06-09: 2, 10-14: 3, 15-20: 4);
    NaN where the root is missing or not a CAMEO root."""
    if not isinstance(root, (pd.Series, pd.Index, np.ndarray, list, tuple)) or np.ndim(root) != 1:
        raise TypeError(f"root must be a Series (or 1-D array) of CAMEO root codes, got {type(root).__name__}")
    r = pd.to_numeric(pd.Series(root), errors="coerce")
    return pd.cut(r, bins=[0, 5, 9, 14, 20], labels=[1, 2, 3, 4]).astype("float64")


def _schema(frame: pd.DataFrame) -> dict:
    if set(_GDELT.values()) - {None} <= set(frame.columns) | {"AvgTone"} and "Actor1CountryCode" in frame:
        return _GDELT
    if "Source Country" in frame.columns:
        return _ICEWS
    raise ValueError("events must have GDELT columns (Actor1CountryCode, Actor2CountryCode, EventRootCode, "
                     "QuadClass, GoldsteinScale, AvgTone) or ICEWS columns (Source Country, Target Country, "
                     f"CAMEO Code, Intensity); got {list(frame.columns)[:8]}...")


def _dyad_table(dyads, directed: bool) -> tuple[dict, list[str]]:
    if isinstance(dyads, (str, bytes, dict)) or not isinstance(dyads, Iterable):
        raise TypeError(f"dyads must be a list of (actor, actor) pairs, got {dyads!r}")
    pairs = []
    for d in dyads:
        if isinstance(d, (str, bytes)) or not isinstance(d, Sequence) or len(d) != 2:
            raise ValueError(f"dyads: each dyad must be a pair (actor, actor), got {d!r}")
        if not all(isinstance(a, str) for a in d):
            raise TypeError(f"dyads: each dyad must be a pair of actor codes (strings), got {d!r}")
        pairs.append((d[0], d[1]))
    if not pairs:
        raise ValueError("dyads is empty: give at least one (actor, actor) pair")
    lookup, labels = {}, []
    for a, b in pairs:
        label = f"{a}->{b}" if directed else f"{a}-{b}"
        if label in labels:
            raise ValueError(f"dyad {label} given twice")
        labels.append(label)
        lookup[(a, b)] = label
        if not directed:
            if (b, a) in lookup and lookup[(b, a)] != label:
                raise ValueError(f"undirected dyads {a}-{b} and {b}-{a} overlap")
            lookup[(b, a)] = label
    return lookup, labels


def _chunk_sums(frame, schema, lookup, labels, period_freq, measures, date_col):
    """Sums per (period, dyad) for one chunk of events.

    Each event gets a group number  g = period_ordinal * n_dyads + dyad_index;
    every measure is then one ``np.bincount`` over g (root codes and quad
    classes as bincounts over g * width + code).
    """
    n_lab = len(labels)
    index_of = {lab: i for i, lab in enumerate(labels)}
    s1, s2 = frame[schema["a1"]], frame[schema["a2"]]
    dyad = np.full(len(frame), -1, dtype=np.int64)
    for (a, b), lab in lookup.items():
        dyad[((s1 == a) & (s2 == b)).fillna(False).to_numpy(dtype=bool)] = index_of[lab]
    hit = dyad >= 0
    dates = frame[date_col]
    if not hit.any():
        return None, dates
    sub = frame.loc[hit]
    months = sub[date_col].to_numpy().astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    ordinal = {"M": months, "Q": months // 3, "Y": months // 12}[period_freq]  # pandas Period ordinals
    groups, inverse = np.unique(ordinal * n_lab + dyad[hit], return_inverse=True)
    inverse = inverse.reshape(-1)
    n = len(groups)
    parts = {"events": np.bincount(inverse, minlength=n).astype("float64")}
    if "root" in measures:
        root = pd.to_numeric(sub[schema["root"]].astype("str").str[:2], errors="coerce").to_numpy(dtype="float64")
        ok = (root >= 1) & (root <= 20)
        counts = np.bincount(inverse[ok] * 21 + root[ok].astype(np.int64), minlength=n * 21).reshape(n, 21)
        for r in range(1, 21):
            parts[f"root_{r:02d}"] = counts[:, r].astype("float64")
    if "quad" in measures:
        quad = sub[schema["quad"]] if schema["quad"] else quad_class_from_root(sub[schema["root"]].str[:2])
        q = pd.to_numeric(quad, errors="coerce").to_numpy(dtype="float64")
        ok = (q >= 1) & (q <= 4)
        counts = np.bincount(inverse[ok] * 5 + q[ok].astype(np.int64), minlength=n * 5).reshape(n, 5)
        for k in (1, 2, 3, 4):
            parts[f"quad_{k}"] = counts[:, k].astype("float64")
    for name in ("goldstein", "tone"):
        if name in measures and schema[name] is not None:
            v = sub[schema[name]].to_numpy(dtype="float64")
            ok = ~np.isnan(v)
            parts[f"_{name}_sum"] = np.bincount(inverse, weights=np.where(ok, v, 0.0), minlength=n)
            parts[f"_{name}_n"] = np.bincount(inverse, weights=ok.astype("float64"), minlength=n)
    index = pd.MultiIndex.from_arrays(
        [pd.PeriodIndex.from_ordinals(groups // n_lab, freq=period_freq),
         np.asarray(labels, dtype=object)[groups % n_lab]], names=["_period", "_dyad"])
    return pd.DataFrame(parts, index=index), dates


def build_indicator_panel(events, dyads, freq: str = "MS", measures: Iterable[str] = ALL_MEASURES,
                          directed: bool = True, coverage=None, date: str = "event") -> pd.DataFrame:
    """Aggregate coded events into a periodic indicator panel per country pair.

    Parameters
    ----------
    events : DataFrame or iterable of DataFrames
        Output of :func:`read_gdelt_events` / :func:`iter_gdelt_events`
        (GDELT columns) or :func:`read_icews` (ICEWS columns; QuadClass is
        derived from the CAMEO root, Goldstein is ICEWS' Intensity, no tone).
        An iterable is aggregated chunk by chunk, so it never needs all events
        in memory.
    dyads : iterable of (str, str)
        Country pairs as the source codes them (GDELT: ``("CHN", "JPN")``;
        ICEWS: ``("China", "Japan")``).
    freq : {"MS", "QS", "YS"}
        Period (month, quarter, year start).
    measures : iterable of {"count", "root", "quad", "goldstein", "tone"}
    directed : bool
        True: a pair (a, b) counts events with actor 1 = a and actor 2 = b,
        labelled ``"a->b"``.  False: both directions, labelled ``"a-b"``.
    coverage : None, DatetimeIndex of covered days, or (start, end)
        Which periods the data cover.  None: the frame's
        ``attrs["coverage_days"]`` (set by :func:`read_gdelt_events`) if there,
        else every period from the first to the last event.
    date : {"event", "added"}
        Bin events by when they happened (``date``/SQLDATE) or by when GDELT
        added them (DATEADDED, which is what the files cover).

    Returns
    -------
    DataFrame
        Index: period starts (DatetimeIndex with ``freq``); columns: a
        MultiIndex (dyad, measure).  Uncovered periods are NaN; covered periods
        without events have zero counts.  ``attrs``: ``covered`` (boolean
        Series), ``events_outside_coverage`` (events dated in uncovered
        periods, not counted; a :class:`DataFileWarning` is issued when > 0).
    """
    freq = check_choice(freq, "freq", sorted(_FREQS))
    measures = tuple(as_names(measures, "measures"))
    bad = [m for m in measures if m not in ALL_MEASURES]
    if bad or not measures:
        raise ValueError(f"measures must be a non-empty subset of {ALL_MEASURES}, got {measures}")
    date = check_choice(date, "date", ("event", "added"))
    lookup, labels = _dyad_table(dyads, check_bool(directed, "directed"))
    pfreq = _FREQS[freq]
    if not isinstance(events, pd.DataFrame) and (isinstance(events, (str, bytes, dict))
                                                 or not isinstance(events, Iterable)):
        raise TypeError(f"events must be a DataFrame or an iterable of DataFrames, got {type(events).__name__}")
    chunks = [events] if isinstance(events, pd.DataFrame) else events
    total = None
    attrs_days = None
    has_tone = True
    first = last = None
    for frame in chunks:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"events must be a DataFrame or an iterable of DataFrames, got {type(frame).__name__}")
        if attrs_days is None and "coverage_days" in frame.attrs:
            attrs_days = frame.attrs["coverage_days"]
        if not len(frame):
            continue
        schema = _schema(frame)
        has_tone = has_tone and schema["tone"] is not None
        if date == "added":
            if "DATEADDED" not in frame:
                raise ValueError("date='added' needs the DATEADDED column")
            stamp = frame["DATEADDED"].to_numpy()
            day = np.where(stamp > 10**9, stamp // 1_000_000, stamp)
            frame = frame.assign(_date=pd.to_datetime(day.astype("str"), format="%Y%m%d"))
            date_col = "_date"
        else:
            if "date" not in frame:
                raise ValueError("events need a parsed 'date' column (as the readers return)")
            date_col = "date"
        sums, dates = _chunk_sums(frame, schema, lookup, labels, pfreq, measures, date_col)
        lo, hi = dates.min(), dates.max()
        first = lo if first is None or lo < first else first
        last = hi if last is None or hi > last else last
        if sums is not None:
            total = sums if total is None else total.add(sums, fill_value=0.0)
    covered_periods = _covered_periods(coverage, attrs_days, first, last, pfreq)
    index = pd.period_range(covered_periods.min(), covered_periods.max(), freq=pfreq)
    covered = pd.Series(index.isin(covered_periods), index=index.to_timestamp(), name="covered")
    measure_cols = ["events"]
    if "root" in measures:
        measure_cols += [f"root_{r}" for r in ROOTS]
    if "quad" in measures:
        measure_cols += [f"quad_{k}" for k in (1, 2, 3, 4)]
    means = [m for m in ("goldstein", "tone") if m in measures and (m != "tone" or has_tone)]
    if "count" not in measures:
        measure_cols.remove("events")
    out = {}
    outside = 0
    if total is not None:
        in_range = total.index.get_level_values(0).isin(covered_periods)
        outside = int(total.loc[~in_range, "events"].sum())
        total = total.loc[in_range]
    for lab in labels:
        block = pd.DataFrame(0.0, index=index, columns=measure_cols + [f"_{m}_{k}" for m in means
                                                                          for k in ("sum", "n")])
        if total is not None and lab in total.index.get_level_values(1):
            part = total.xs(lab, level=1)
            block.loc[part.index, :] = part.reindex(columns=block.columns, fill_value=0.0).to_numpy()
        for m in means:
            n = block.pop(f"_{m}_n")
            s = block.pop(f"_{m}_sum")
            block[f"{m}_mean"] = np.where(n > 0, s / n.where(n > 0, 1.0), np.nan)
        block[~covered.to_numpy()] = np.nan
        block.index = index.to_timestamp()
        out[lab] = block
    panel = pd.concat(out, axis=1, names=["dyad", "measure"])
    panel.index = pd.DatetimeIndex(panel.index, freq=freq, name="period")
    panel.attrs = {"covered": covered, "events_outside_coverage": outside}
    if outside:
        warnings.warn(f"build_indicator_panel: {outside} event(s) of the chosen dyads are dated in periods the data "
                      "do not cover and were not counted (attrs['events_outside_coverage'])",
                      DataFileWarning, stacklevel=2)
    return panel


def _covered_periods(coverage, attrs_days, first, last, pfreq) -> pd.PeriodIndex:
    if coverage is None and attrs_days is not None and len(attrs_days):
        coverage = attrs_days
    if coverage is None:
        if first is None:
            raise ValueError("no events and no coverage given: cannot tell which periods are covered")
        return pd.period_range(first, last, freq=pfreq)
    if isinstance(coverage, tuple):
        return _coverage_range(coverage, pfreq)
    days = as_dates(coverage, "coverage")
    if not len(days):
        raise ValueError("coverage is empty")
    return pd.PeriodIndex(days.to_period(pfreq).unique()).sort_values()


def _coverage_range(coverage, pfreq: str) -> pd.PeriodIndex:
    """The periods from ``coverage = (start, end)`` (dates), inclusive."""
    if not isinstance(coverage, (tuple, list)) or len(coverage) != 2:
        raise ValueError(f"coverage must be a (start, end) pair of dates, got {coverage!r}")
    start, end = as_dates(list(coverage), "coverage")
    if end < start:
        raise ValueError(f"coverage end {end} is before start {start}")
    return pd.period_range(start, end, freq=pfreq)


def incident_counts(incidents: pd.DataFrame, freq: str = "MS", by: str | None = None, coverage=None,
                    date_column: str = "date") -> pd.DataFrame:
    """Count incidents (missile launches, ACLED events, ...) per period, with coverage.

    Parameters
    ----------
    incidents : DataFrame
        One row per incident with a datetime column ``date_column`` (as
        :func:`read_cns_missile_db` and :func:`read_acled` return).
    freq : {"MS", "QS", "YS"}
    by : str, optional
        A column to split the counts by (e.g. ``"country"`` or ``"event_type"``);
        one output column per value.  Without it, one column ``"incidents"``.
    coverage : None or (start, end)
        Periods the record covers; default: first to last incident.  Periods
        outside are NaN, covered periods without incidents 0.

    Returns
    -------
    DataFrame with a period-start DatetimeIndex; ``attrs["covered"]`` and
    ``attrs["incidents_outside_coverage"]`` (not counted; warned about when > 0).
    """
    if not isinstance(incidents, pd.DataFrame):
        raise TypeError(f"incidents must be a DataFrame with a date column, got {type(incidents).__name__}")
    freq = check_choice(freq, "freq", sorted(_FREQS))
    for name, column in (("date_column", date_column), ("by", by)):
        if (column is not None or name == "date_column") and (not isinstance(column, str)
                                                              or column not in incidents.columns):
            raise ValueError(f"{name} must name a column of incidents ({list(incidents.columns)}), got {column!r}")
    dates = pd.Series(as_dates(incidents[date_column], f"incidents[{date_column!r}]"), index=incidents.index)
    pfreq = _FREQS[freq]
    if coverage is None:
        if not len(dates):
            raise ValueError("no incidents and no coverage given: cannot tell which periods are covered")
        periods = pd.period_range(dates.min(), dates.max(), freq=pfreq)
    else:
        periods = _coverage_range(coverage, pfreq)
    period = dates.dt.to_period(pfreq)
    inside = period.isin(periods)
    outside = int((~inside).sum())
    keys = pd.Series("incidents", index=incidents.index) if by is None else incidents[by].astype("str")
    table = pd.crosstab(period[inside], keys[inside]).reindex(periods, fill_value=0)
    table.index = pd.DatetimeIndex(periods.to_timestamp(), freq=freq, name="period")
    table.columns.name = by
    table = table.astype("int64")
    table.attrs = {"covered": pd.Series(True, index=table.index, name="covered"),
                   "incidents_outside_coverage": outside}
    if outside:
        warnings.warn(f"incident_counts: {outside} incident(s) outside the coverage were not counted",
                      DataFileWarning, stacklevel=2)
    return table
