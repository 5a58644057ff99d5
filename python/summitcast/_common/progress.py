"""Progress bars: shown on a terminal or in Jupyter, silent in pipes.

``progress(total, desc)`` yields a callback ``advance(k)`` (or ``None`` when
no bar is shown).  The C++ core calls such a callback, with the GIL held,
between chunks of work (see ``cpp/bindings/prelude.hpp``), so the same helper
serves samplers, simulations and backtests.  ``enabled=None`` (the default
everywhere) shows a bar only when tqdm is installed and someone is watching:
standard error is a terminal, or the code runs in a Jupyter kernel.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress", "watched"]


def watched() -> bool:
    """True when a person can see a progress bar: a terminal or a Jupyter kernel."""
    if "ipykernel" in sys.modules:
        shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
        if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
            return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


@contextmanager
def progress(
    total: int, desc: str, enabled: bool | None = None, unit: str = "it"
) -> Iterator[Callable[[int], None] | None]:
    """Yield ``advance(k)`` for a bar of ``total`` steps, or None when no bar is shown."""
    if enabled is None:
        enabled = watched()
    if not isinstance(enabled, bool):
        raise TypeError(f"progress must be True, False or None, got {enabled!r}")
    if not enabled:
        yield None
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield None
        return
    bar = tqdm(total=total, desc=desc, unit=unit)
    try:
        yield bar.update
    finally:
        bar.close()
