"""Running peer libraries as references without letting their warnings decide
our tests.

pytest turns warnings into errors (pyproject.toml), which is right for
summitcast's own code but wrong for a reference fit: a new release of a peer
may start warning (a ConvergenceWarning at a tight tolerance, a deprecation
inside its own code) while its numbers stay what we compare against.  Wrap
every peer call in :func:`peer_call` (or ``with quiet_peer():``); the numbers
are still compared, so a peer that really failed still fails the test.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


@contextlib.contextmanager
def quiet_peer() -> Iterator[None]:
    """Ignore every warning raised inside the block (for reference computations only)."""
    filters = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
    # outside the block our own warnings are errors again, exactly as before it
    assert warnings.filters == filters, "quiet_peer did not restore the warning filters"


def peer_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` with the peer's warnings ignored."""
    with quiet_peer():
        return fn(*args, **kwargs)
