"""One seed argument, and a stream per component derived from it.

Every public function that draws random numbers takes ``seed``: an integer in
[0, 2**64), or ``None`` for fresh entropy from the operating system (the run
is then not reproducible, but the seed actually used is recorded on the
result so that it can be repeated).

A run that composes several random components (indicator paths, a sampler,
the origins of a backtest) gives each its own stream with
:func:`child_seed`, keyed by stable names: ``child_seed(seed, "indicator",
"missile_launches")``.  The derivation is numpy's ``SeedSequence`` with the
keys as its spawn key (strings hashed with BLAKE2b, so the same names give the
same stream on every platform and in every process, unlike Python's
``hash``).  Two different key tuples give statistically independent streams;
the C++ core then splits each stream further per chain or per path
(``summitcast/core/rng.hpp``), so results do not depend on the thread count.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from .validation import describe

__all__ = ["SEED_BOUND", "check_seed", "child_seed", "generator"]

SEED_BOUND = 2**64


def check_seed(seed: Any, name: str = "seed") -> int:
    """``seed`` as an int in [0, 2**64); ``None`` draws one from fresh entropy."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be a non-negative integer or None, got {describe(seed)}")
    if not 0 <= int(seed) < SEED_BOUND:
        raise ValueError(f"{name} must be a non-negative integer below 2**64, got {int(seed)}")
    return int(seed)


def _key_word(key: Any) -> int:
    """A stable non-negative integer for one spawn-key element."""
    if isinstance(key, (bool, np.bool_)):
        raise TypeError(f"seed keys must be strings, integers or dates, got {key!r}")
    if isinstance(key, (int, np.integer)) and int(key) >= 0:
        return int(key)
    if isinstance(key, (pd.Timestamp, pd.Period)):
        key = str(key)
    if isinstance(key, str):
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little")
    raise TypeError(f"seed keys must be strings, non-negative integers or dates, got {key!r}")


def child_seed(seed: int, *keys: Any) -> int:
    """A 64-bit seed for the component named by ``keys``, derived from ``seed``.

    ``child_seed(s)`` (no keys) is ``s`` itself; otherwise the result is the
    first 64-bit word of ``SeedSequence(s, spawn_key=keys)``.
    """
    seed = check_seed(seed)
    if not keys:
        return seed
    sequence = np.random.SeedSequence(seed, spawn_key=tuple(_key_word(k) for k in keys))
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def generator(seed: int, *keys: Any) -> np.random.Generator:
    """A numpy Generator on the stream ``child_seed(seed, *keys)``."""
    return np.random.default_rng(child_seed(seed, *keys))
