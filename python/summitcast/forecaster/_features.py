"""Features of a series-month, computed one way for the history and for simulated futures.

Every feature of month t uses only what was known by the end of month t − 1
(so a forecast made at the end of month T knows every feature of T + 1 and
simulates the rest).  They were chosen from the design's reasoning before any
forecast was scored (``benchmarks/results/skill_configurations.md``):

=================  ==========================================================
feature            definition (month t of series s)
=================  ==========================================================
``log_gap``        log d, d = months since the series' last meeting (1 in the
                   month after it; counted from the start of the record
                   when the series has not met yet)
``anniversary``    exp(−δ²/2·1.5²), δ = months from d to the first or second
                   anniversary (6 ≤ d ≤ 30; 0 otherwise): institutionalised
                   annual meetings recur a year on, or a year late; after
                   that the rhythm has broken
``prep``           preparatory steps since the last meeting (senior officials,
                   deputy or foreign ministers, agreements to hold, proposed
                   dates), each weighted 2^(−age/6 months)
``announced``      announced dates since the last meeting, half-life 1 month
``setback``        postponements and refusals since the last meeting,
                   half-life 6 months
``crisis``         active crises between two members of the series
``host_crisis``    1 if the member whose turn it is to host (rotating chairs:
                   the one after the last host; a skipped year does not pass
                   the chair) is party to an active crisis with a member
``trade_growth``   12-month log growth of the members' bilateral trade
                   (mean over the member pairs with trade data; 0 without)
``launches``       log(1 + North Korean missile launches in t−3..t−1)
``nuclear_test``   North Korean nuclear tests, half-life 6 months
``new_leader``     leaders of members taking office, half-life 6 months
``election``       national elections in member countries, half-life 3 months
=================  ==========================================================

The step features are the state of the step process; the forecaster
simulates them with the step hazards.  The indicator features come from the
monthly *inputs* (launches, tests, crisis counts per country pair, trade per
pair, leader changes and elections per country), which the indicator models
simulate; :func:`exogenous_features` turns inputs with a leading path axis
into features, for the history (one path) and the future alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._record import STEP_CLASSES, Record, SeriesInfo

__all__ = ["FEATURES", "FEATURE_GROUPS", "HALF_LIVES", "STEP_FEATURES", "History", "build_history",
           "decayed", "duration_features", "exogenous_features", "series_inputs"]

STEP_FEATURES = ("prep", "announced", "setback")
DURATION_FEATURES = ("log_gap", "anniversary")
EXOGENOUS_FEATURES = ("crisis", "host_crisis", "trade_growth", "launches", "nuclear_test", "new_leader", "election")
FEATURES = DURATION_FEATURES + STEP_FEATURES + EXOGENOUS_FEATURES

#: Groups for driver attribution (each set to its baseline together).
FEATURE_GROUPS = {
    "time since the last meeting": DURATION_FEATURES,
    "preparatory steps": STEP_FEATURES,
    "crises": ("crisis", "host_crisis"),
    "trade": ("trade_growth",),
    "North Korea": ("launches", "nuclear_test"),
    "leaders and elections": ("new_leader", "election"),
}

#: Half-lives (months) of the exponentially weighted counts.
HALF_LIVES = {"prep": 6.0, "announced": 1.0, "setback": 6.0, "nuclear_test": 6.0, "new_leader": 6.0, "election": 3.0}

ANNIVERSARY_WIDTH = 1.5
#: Months of inputs the longest-looking feature reads before its month: the
#: 12-month trade growth of month t compares t − 1 with t − 13 (a gap in the
#: record there leaves the feature unknown).
LONGEST_LOOK_BACK = 13


def decay(name: str) -> float:
    """Monthly retention 2^(−1/half-life) of a weighted count."""
    return float(2.0 ** (-1.0 / HALF_LIVES[name]))


def decayed(counts: np.ndarray, rho: float, initial: np.ndarray | float = 0.0) -> np.ndarray:
    """f[..., t] = rho f[..., t−1] + counts[..., t−1] (events through t − 1), f[..., 0] = initial."""
    counts = np.asarray(counts, dtype=float)
    out = np.empty_like(counts)
    state = np.broadcast_to(np.asarray(initial, dtype=float), counts.shape[:-1]).copy()
    for t in range(counts.shape[-1]):
        out[..., t] = state
        state = rho * state + counts[..., t]
    return out


def duration_features(gap: np.ndarray) -> dict[str, np.ndarray]:
    """``log_gap`` and ``anniversary`` of months-since-the-last-meeting ``gap`` (≥ 1)."""
    gap = np.asarray(gap, dtype=float)
    delta = np.minimum(np.abs(gap - 12.0), np.abs(gap - 24.0))
    bump = np.where((gap >= 6) & (gap <= 30), np.exp(-0.5 * (delta / ANNIVERSARY_WIDTH) ** 2), 0.0)
    return {"log_gap": np.log(gap), "anniversary": bump}


def _pair_key(a: str, b: str) -> str:
    return "-".join(sorted((a, b)))


def trade_column_pairs(columns: pd.Index) -> dict[str, tuple[str, str]]:
    """pair key → (exports column, imports column) for ``trade_<a>_<b>_exports/_imports`` columns."""
    out = {}
    for col in columns:
        name = str(col)
        if name.startswith("trade_") and name.endswith("_exports"):
            parts = name.split("_")
            if len(parts) == 4:
                imports = name[: -len("exports")] + "imports"
                if imports in columns:
                    out[_pair_key(parts[1].upper(), parts[2].upper())] = (name, imports)
    return out


def series_inputs(record: Record, info: SeriesInfo) -> list[str]:
    """Names of the monthly inputs the features of ``info`` read: crises of
    member pairs whose countries the crisis table covers, trade of pairs with
    trade columns, leaders and elections of members the tables cover.

    A series convened by an organisation (a member such as ``ASEAN``) reads
    no crises (configuration 5 of ``benchmarks/results/skill_configurations.md``):
    a crisis is a step one government takes against another's meetings with
    it, and the organisation's chair, not the two governments, convenes these.
    """
    covered = {c for parties in record.crises["parties"] for c in parties}
    pairs = [_pair_key(a, b) for a, b in info.pairs if a in covered and b in covered]
    trade = trade_column_pairs(record.indicators.columns)
    leaders, elections = set(record.leaders["country"]), set(record.elections["country"])
    names = ["launches", "nuclear_tests"]
    if not info.convened_by_organisation:
        names += [f"crisis:{p}" for p in pairs]
    names += [f"trade:{p}" for p in pairs if p in trade]
    names += [f"leader:{c}" for c in info.members if c in leaders]
    names += [f"election:{c}" for c in info.members if c in elections]
    return names


def host_pairs(info: SeriesInfo, host: str) -> list[str]:
    return [_pair_key(a, b) for a, b in info.pairs if host in (a, b)]


def exogenous_features(info: SeriesInfo, inputs: dict[str, np.ndarray], hosts: np.ndarray | None,
                       initial: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Indicator features (P, T) from monthly inputs (P, T) (each feature of t from inputs through t − 1).

    ``hosts``: the host in turn in each month (T,) of object codes, or None
    for series without rotation.  ``initial``: weighted counts carried in
    from before the first month (default 0).
    """
    initial = initial or {}
    any_input = next(iter(inputs.values()))
    shape = any_input.shape
    lag = _lagger(shape)
    pairs = [_pair_key(a, b) for a, b in info.pairs if f"crisis:{_pair_key(a, b)}" in inputs]
    crisis = np.zeros(shape)
    for p in pairs:
        crisis += lag(inputs[f"crisis:{p}"])
    host_crisis = np.zeros(shape)
    if hosts is not None:
        for code in set(h for h in hosts if isinstance(h, str)):
            mask = np.array([h == code for h in hosts])
            active = np.zeros(shape)
            for p in host_pairs(info, code):
                if f"crisis:{p}" in inputs:
                    active += lag(inputs[f"crisis:{p}"])
            host_crisis[..., mask] = (active[..., mask] > 0).astype(float)
    trade_keys = [k for k in inputs if k.startswith("trade:")]
    if trade_keys:
        growth = []
        for k in trade_keys:
            level = np.log(inputs[k])
            g = np.full(shape, np.nan)
            g[..., LONGEST_LOOK_BACK:] = level[..., LONGEST_LOOK_BACK - 1:-1] - level[..., :-LONGEST_LOOK_BACK]
            growth.append(g)
        trade_growth = np.mean(growth, axis=0)
    else:
        trade_growth = np.zeros(shape)
    launches = inputs["launches"]
    window = np.full(shape, np.nan)
    window[..., 3:] = launches[..., 2:-1] + launches[..., 1:-2] + launches[..., :-3]
    leaders = sum((inputs[k] for k in inputs if k.startswith("leader:")), np.zeros(shape))
    elections = sum((inputs[k] for k in inputs if k.startswith("election:")), np.zeros(shape))
    return {
        "crisis": crisis,
        "host_crisis": host_crisis,
        "trade_growth": trade_growth,
        "launches": np.log1p(window),
        "nuclear_test": _decayed_nan(inputs["nuclear_tests"], decay("nuclear_test"), initial.get("nuclear_test", 0.0)),
        "new_leader": decayed(leaders, decay("new_leader"), initial.get("new_leader", 0.0)),
        "election": decayed(elections, decay("election"), initial.get("election", 0.0)),
    }


def _lagger(shape: tuple[int, ...]):
    def lag(values: np.ndarray) -> np.ndarray:
        out = np.zeros(shape)
        out[..., 1:] = values[..., :-1]
        return out
    return lag


def _decayed_nan(counts: np.ndarray, rho: float, initial: float) -> np.ndarray:
    """A weighted count that becomes (and stays) NaN from the month after the first unknown count."""
    known = np.nan_to_num(counts, nan=0.0)
    out = decayed(known, rho, initial)
    unknown = np.cumsum(np.isnan(counts), axis=-1) > 0
    out[..., 1:][unknown[..., :-1]] = np.nan
    return out


# --------------------------------------------------------------- the history
@dataclass
class History:
    """The pooled at-risk panel and what each series carries into the future.

    ``panel``: one row per (series, month at risk) with ``series``, ``month``,
    ``event`` (a meeting that month), ``step_<class>`` (a step of that class
    that month) and the features, NaN where an input was unknown.
    ``inputs``: per series, the monthly inputs on the full panel index (NaN
    where unknown).  ``state``: per series, the step states, the months
    since the last meeting and the host in turn at the end of the record.
    """

    panel: pd.DataFrame
    inputs: dict[str, dict[str, np.ndarray]]
    state: dict[str, dict[str, object]]
    index: pd.DatetimeIndex
    hosts: dict[str, np.ndarray]


def base_inputs(record: Record) -> dict[str, np.ndarray]:
    """Every monthly input on the panel index (NaN where the record does not say)."""
    panel = record.indicators
    index = panel.index
    n = len(index)
    out: dict[str, np.ndarray] = {}
    out["launches"] = panel["missile_launches"].to_numpy(dtype=float) if "missile_launches" in panel else np.full(n, np.nan)
    out["nuclear_tests"] = panel["nuclear_tests"].to_numpy(dtype=float) if "nuclear_tests" in panel else np.full(n, np.nan)
    countries = sorted({m for info in record.series.values() for m in info.members})
    pairs = sorted({_pair_key(a, b) for info in record.series.values() for a, b in info.pairs})
    for p in pairs:
        a, b = p.split("-")
        active = np.zeros(n)
        for _, c in record.crises.iterrows():
            if a in c["parties"] and b in c["parties"]:
                end = c["end_month"] if pd.notna(c["end_month"]) else index[-1]
                active += ((index >= c["onset_month"]) & (index <= end)).astype(float)
        out[f"crisis:{p}"] = active
    for p, (exp_col, imp_col) in trade_column_pairs(panel.columns).items():
        total = panel[exp_col].to_numpy(dtype=float) + panel[imp_col].to_numpy(dtype=float)
        out[f"trade:{p}"] = np.where(total > 0, total, np.nan)
    for c in countries:
        out[f"leader:{c}"] = _monthly_counts(record.leaders, c, index)
        out[f"election:{c}"] = _monthly_counts(record.elections, c, index)
    return out


def _monthly_counts(table: pd.DataFrame, country: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Rows of ``country`` per month of ``index`` (rows of other months, or of no month, are not counted)."""
    at = index.get_indexer(pd.DatetimeIndex(table.loc[table["country"] == country, "month"]))
    return np.bincount(at[at >= 0], minlength=len(index)).astype(float)


def host_in_turn(info: SeriesInfo, last_host: object) -> str | None:
    """The member whose turn it is to host after ``last_host`` (rotating series only)."""
    if info.rotation is None:
        return None
    if isinstance(last_host, str) and last_host in info.rotation:
        return info.rotation[(info.rotation.index(last_host) + 1) % len(info.rotation)]
    return info.rotation[0]


def _spell_features(info: SeriesInfo, index: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Months since the last meeting, host in turn and the step states, per month of ``index``.

    A step belongs to the spell after the last meeting dated on or before it
    (an agreement announced at a summit counts towards the next one).
    """
    n = len(index)
    pos = {m: i for i, m in enumerate(index)}
    meet_months = sorted({pos[m] for m in info.meetings["month"] if m in pos})
    event = np.zeros(n)
    event[meet_months] = 1.0
    gap = np.empty(n)
    hosts = np.empty(n, dtype=object)
    start = pos.get(info.start, 0)
    last, last_host = None, None
    dates = info.meetings["date"].to_numpy()
    host_col = info.meetings["host"].to_numpy() if "host" in info.meetings else [None] * len(dates)
    meeting_of_month = {}
    for d, h, m in zip(dates, host_col, info.meetings["month"]):
        if m in pos:
            meeting_of_month[pos[m]] = (pd.Timestamp(d), h)
    for t in range(n):
        gap[t] = (t - last) if last is not None else (t - start + 1)
        hosts[t] = host_in_turn(info, last_host)
        if t in meeting_of_month:
            last = t
            last_host = meeting_of_month[t][1]
    out: dict[str, np.ndarray] = {"gap": np.maximum(gap, 1.0), "event": event}
    # step states: counts per month of steps after the latest meeting date
    last_meeting_date = {}
    current = None
    for t in range(n):
        last_meeting_date[t] = current
        if t in meeting_of_month:
            current = meeting_of_month[t][0]
    for cls in STEP_CLASSES:
        steps = info.steps[info.steps["step_class"] == cls]
        rho = decay(cls)
        counts_any = np.zeros(n)
        for m in steps["month"]:
            if m in pos:
                counts_any[pos[m]] = 1.0
        out[f"step_{cls}"] = counts_any
        state = np.zeros(n)
        s = 0.0
        step_dates: dict[int, list[pd.Timestamp]] = {}  # month position -> dates of its steps, in table order
        for m, d in zip(steps["month"], steps["date"]):
            if m in pos:
                step_dates.setdefault(pos[m], []).append(pd.Timestamp(d))
        for t in range(n):
            state[t] = s
            # steps of month t that belong to the spell running after month t
            spell_start = meeting_of_month[t][0] if t in meeting_of_month else last_meeting_date[t]
            new = sum(1.0 for d in step_dates.get(t, ()) if spell_start is None or d >= spell_start)
            s = (0.0 if t in meeting_of_month else rho * s) + new
        out[cls] = state
        out[f"{cls}_next"] = np.array([s])  # the state carried into the month after the panel
    out["hosts"] = hosts
    final = {"gap_next": float(n - last) if last is not None else float(n - start + 1),
             "host_next": host_in_turn(info, last_host),
             "last_meeting": index[last] if last is not None else None}
    for cls in STEP_CLASSES:
        final[cls] = float(out.pop(f"{cls}_next")[0])
    return out, final


def build_history(record: Record) -> History:
    """The pooled at-risk panel of every series (see :class:`History`)."""
    index = record.indicators.index
    inputs_all = base_inputs(record)
    frames, inputs, states, hosts = [], {}, {}, {}
    for key, info in record.series.items():
        names = series_inputs(record, info)
        own = {k: inputs_all[k][None, :] for k in names}
        spell, final = _spell_features(info, index)
        exo = exogenous_features(info, own, spell["hosts"])
        feats = duration_features(spell["gap"])
        at_risk = (index >= info.start) & (index <= info.end)
        frame = pd.DataFrame({"series": key, "month": index, "event": spell["event"]})
        for cls in STEP_CLASSES:
            frame[f"step_{cls}"] = spell[f"step_{cls}"]
            frame[cls] = spell[cls]
        for name, values in feats.items():
            frame[name] = values
        for name, values in exo.items():
            frame[name] = values[0]
        frames.append(frame[at_risk])
        inputs[key] = {k: v[0] for k, v in own.items()}
        final["exogenous_last"] = {name: float(values[0, -1]) for name, values in exo.items()}
        states[key] = final
        hosts[key] = spell["hosts"]
    panel = pd.concat(frames, ignore_index=True)[["series", "month", "event", *[f"step_{c}" for c in STEP_CLASSES],
                                                  *FEATURES]]
    return History(panel=panel, inputs=inputs, state=states, index=index, hosts=hosts)
