"""How many threads the compiled core's own loops use when a call does not say.

A call into the core that can run on several threads (the importance
densities of a Laplace or adaptive-importance fit, :mod:`summitcast.bayes`)
uses all hardware threads by default (``0``), which is what one fit run by
hand wants.  Tasks that already run side by side on an executor (a backtest's
origins, ``fit_many``'s series) each run on one core thread instead
(:func:`using_core_threads`), so that two workers on two cores do not start
four threads.  The core's results never depend on the thread count (its
blocks of work are fixed), so this changes only the speed.

The setting is a context variable: it holds for the thread (or asyncio task)
that sets it and is undone on leaving the ``with`` block.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from .validation import check_int

__all__ = ["core_threads", "using_core_threads"]

_CORE_THREADS: contextvars.ContextVar[int] = contextvars.ContextVar("summitcast_core_threads", default=0)


def core_threads() -> int:
    """Threads the core's threaded loops use here (0: all hardware threads)."""
    return _CORE_THREADS.get()


@contextmanager
def using_core_threads(threads: int) -> Iterator[None]:
    """Run the block with the core's threaded loops on ``threads`` threads (0: all)."""
    token = _CORE_THREADS.set(check_int(threads, "threads", 0))
    try:
        yield
    finally:
        _CORE_THREADS.reset(token)
