"""Small public series bundled for the command-line demo and the tests."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def load_nile() -> pd.Series:
    """Annual Nile flow at Aswan, 1871–1970 (Cobb 1978; Durbin & Koopman 2012, ch. 2)."""
    with resources.files(__package__).joinpath("nile.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, comment="#")
    index = pd.PeriodIndex(frame["year"].astype(str), freq="Y")
    return pd.Series(frame["flow"].to_numpy(dtype=float), index=index, name="Nile flow")
