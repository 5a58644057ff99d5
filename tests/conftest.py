"""Shared test fixtures.

Real data files live in ../shared/data beside the project root (see that
folder's README).  Tests that need them use the ``shared_data`` fixture: it
skips with a reason where a checkout has no ../shared, but fails when CI=true,
where the files must be present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the shared data folder {SHARED_DATA} is missing")
        pytest.skip(
            f"real-file test: needs the published files in ../shared/data ({SHARED_DATA} is absent in this "
            "checkout); README's Development section lists them and where each comes from"
        )
    return SHARED_DATA
