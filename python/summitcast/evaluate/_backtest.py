"""Rolling-origin backtests that never look ahead.

At every origin o (a month) each model is fitted on ``data.truncate(o)`` —
only what was public by the end of month o — and asked for P(a meeting of
the series within h months).  The outcome is 1 if the series held a meeting
in the months o + 1 .. o + h, from the full data.  A window is scored only
when the full data know its outcome: it must lie inside the series'
coverage and end no later than the last complete month of the series'
record-through date; every window left out is counted, with the reason, in
``Backtest.unscored``.

Work is cut into tasks of consecutive origins (one origin each when run
serially and every origin refits; at most ``MAX_TASKS`` on an executor, so
that the data are sent a bounded number of times), each a pure function of
its arguments with the seed
``child_seed(seed, "series", series, "origin", "YYYY-MM")`` for every
(series, origin), so the frame is the same serially, on threads, on
processes or on a Dask cluster.  An executor is handed the tasks latest
first (the longest first) and runs each on one core thread
(:func:`~summitcast.evaluate._executors.run_tasks`).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._common.seeds import check_seed, child_seed
from .._common.validation import check_bool, check_int, describe
from ._backtest_result import Backtest
from ._baselines import DEFAULT_BASELINES
from ._executors import check_executor, run_tasks
from ._protocol import held_probabilities, is_forecaster, model_name, resolve_model
from ._record import as_record, month_ordinal, ordinal_month, series_history, series_names

__all__ = ["backtest"]

#: most tasks an executor is given (each carries the data once)
MAX_TASKS = 64


# ------------------------------------------------------------ arguments
def _origins(origins: Any, record: Any) -> np.ndarray:
    """Sorted month ordinals of the origins, each inside the data."""
    if isinstance(origins, (str, pd.Timestamp, pd.Period)):
        origins = [origins]
    if not isinstance(origins, Iterable):
        raise TypeError(f"origins must be months (e.g. a list of 'YYYY-MM' or a DatetimeIndex), got {describe(origins)}")
    values = np.array([month_ordinal(o, "origins") for o in origins], dtype=np.int64)
    if values.size == 0:
        raise ValueError("origins is empty: give at least one month")
    start = month_ordinal(record.indicators.index[0])
    end = month_ordinal(record.as_of, "as_of")
    outside = (values < start) | (values > end)
    if outside.any():
        bad = ordinal_month(values[outside][0])
        raise ValueError(f"origins must lie between {ordinal_month(start):%Y-%m} and the data's as_of "
                         f"{ordinal_month(end):%Y-%m}, got {bad:%Y-%m} ({int(outside.sum())} such origin(s))")
    unique, counts = np.unique(values, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"origins has the month {ordinal_month(unique[counts > 1][0]):%Y-%m} more than once")
    return unique


def _horizons(horizons: Any) -> np.ndarray:
    if isinstance(horizons, (int, np.integer)) and not isinstance(horizons, bool):
        horizons = [horizons]
    if isinstance(horizons, str) or not isinstance(horizons, Iterable):
        raise TypeError(f"horizons must be positive integers (months), got {describe(horizons)}")
    values = [check_int(h, "horizons", 1) for h in horizons]
    if not values:
        raise ValueError("horizons is empty: give at least one number of months")
    if len(set(values)) != len(values):
        raise ValueError(f"horizons has a duplicate: {values}")
    return np.array(sorted(values), dtype=np.int64)


def _refit_every(refit: Any, n_origins: int) -> int:
    if isinstance(refit, (bool, np.bool_)):
        return 1 if refit else max(n_origins, 1)
    return check_int(refit, "refit", 1)


def _name(entry: Any, series: str) -> str:
    """The name a model is reported under: that of the forecaster it makes
    for ``series`` (a factory's instances may differ from its class)."""
    return model_name(resolve_model(entry, series, f"model {entry!r}"))


def _models(forecaster: Any, baselines: Any, series: str) -> tuple[list[tuple[str, Any]], list[str]]:
    """(name, entry) of every model, and the names of the baselines."""
    entries: list[tuple[str, Any]] = []
    if isinstance(forecaster, Mapping):
        entries += [(str(k), v) for k, v in forecaster.items()]
    elif forecaster is not None:
        if not (is_forecaster(forecaster) or callable(forecaster)):
            raise TypeError(f"forecaster must be a forecaster (with fit), a factory of forecasters, a mapping "
                            f"name -> forecaster, or None, got {describe(forecaster)}")
        entries.append((_name(forecaster, series), forecaster))
    reference: list[tuple[str, Any]] = []
    if baselines is not None:
        if isinstance(baselines, (str, Mapping)) or not isinstance(baselines, Iterable):
            raise TypeError(f"baselines must be a sequence of forecasters or factories, got {describe(baselines)}")
        reference = [(_name(b, series), b) for b in baselines]
    entries += reference
    if not entries:
        raise ValueError("nothing to backtest: forecaster is None and baselines is empty")
    names = [n for n, _ in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"model names must be unique, got {names}; pass a mapping name -> forecaster")
    return entries, [n for n, _ in reference]


def _default_series(forecaster: Any) -> str:
    """The forecaster's own series: its ``series`` attribute, or the default
    of its factory's ``series`` parameter; else "trilateral"."""
    if is_forecaster(forecaster):
        own = getattr(forecaster, "series", None)
    else:
        try:
            parameter = inspect.signature(forecaster).parameters.get("series")
        except (TypeError, ValueError):
            parameter = None
        own = None if parameter is None else parameter.default
    return own if isinstance(own, str) else "trilateral"


def _series(series: Any, forecaster: Any, record: Any) -> list[str]:
    available = series_names(record)
    if series is None:
        series = _default_series(forecaster) if forecaster is not None and not isinstance(forecaster, Mapping) \
            else "trilateral"
    if isinstance(series, str):
        series = available if series == "all" else [series]
    if not isinstance(series, Iterable):
        raise TypeError(f"series must be a series name, a list of them or 'all', got {describe(series)}")
    out = list(series)
    if not out:
        raise ValueError("series is empty")
    for s in out:
        if s not in available:
            raise ValueError(f"series must name series of the data {available}, got {s!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"series has a duplicate: {out}")
    return out


# ------------------------------------------------------------ the plan
def _plan(record: Any, series: list[str], origins: np.ndarray, horizons: np.ndarray):
    """Outcomes of the scorable windows and counts of the others.

    Returns (scorable, outcomes, unscored): boolean and 0/1 arrays
    (series, origin, horizon) and a DataFrame of left-out windows.
    """
    shape = (len(series), origins.size, horizons.size)
    scorable = np.zeros(shape, dtype=bool)
    outcomes = np.zeros(shape, dtype=np.int64)
    rows = []
    for i, s in enumerate(series):
        history = series_history(record, s)
        for k, h in enumerate(horizons):
            early = origins + 1 < history.first
            late = ~early & (origins + h > history.last)
            scorable[i, :, k] = ~early & ~late
            outcomes[i, :, k] = history.window_counts(origins, int(h)) > 0
            if early.any():
                rows.append((s, int(h), f"window starts before the series' coverage "
                                        f"({ordinal_month(history.first):%Y-%m})", int(early.sum())))
            if late.any():
                rows.append((s, int(h), f"window ends after the series' record-through "
                                        f"({history.record_through:%Y-%m-%d})", int(late.sum())))
    unscored = pd.DataFrame(rows, columns=["series", "horizon", "reason", "n"])
    return scorable, outcomes, unscored


def series_seed(seed: int, series: str, origin: pd.Timestamp) -> int:
    """The seed of one (series, origin) fit."""
    return child_seed(seed, "series", series, "origin", f"{origin:%Y-%m}")


def _blocks_task(models: tuple, record: Any, blocks: tuple, seed: int) -> list[tuple]:
    """Run :func:`_block` for each of ``blocks``; one row per forecast."""
    return [row for block in blocks for row in _block(models, record, block, seed)]


def _block(models: tuple, record: Any, block: tuple, seed: int) -> list[tuple]:
    """Fit (first origin of the block) or update (later ones) every model for
    every series at the block's origins; one row per forecast.

    ``block`` is a tuple of (origin ordinal, ((series, horizons), ...)).
    """
    rows = []
    fitted: dict[tuple[int, str], Any] = {}
    for origin, needs in block:
        month = ordinal_month(origin)
        vintage = record.truncate(month)
        for series, horizons in needs:
            key_seed = series_seed(seed, series, month)
            for m, (name, entry) in enumerate(models):
                previous = fitted.get((m, series))
                if previous is None:
                    model = resolve_model(entry, series, name)
                    # a copy of a given instance: fit may change its object, and tasks may share it
                    model = copy.deepcopy(model) if model is entry else model
                    fit = model.fit(vintage, as_of=month, seed=key_seed)
                else:
                    update = getattr(previous, "update", None)
                    if update is None:
                        raise TypeError(f"refit other than True needs fitted objects with update(data, as_of, "
                                        f"seed); {name}'s {type(previous).__name__} has none (use refit=True)")
                    fit = update(vintage, as_of=month, seed=key_seed)
                fitted[(m, series)] = fit
                p = held_probabilities(fit, max(horizons), name)
                rows.extend((m, series, origin, h, float(p[h - 1])) for h in horizons)
    return rows


def backtest(
    forecaster: Any,
    data: Any,
    origins: Any,
    horizons: Any = (6, 12, 24),
    refit: bool | int = True,
    executor: Any = None,
    seed: int | None = None,
    series: Any = None,
    progress: bool | None = None,
    *,
    baselines: Any = DEFAULT_BASELINES,
    stack: bool = True,
) -> Backtest:
    """Rolling-origin, no-look-ahead backtest of summit forecasts, with baselines.

    Parameters
    ----------
    forecaster : forecaster, factory, mapping or None
        What to test: an object with ``fit(data, as_of=..., seed=...)``
        whose fitted ``forecast(horizon).to_frame()`` has ``months`` and
        ``p_held`` (e.g. ``summitcast.SummitForecaster()``); a factory
        called as ``factory(series=name)`` (e.g. the class) to test several
        series; a mapping name → either to test several; or None for the
        baselines alone.
    data : record
        E.g. ``summitcast.datasets.load_trilateral()``: anything with
        ``truncate(as_of)``, ``as_of``, ``series`` and ``series_meetings``.
    origins : months
        The months at whose end forecasts are made ('YYYY-MM' strings,
        Timestamps, Periods or a DatetimeIndex such as
        ``summitcast._common.time.month_index("2010-01", "2025-06")``),
        each between the data's first month and its ``as_of``.
    horizons : int or sequence of int, default (6, 12, 24)
        Window lengths in months (each ≥ 1).
    refit : bool or int, default True
        True: refit every model at every origin.  An int k: refit every k
        origins, and in between call the fitted object's ``update(data,
        as_of=..., seed=...)`` with the newer vintage (same parameters, newer
        state).  False: fit once, at the first origin.
    executor : concurrent.futures.Executor, optional
        Where tasks run (threads, processes, ``dask.distributed.Client(...)
        .get_executor()``); None runs them here, serially.  The result does
        not depend on it.
    seed : int, optional
        Root seed; each (series, origin) fit gets ``child_seed(seed,
        "series", series, "origin", "YYYY-MM")``.  None draws a fresh one
        (recorded in ``result.info["seed"]``).
    series : str, sequence of str or "all", optional
        Series to forecast; default the forecaster's ``series`` (its
        attribute, or the default of its factory's ``series`` parameter),
        else ``"trilateral"``.
    progress : bool, optional
        Progress bar; default: on a terminal or in Jupyter, silent in pipes.
    baselines : sequence, default ``DEFAULT_BASELINES``
        Baseline forecasters (or factories) scored on the same windows;
        () or None for none.
    stack : bool, default True
        Add the leave-future-out stacked forecast of all models as the model
        ``"stacked"`` (see :func:`stack_backtest`).

    Returns
    -------
    Backtest
        ``frame``: one row per (model, series, origin, horizon) with
        ``forecast`` and ``outcome``; ``scores()``, ``by_horizon()``,
        ``by_series()``, ``plot_calibration()``, ``unscored`` (windows not
        scored, with the reason and count), ``weights`` (stacking).
    """
    record = as_record(data)
    origin_values = _origins(origins, record)
    horizon_values = _horizons(horizons)
    every = _refit_every(refit, origin_values.size)
    executor = check_executor(executor)
    seed = check_seed(seed)
    stack = check_bool(stack, "stack")
    series_list = _series(series, forecaster, record)
    models, baseline_names = _models(forecaster, baselines, series_list[0])

    scorable, outcomes, unscored = _plan(record, series_list, origin_values, horizon_values)
    if not scorable.any():
        raise ValueError(f"no window can be scored: every origin's window ends after the record-through or starts "
                         f"before the coverage of {series_list} (see the data's series table); give earlier origins "
                         f"or shorter horizons")
    active = np.flatnonzero(scorable.any(axis=(0, 2)))
    needs = []
    for j in active:
        per_series = tuple((s, tuple(int(h) for h in horizon_values[scorable[i, j]]))
                           for i, s in enumerate(series_list) if scorable[i, j].any())
        needs.append((int(origin_values[j]), per_series))
    blocks = [tuple(needs[b:b + every]) for b in range(0, len(needs), every)]
    # consecutive blocks share a task so that an executor receives the data at most MAX_TASKS times
    per_task = 1 if executor is None else -(-len(blocks) // MAX_TASKS)
    groups = [tuple(blocks[g:g + per_task]) for g in range(0, len(blocks), per_task)]
    labels = [f"{ordinal_month(g[0][0][0]):%Y-%m}" + (f"..{ordinal_month(g[-1][-1][0]):%Y-%m}"
                                                      if len(g) > 1 or len(g[0]) > 1 else "") for g in groups]
    model_tuple = tuple(models)
    # a later origin refits on a longer record and costs more (about 2.5 times the first's over
    # 2010-2025): an executor is handed the latest tasks first, so the short ones fill in at the end
    results = run_tasks(_blocks_task, [(model_tuple, record, g, seed) for g in groups], labels, executor, progress,
                        "backtest", submit_order=range(len(groups) - 1, -1, -1))

    rows = [r for block_rows in results for r in block_rows]
    m_idx, s_name, o_ord, h_val, p_val = (np.array(c) for c in zip(*rows))
    series_pos = {s: i for i, s in enumerate(series_list)}
    o_pos = np.searchsorted(origin_values, o_ord)
    h_pos = np.searchsorted(horizon_values, h_val)
    s_pos = np.array([series_pos[s] for s in s_name])
    names = [n for n, _ in models]
    frame = pd.DataFrame({
        "model": np.array(names, dtype=object)[m_idx],
        "series": s_name.astype(object),
        "origin": pd.DatetimeIndex([ordinal_month(o) for o in origin_values])[o_pos],
        "horizon": h_val.astype(np.int64),
        "forecast": p_val.astype(float),
        "outcome": outcomes[s_pos, o_pos, h_pos],
    })
    order = np.lexsort((frame["horizon"], o_pos, s_pos, m_idx))
    frame = frame.iloc[order].reset_index(drop=True)
    info = {
        "models": names,
        "baselines": baseline_names,
        "series": series_list,
        "origins": (ordinal_month(origin_values[0]), ordinal_month(origin_values[-1]), int(origin_values.size)),
        "fitted_origins": int(active.size),
        "horizons": [int(h) for h in horizon_values],
        "refit": refit,
        "seed": seed,
        "executor": "serial" if executor is None else type(executor).__name__,
    }
    result = Backtest(frame, unscored, info)
    if stack and len(names) > 1:
        from ._stacking import stack_backtest

        result = stack_backtest(result)
    return result
