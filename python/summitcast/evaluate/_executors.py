"""Running independent tasks serially or on any ``concurrent.futures.Executor``.

Backtests and ``fit_many`` cut their work into tasks that are pure functions
of their arguments (each with its own seed, derived by name), so the result
does not depend on what runs them or in which order they finish: a thread
pool (the C++ core releases the GIL), a process pool, or a Dask cluster
(``dask.distributed.Client(...).get_executor()``).  Results come back in
task order.  For a process pool or a cluster the function and its arguments
must be picklable (module-level functions and classes, not lambdas).

On an executor each task runs with the compiled core's threaded loops on
one thread (:func:`summitcast._common.threads.using_core_threads`): the
tasks themselves are what runs in parallel, and a worker that also started
a thread per core would oversubscribe the machine.  Serially the core keeps
its default (every hardware thread).  Results do not depend on either.

When a task raises, the higher-numbered tasks not yet started are cancelled
(the lower-numbered ones still run, since one of them may fail too) and the
error of the lowest-numbered failed task is raised, with a note saying which
task it was: the error a serial run raises, whatever the order in which the
tasks were handed out.  Warnings raised inside tasks follow Python's rules where the task
runs: serially and on threads they reach the caller's filters; in worker
processes they are printed to the workers' standard error (which a process
pool shares with the caller) and are not returned.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
from collections.abc import Callable, Sequence
from typing import Any

from .._common.progress import progress as progress_bar
from .._common.threads import using_core_threads
from .._common.validation import describe

__all__ = ["check_executor", "process_pool", "run_tasks"]


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool whose workers start from a fresh server process
    ("forkserver"), not by forking this one: forking copies a process whose
    other threads (the C++ core's pools, JAX, BLAS) may hold locks, which can
    deadlock the child."""
    import multiprocessing

    from .._common.validation import check_int

    return cf.ProcessPoolExecutor(check_int(workers, "workers", 1), mp_context=multiprocessing.get_context("forkserver"))


def check_executor(executor: Any, name: str = "executor") -> cf.Executor | None:
    """``executor`` if it is None or a ``concurrent.futures.Executor``, else a TypeError."""
    if executor is None or isinstance(executor, cf.Executor):
        return executor
    hint = " (for Dask, pass client.get_executor())" if type(executor).__name__ == "Client" else ""
    raise TypeError(f"{name} must be a concurrent.futures.Executor or None, got {describe(executor)}{hint}")


def _noted(err: BaseException, what: str) -> BaseException:
    if hasattr(err, "add_note"):  # Python >= 3.11
        err.add_note(what)
    return err


def _on_one_core_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` with the core's threaded loops on one thread (a task among parallel tasks)."""
    with using_core_threads(1):
        return fn(*args)


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], labels: Sequence[str], executor: cf.Executor | None,
              progress: bool | None, desc: str, submit_order: Sequence[int] | None = None) -> list[Any]:
    """``[fn(*args) for args in tasks]``, serially or on ``executor``, in task order.

    ``labels`` name the tasks in error notes; ``progress`` is the shared
    progress switch (None: a bar on a terminal or in Jupyter);
    ``submit_order`` the order in which an executor is handed the tasks
    (default: task order; e.g. the longest first, so that no worker is left
    with a long task at the end).  Results are in task order and the error
    raised is that of the lowest-numbered failed task, whatever the order.
    """
    results: list[Any] = [None] * len(tasks)
    with progress_bar(len(tasks), desc, progress) as advance:
        if executor is None:
            for i, args in enumerate(tasks):
                try:
                    results[i] = fn(*args)
                except Exception as err:
                    raise _noted(err, f"in {desc} task {labels[i]}")
                if advance is not None:
                    advance(1)
            return results
        task = functools.partial(_on_one_core_thread, fn)
        order = range(len(tasks)) if submit_order is None else submit_order
        if sorted(order) != list(range(len(tasks))):
            raise ValueError(f"submit_order must be a permutation of the {len(tasks)} task numbers, got {order!r}")
        futures = {executor.submit(task, *tasks[i]): i for i in order}
        failed: dict[int, BaseException] = {}
        for future in cf.as_completed(futures):
            i = futures[future]
            if future.cancelled():
                continue
            err = future.exception()
            if err is not None:
                failed[i] = err
                for other, j in futures.items():
                    if j > i:  # a later task cannot be the first to fail: not started, not needed
                        other.cancel()
                continue
            results[i] = future.result()
            if advance is not None:
                advance(1)
        if failed:
            first = min(failed)
            raise _noted(failed[first], f"in {desc} task {labels[first]}")
    return results
