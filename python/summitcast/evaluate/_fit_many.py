"""One model per series of a panel, on any executor.

``fit_many(model_factory, panel)`` calls ``model_factory(data_k,
seed=child_seed(seed, "series", key_k))`` once for every series k of the
panel — e.g. every country pair of ``summitcast.io.build_indicator_panel``'s
output — and returns the results in the panel's order.  Each call is a pure
function of its inputs with its own seed, so the results are the same
whatever runs them: serially, on threads, on processes or on a Dask cluster.
Series are sent in chunks (a task fits several series one after the other,
and receives its part of the panel as one object) so that the per-task
cost of an executor is paid a few hundred times, not once per series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._common.seeds import check_seed, child_seed
from .._common.validation import check_int, describe
from ._executors import check_executor, run_tasks

__all__ = ["fit_many"]

#: default number of tasks an executor gets (series are chunked to fit)
DEFAULT_TASKS = 256


def _seed_key(key: Any) -> Any:
    """A spawn key for a series label: strings and non-negative ints as they
    are, anything else (tuples, dates) by its text."""
    if isinstance(key, str) or (isinstance(key, (int, np.integer)) and not isinstance(key, bool) and key >= 0):
        return key
    return str(key)


def _keys(panel: Any) -> list[Any]:
    """The series of a panel: a mapping's keys, a DataFrame's top column
    level (a DataFrame each) or columns (a Series each)."""
    if isinstance(panel, Mapping):
        keys = list(panel)
    elif isinstance(panel, pd.DataFrame):
        level = panel.columns.get_level_values(0) if isinstance(panel.columns, pd.MultiIndex) else panel.columns
        keys = list(level)
        if isinstance(panel.columns, pd.MultiIndex):
            keys = list(dict.fromkeys(keys))
    else:
        raise TypeError(f"panel must be a DataFrame (a column, or a top column level, per series) or a mapping "
                        f"key -> data, got {describe(panel)}")
    if not keys:
        raise ValueError("panel has no series")
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"panel has the series {dup!r} more than once")
    return keys


def _part(panel: Any, keys: list[Any]) -> Any:
    """The panel restricted to ``keys`` (what one task is sent: one object,
    not one per series)."""
    if isinstance(panel, Mapping):
        return {k: panel[k] for k in keys}
    return panel[keys]


def _fit_chunk(model_factory: Callable[..., Any], panel: Any, keys: list[Any], seeds: list[int]) -> list[Any]:
    return [model_factory(panel[k], seed=s) for k, s in zip(keys, seeds)]


def fit_many(
    model_factory: Callable[..., Any],
    panel: Any,
    executor: Any = None,
    seed: int | None = None,
    progress: bool | None = None,
    *,
    chunksize: int | None = None,
) -> dict[Any, Any]:
    """Fit one model per series of a panel.

    Parameters
    ----------
    model_factory : callable
        ``model_factory(data, seed=...)`` → a fitted result, for one series'
        data (e.g. ``lambda y, seed: INGARCH(y).fit()`` serially; a
        module-level function for a process pool or a cluster).
    panel : DataFrame or mapping
        A DataFrame with a column per series, or with a (series, measure)
        column MultiIndex (a DataFrame per series); or a mapping key → data.
    executor : concurrent.futures.Executor, optional
        Where the fits run; None: here, serially.  The results do not
        depend on it.
    seed : int, optional
        Root seed; series k gets ``child_seed(seed, "series", k)`` (None:
        fresh entropy).
    progress : bool, optional
        Progress bar (default: on a terminal or in Jupyter).
    chunksize : int, optional
        Series per task; default: enough for at most 256 tasks.

    Returns
    -------
    dict
        Key → result, in the panel's order.
    """
    if not callable(model_factory):
        raise TypeError(f"model_factory must be callable as model_factory(data, seed=...), got {describe(model_factory)}")
    keys = _keys(panel)
    executor = check_executor(executor)
    seed = check_seed(seed)
    n = len(keys)
    size = -(-n // DEFAULT_TASKS) if chunksize is None else check_int(chunksize, "chunksize", 1)
    seeds = [child_seed(seed, "series", _seed_key(k)) for k in keys]
    chunks = [(keys[i:i + size], seeds[i:i + size]) for i in range(0, n, size)]
    # serially every task reads the panel itself; an executor gets each task's part only
    tasks = [(model_factory, panel if executor is None else _part(panel, k), k, s) for k, s in chunks]
    labels = [f"series {k[0]!r}" + (f"..{k[-1]!r}" if len(k) > 1 else "") for k, _ in chunks]
    results = run_tasks(_fit_chunk, tasks, labels, executor, progress, "fit_many")
    return dict(zip(keys, (r for chunk in results for r in chunk)))
