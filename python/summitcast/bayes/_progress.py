"""Optional progress bar through tqdm.auto (a no-op when tqdm is missing or progress=False)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def progress_bar(total: int, enabled: bool, desc: str) -> Iterator[Callable[[int], None] | None]:
    """Yield a callback ``advance(k)`` for the sampler, or None when no bar is shown."""
    if not enabled:
        yield None
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield None
        return
    bar = tqdm(total=total, desc=desc, unit="it")
    try:
        yield bar.update
    finally:
        bar.close()
